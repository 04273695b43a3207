import type { RandomSource } from '../../core/random.js';
import type { UserStore } from '../../store/types.js';
import { PLAYGROUND_CLIENTS } from '../demo-seed.js';
import type { DemoResourceStore, OwnerKind } from './resource-store.js';

/** Something to show on the first call, per owner. */
const INITIAL_RESOURCES: readonly { kind: OwnerKind; owner: string; titles: string[] }[] = [
  { kind: 'user', owner: 'alice', titles: ['Holiday photos: Lisbon', 'Recipe: apple pie', 'Tax return 2024 (PDF)'] },
  { kind: 'user', owner: 'bob', titles: ['Blueprint: garden shed', 'Invoice #1042'] },
  { kind: 'client', owner: PLAYGROUND_CLIENTS.clientCredentials.clientId, titles: ['Backup report: last night', 'Disk usage summary'] },
];

/** Gives each demo owner its first resources, once: an owner who already has some is left alone. */
export async function seedDemoResources(resources: DemoResourceStore, users: UserStore, random: RandomSource, now: number): Promise<void> {
  for (const entry of INITIAL_RESOURCES) {
    const ownerId = entry.kind === 'user' ? (await users.getByUsername(entry.owner))?.id : entry.owner;
    if (ownerId === undefined || (await resources.count(entry.kind, ownerId)) > 0) continue;
    for (const [index, title] of entry.titles.entries()) {
      await resources.add({ id: random.token(9), ownerKind: entry.kind, ownerId, title, createdBy: 'seed', createdAt: now - entry.titles.length + index });
    }
  }
}
