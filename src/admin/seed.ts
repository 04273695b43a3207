import { readFile, stat } from 'node:fs/promises';
import type { SecretHashing } from '../core/secret-hash.js';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../config.js';
import { clientFromMetadata, InvalidClientMetadata } from '../core/client-metadata.js';
import { hashPassword, verifyPassword } from '../core/password.js';
import { InvalidResourceMetadata, resourceServerFromMetadata } from '../core/resource-metadata.js';
import { InvalidUserClaims, validateUserClaims, withUpdatedAt } from '../oidc/standard-claims.js';
import type { Client, ResourceServer, Store } from '../store/types.js';

export interface SeedUser {
  username: string;
  password: string;
  /** OpenID Connect standard claims (Core §5.1), the user's other members; undefined when it has none. */
  claims?: Record<string, unknown> | undefined;
}

export interface Seed {
  clients: Client[];
  users: SeedUser[];
  /** The APIs tokens are issued for (RFC 8707 resources), with who may introspect their tokens. */
  resources: ResourceServer[];
  /**
   * The resources whose seed entry does not mention signing_alg: applying the seed leaves their
   * stored algorithm as it is (set with `tessera resource update --signing-alg` while the seed,
   * re-applied at every start, never said anything about it).
   */
  resourcesWithoutSigningAlg?: ReadonlySet<string>;
}

/** Reads and validates a seed file before anything is written, so a bad file changes nothing. */
export async function readSeedFile(path: string, now: number, hashing: SecretHashing): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError(`cannot read seed file "${path}" (${code}); check the path given to --seed.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`seed file "${path}" is not valid JSON: ${(error as Error).message}.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`seed file "${path}" must be a JSON object {"clients": [...], "users": [...], "resources": [...]}.`);
  }
  const { clients = [], users = [], resources = [], ...rest } = data as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new ConfigError(`seed file "${path}": unknown key "${extra[0]}"; expected "clients", "users" and "resources".`);
  if (!Array.isArray(clients) || !Array.isArray(users) || !Array.isArray(resources)) {
    throw new ConfigError(`seed file "${path}": "clients", "users" and "resources" must be arrays.`);
  }
  // Client secrets and passwords in a file anyone on the machine can read are everyone's: refused,
  // as a readable database or secret file is (docs/SECURITY.md, finding 1).
  const holdsSecrets = users.length > 0 || clients.some((client) => typeof client === 'object' && client !== null && 'client_secret' in client);
  if (holdsSecrets && ((await stat(path)).mode & 0o077) !== 0) {
    throw new ConfigError(`seed file "${path}" holds client secrets or passwords and other users can read it; run: chmod 600 ${path}`);
  }
  const parsedClients = clients.map((client) => {
    try {
      return clientFromMetadata(client, now, hashing);
    } catch (error) {
      if (error instanceof InvalidClientMetadata) throw new ConfigError(`seed file "${path}": ${error.message}`);
      throw error;
    }
  });
  const parsedUsers = users.map((user, index): SeedUser => {
    const u = user as Record<string, unknown>;
    if (typeof u !== 'object' || u === null || typeof u.username !== 'string' || u.username === '' || typeof u.password !== 'string' || u.password === '') {
      throw new ConfigError(`seed file "${path}": user ${index + 1} needs a non-empty "username" and "password".`);
    }
    const { username: _username, password: _password, ...claimMembers } = u;
    if (Object.keys(claimMembers).length === 0) return { username: u.username, password: u.password };
    try {
      return { username: u.username, password: u.password, claims: validateUserClaims(claimMembers) };
    } catch (error) {
      if (error instanceof InvalidUserClaims) throw new ConfigError(`seed file "${path}": user ${index + 1}: ${error.message}`);
      throw error;
    }
  });
  const parsedResources = resources.map((resource) => {
    try {
      return resourceServerFromMetadata(resource, now);
    } catch (error) {
      if (error instanceof InvalidResourceMetadata) throw new ConfigError(`seed file "${path}": ${error.message}`);
      throw error;
    }
  });
  const seen = new Set<string>();
  for (const { resource } of parsedResources) {
    if (seen.has(resource)) throw new ConfigError(`seed file "${path}": resource "${resource}" is listed twice.`);
    seen.add(resource);
  }
  const withoutSigningAlg = new Set((resources as Record<string, unknown>[])
    .filter((entry) => typeof entry === 'object' && entry !== null && entry.signing_alg === undefined).map((entry) => String(entry.resource)));
  return { clients: parsedClients, users: parsedUsers, resources: parsedResources, resourcesWithoutSigningAlg: withoutSigningAlg };
}

/** Inserts or updates every client, user and resource server; running it again changes nothing. */
export async function applySeed(store: Store, seed: Seed, now: number): Promise<void> {
  for (const client of seed.clients) {
    const existing = await store.clients.get(client.clientId);
    await store.clients.upsert({ ...client, createdAt: existing?.createdAt ?? client.createdAt });
  }
  // The store keeps a resource server's first created_at.
  for (const resource of seed.resources) {
    if (!seed.resourcesWithoutSigningAlg?.has(resource.resource)) {
      await store.resources.upsert(resource);
      continue;
    }
    // The seed says nothing of the algorithm: keep the one stored (applied by the primary at start, before any worker runs).
    const stored = (await store.resources.get(resource.resource))?.signingAlg;
    await store.resources.upsert(stored === undefined ? resource : { ...resource, signingAlg: stored });
  }
  for (const user of seed.users) await upsertUser(store, user.username, user.password, now, user.claims);
}

/** A user to update does not exist and no password was given to create it. */
export class UnknownUser extends Error {
  constructor(username: string) {
    super(`no user "${username}"; give a password to create one.`);
    this.name = 'UnknownUser';
  }
}

/**
 * Creates the user or sets its password and/or claims; argon2id work is skipped when the password
 * is unchanged. `claims` (validated, oidc/standard-claims.ts) replace the user's claims, and
 * `updated_at` moves only when they changed; undefined keeps them. Without a password, the user must exist.
 */
export async function upsertUser(store: Store, username: string, password: string | undefined, now: number, claims?: Record<string, unknown>): Promise<void> {
  const existing = await store.users.getByUsername(username);
  if (!existing && password === undefined) throw new UnknownUser(username);
  const nextClaims = claims === undefined ? (existing?.claims ?? {}) : withUpdatedAt(existing?.claims ?? {}, claims, now);
  const passwordKept = existing !== undefined && (password === undefined || (await verifyPassword(existing.passwordHash, password)));
  if (existing && passwordKept && JSON.stringify(nextClaims) === JSON.stringify(existing.claims)) return;
  await store.users.upsert({
    id: existing?.id ?? randomUUID(), username,
    passwordHash: passwordKept ? existing.passwordHash : await hashPassword(password as string),
    claims: nextClaims, createdAt: existing?.createdAt ?? now,
  });
  // A new password ends what the old one opened: whoever knew it keeps no session or token.
  if (existing && !passwordKept) await store.users.endSessions(existing.id, now);
}
