import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applySeed, readSeedFile } from '../../src/admin/seed.js';
import { SecretHashing } from '../../src/core/secret-hash.js';
import { ServerSecrets } from '../../src/core/server-secrets.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

// RFC review L9: `tessera serve --seed` re-applies the seed at every start; a seed entry that
// omits signing_alg used to clear the algorithm set since with `tessera resource update`.

const work = mkdtempSync(join(tmpdir(), 'tessera-seed-alg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const NOW = 1_800_000_000;
const API = 'https://api.example';
const hashing = new SecretHashing(ServerSecrets.ephemeral());

function seedFile(name: string, resource: Record<string, unknown>): string {
  const path = join(work, name);
  writeFileSync(path, JSON.stringify({ resources: [resource] }), { mode: 0o600 });
  return path;
}

describe('a seed re-applied at start', () => {
  it('leaves a resource\'s signing_alg as stored when its entry does not mention it, and sets it when it does', async () => {
    const store = new SqliteStore(':memory:');
    try {
      const silent = seedFile('silent.json', { resource: API, scope: 'read' });
      await applySeed(store, await readSeedFile(silent, NOW, hashing), NOW);
      expect((await store.resources.get(API))?.signingAlg).toBeUndefined();
      // As `tessera resource update https://api.example --signing-alg RS256` does.
      const stored = await store.resources.get(API);
      await store.resources.upsert({ ...stored!, signingAlg: 'RS256' });
      // The restart: the same seed again.
      await applySeed(store, await readSeedFile(silent, NOW + 10, hashing), NOW + 10);
      expect(await store.resources.get(API)).toMatchObject({ scope: ['read'], signingAlg: 'RS256' });
      // A seed that says which algorithm wins.
      await applySeed(store, await readSeedFile(seedFile('eddsa.json', { resource: API, scope: 'read write', signing_alg: 'EdDSA' }), NOW + 20, hashing), NOW + 20);
      expect(await store.resources.get(API)).toMatchObject({ scope: ['read', 'write'], signingAlg: 'EdDSA' });
    } finally {
      await store.close();
    }
  });
});
