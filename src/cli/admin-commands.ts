import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UnknownUser, upsertUser } from '../admin/seed.js';
import { InvalidUserClaims, validateUserClaims } from '../oidc/standard-claims.js';
import { claimsFromFlags, InvalidClaimFlag, withClaimFlags } from './user-claim-flags.js';
import { loadConfig, userPasswordFromEnv, type ConfigFlags } from '../config.js';
import { clientFromMetadata, clientToMetadata, type ClientMetadata } from '../core/client-metadata.js';
import { systemClock } from '../core/clock.js';
import { cryptoRandom } from '../core/random.js';
import { generateOpaqueToken, TOKEN_PREFIX } from '../core/tokens.js';
import { loadServerSecrets } from '../admin/server-secret-file.js';
import { SecretHashing } from '../core/secret-hash.js';
import type { ServerSecrets } from '../core/server-secrets.js';
import { passwordRefusal } from '../core/password-policy.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Runs `work` on the database of `flags`, with the keyed hashes of its server secret (the same
 * one `tessera serve` uses: --secret-file, TESSERA_SECRET_FILE, TESSERA_SECRET, or the file beside
 * an embedded database), so that a client secret registered here verifies there.
 */
export async function withStore<T>(flags: ConfigFlags, work: (store: Store, hashing: SecretHashing, secrets: ServerSecrets) => Promise<T>): Promise<T> {
  const config = loadConfig(flags);
  const secrets = loadServerSecrets(config.secret);
  const hashing = new SecretHashing(secrets);
  const store = await openStore(config.db);
  try {
    return await work(store, hashing, secrets);
  } finally {
    await store.close();
  }
}

export function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

interface ClientCreateOptions {
  db?: string;
  clientId?: string;
  name?: string;
  secret?: string;
  public?: boolean;
  redirectUri?: string[];
  grantType?: string[];
  responseType?: string[];
  scope?: string;
  authMethod?: string;
  resource?: string[];
  skipConsent?: boolean;
  secretFile?: string;
  idTokenSignedResponseAlg?: string;
  postLogoutRedirectUri?: string[];
  backchannelLogoutUri?: string;
  backchannelLogoutSessionRequired?: boolean;
  jwksFile?: string;
  jwksUri?: string;
}

/** private_key_jwt keys: a JWK Set file (public keys) or a jwks_uri; either implies the method. */
function keyMetadata(options: Pick<ClientCreateOptions, 'jwksFile' | 'jwksUri'>): Partial<ClientMetadata> {
  if (options.jwksFile === undefined) return options.jwksUri !== undefined ? { jwks_uri: options.jwksUri } : {};
  let jwks: unknown;
  try {
    jwks = JSON.parse(readFileSync(options.jwksFile, 'utf8'));
  } catch {
    throw new AdminError(`--jwks-file ${options.jwksFile}: cannot read a JSON JWK Set from it.`);
  }
  return { jwks: jwks as ClientMetadata['jwks'], ...(options.jwksUri !== undefined ? { jwks_uri: options.jwksUri } : {}) };
}

/** The OpenID Connect logout metadata a create or update was given (RP-Initiated and Back-Channel Logout 1.0). */
function logoutMetadata(options: Pick<ClientCreateOptions, 'postLogoutRedirectUri' | 'backchannelLogoutUri' | 'backchannelLogoutSessionRequired'>): Partial<ClientMetadata> {
  return {
    ...(options.postLogoutRedirectUri !== undefined ? { post_logout_redirect_uris: options.postLogoutRedirectUri } : {}),
    ...(options.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: options.backchannelLogoutUri } : {}),
    ...(options.backchannelLogoutSessionRequired !== undefined ? { backchannel_logout_session_required: options.backchannelLogoutSessionRequired } : {}),
  };
}

export function registerClientCommands(program: Command): void {
  const client = program.command('client').description('register and inspect OAuth clients');
  client.command('create')
    .description('register a client; without --secret a strong secret is generated and printed once')
    .option('--db <url>', 'database: sqlite:PATH or postgres://...')
    .option('--client-id <id>', 'client_id (default: generated)')
    .option('--name <name>', 'client_name shown on the consent page')
    .option('--secret <secret>', 'client_secret (default: generated, which is better: a secret on the command line shows in ps and shell history)')
    .option('--public', 'a public client: token_endpoint_auth_method none, no secret')
    .option('--redirect-uri <uri>', 'a redirect URI (repeat for several)', collect)
    .option('--grant-type <type>', 'a grant type (repeat for several)', collect)
    .option('--response-type <type>', 'a response type (repeat for several)', collect)
    .option('--scope <scopes>', 'space-separated scopes the client may request')
    .option('--auth-method <method>', 'client_secret_basic (default), client_secret_post, private_key_jwt or none')
    .option('--resource <uri>', 'an RFC 8707 resource the client may ask for (repeat for several)', collect)
    .option('--skip-consent', 'a first-party client: skip the consent page')
    .option('--secret-file <path>', 'the server secret file, as for tessera serve (the client secret is hashed with it)')
    .option('--id-token-signed-response-alg <alg>', 'OpenID Connect: RS256 (default), ES256 or EdDSA for its ID tokens')
    .option('--post-logout-redirect-uri <uri>', 'OpenID Connect logout: where logout may send the browser back (repeat for several)', collect)
    .option('--backchannel-logout-uri <uri>', 'OpenID Connect Back-Channel Logout: where logout tokens are POSTed (https, or http on 127.0.0.1/localhost)')
    .option('--backchannel-logout-session-required', 'the client needs sid in logout tokens')
    .option('--jwks-file <path>', 'private_key_jwt: a JSON file of the client\'s public JWK Set (implies --auth-method private_key_jwt)')
    .option('--jwks-uri <uri>', 'private_key_jwt: the https URL of the client\'s JWK Set (implies --auth-method private_key_jwt)')
    .action(async (options: ClientCreateOptions) => {
      const withKeys = options.jwksFile !== undefined || options.jwksUri !== undefined;
      const authMethod = options.public ? 'none' : options.authMethod ?? (withKeys ? 'private_key_jwt' : undefined);
      // A secret given for a public client is passed on, so that validation refuses it loudly.
      const secret = options.secret ?? (authMethod === 'none' || authMethod === 'private_key_jwt' ? undefined : generateOpaqueToken(TOKEN_PREFIX.clientSecret, cryptoRandom));
      const metadata: ClientMetadata = {
        client_id: options.clientId ?? cryptoRandom.token(12),
        client_secret: secret,
        client_name: options.name,
        redirect_uris: options.redirectUri,
        grant_types: options.grantType,
        response_types: options.responseType,
        scope: options.scope,
        token_endpoint_auth_method: authMethod,
        resources: options.resource,
        skip_consent: options.skipConsent,
        id_token_signed_response_alg: options.idTokenSignedResponseAlg,
        ...logoutMetadata(options),
        ...keyMetadata(options),
      };
      const record = await withStore({ db: options.db, secretFile: options.secretFile }, async (store, hashing) => {
        const created = clientFromMetadata(JSON.parse(JSON.stringify(metadata)) as unknown, systemClock.nowSeconds(), hashing);
        if (await store.clients.get(created.clientId)) throw new AdminError(`client "${created.clientId}" already exists.`);
        await store.clients.upsert(created);
        return created;
      });
      // The secret is shown this once; only its hash is stored.
      const generated = secret !== undefined && options.secret === undefined;
      print({ ...clientToMetadata(record), ...(generated ? { client_secret: secret } : {}) });
      if (generated) storeSecretNow();
    });
  client.command('update <client_id>')
    .description('change a registered client (the options given; the rest is kept); every server sees it within seconds')
    .option('--db <url>', 'database URL')
    .option('--redirect-uri <uri>', 'a redirect URI, replacing the registered ones (repeat for several)', collect)
    .option('--name <name>', 'client_name shown on the consent page')
    .option('--scope <scopes>', 'space-separated scopes the client may request (replaces them)')
    .option('--id-token-signed-response-alg <alg>', 'OpenID Connect: RS256, ES256 or EdDSA for its ID tokens')
    .option('--post-logout-redirect-uri <uri>', 'OpenID Connect logout: where logout may send the browser back (repeat for several; replaces them)', collect)
    .option('--backchannel-logout-uri <uri>', 'OpenID Connect Back-Channel Logout: where logout tokens are POSTed (https, or http on 127.0.0.1/localhost)')
    .option('--backchannel-logout-session-required', 'the client needs sid in logout tokens')
    .action(async (clientId: string, options: { db?: string; redirectUri?: string[]; name?: string; scope?: string; idTokenSignedResponseAlg?: string } & Pick<ClientCreateOptions, 'postLogoutRedirectUri' | 'backchannelLogoutUri' | 'backchannelLogoutSessionRequired'>) => {
      const record = await withStore({ db: options.db }, async (store, hashing) => {
        const existing = await store.clients.get(clientId);
        if (!existing) throw new AdminError(`no client "${clientId}".`);
        // Validated as a registration would be: the changed metadata, with the stored secret hash kept.
        const metadata = {
          ...clientToMetadata(existing),
          ...(options.redirectUri !== undefined ? { redirect_uris: options.redirectUri } : {}),
          ...(options.name !== undefined ? { client_name: options.name } : {}),
          ...(options.scope !== undefined ? { scope: options.scope } : {}),
          ...(options.idTokenSignedResponseAlg !== undefined ? { id_token_signed_response_alg: options.idTokenSignedResponseAlg } : {}),
          ...logoutMetadata(options),
          ...(existing.secretHash !== null ? { client_secret: 'kept' } : {}),
        };
        const checked = clientFromMetadata(JSON.parse(JSON.stringify(metadata)) as unknown, existing.createdAt, hashing);
        const updated = { ...checked, secretHash: existing.secretHash };
        await store.clients.upsert(updated);
        return updated;
      });
      print(clientToMetadata(record));
    });
  client.command('list').description('list clients').option('--db <url>', 'database URL')
    .action(async (options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => {
        // registered_by: dynamic for a client that registered itself (RFC 7591), admin otherwise.
        const dynamic = new Set((await store.registrations.list()).map((registration) => registration.clientId));
        print((await store.clients.list()).map((found) => ({ ...clientToMetadata(found), registered_by: dynamic.has(found.clientId) ? 'dynamic' : 'admin' })));
      });
    });
  client.command('show <client_id>').description('show one client').option('--db <url>', 'database URL')
    .action(async (clientId: string, options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => {
        const found = await store.clients.get(clientId);
        if (!found) throw new AdminError(`no client "${clientId}".`);
        const registration = await store.registrations.find(clientId);
        print({ ...clientToMetadata(found), registered_by: registration ? 'dynamic' : 'admin',
          ...(registration ? { registered_at: registration.registeredAt, last_used_day: registration.lastUsedDay } : {}) });
      });
    });
  client.command('rotate-secret <client_id>')
    .description('give a confidential client a new secret, generated and printed once; the old one stops working on every server within seconds')
    .option('--db <url>', 'database URL')
    .option('--secret-file <path>', 'the server secret file, as for tessera serve (the client secret is hashed with it)')
    .action(async (clientId: string, options: { db?: string; secretFile?: string }) => {
      const secret = generateOpaqueToken(TOKEN_PREFIX.clientSecret, cryptoRandom);
      await withStore({ db: options.db, secretFile: options.secretFile }, async (store, hashing) => {
        const found = await store.clients.get(clientId);
        if (!found) throw new AdminError(`no client "${clientId}".`);
        if (found.secretHash === null) throw new AdminError(`client "${clientId}" is a public client: it has no secret.`);
        // The upsert moves the registry version: every server's client cache drops the old hash.
        await store.clients.upsert({ ...found, secretHash: hashing.clientSecrets.hash(secret) });
      });
      // Shown this once; only its hash is stored.
      print({ client_id: clientId, client_secret: secret });
      storeSecretNow();
    });
  client.command('delete <client_id>').description('delete a client, revoking its tokens and forgetting its consents').option('--db <url>', 'database URL')
    .action(async (clientId: string, options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => {
        if (!(await store.clients.delete(clientId, systemClock.nowSeconds()))) throw new AdminError(`no client "${clientId}".`);
        process.stdout.write(`deleted client ${clientId}\n`);
      });
    });
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage users who sign in');
  withClaimFlags(user.command('create <username>')
    .description('create a user, or set the password (and claims) of an existing one (password from --password or TESSERA_USER_PASSWORD)')
    .option('--db <url>', 'database URL')
    .option('--password <password>', 'the password (hashed with argon2id)'))
    .action(async (username: string, options: { db?: string; password?: string } & Record<string, unknown>) => {
      const password = options.password ?? userPasswordFromEnv();
      if (!password) throw new AdminError('give the password with --password or TESSERA_USER_PASSWORD.');
      refuseWeakPassword(password, username);
      await withStore({ db: options.db }, (store) => saveUser(store, username, password, options));
      process.stdout.write(`user ${username} saved\n`);
    });
  withClaimFlags(user.command('update <username>')
    .description('change a user\'s OpenID Connect claims (flags below; --unset removes one) and, with --password or TESSERA_USER_PASSWORD, its password')
    .option('--db <url>', 'database URL')
    .option('--password <password>', 'a new password (hashed with argon2id)'))
    .action(async (username: string, options: { db?: string; password?: string } & Record<string, unknown>) => {
      const password = options.password ?? userPasswordFromEnv();
      if (password !== undefined) refuseWeakPassword(password, username);
      await withStore({ db: options.db }, async (store) => {
        if (!(await store.users.getByUsername(username))) throw new AdminError(`no user "${username}".`);
        await saveUser(store, username, password, options);
      });
      process.stdout.write(`user ${username} saved\n`);
    });
  user.command('show <username>').description('show a user and its claims').option('--db <url>', 'database URL')
    .action(async (username: string, options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => {
        const found = await store.users.getByUsername(username);
        if (!found) throw new AdminError(`no user "${username}".`);
        print({ id: found.id, username: found.username, created_at: found.createdAt, claims: found.claims });
      });
    });
  user.command('list').description('list users').option('--db <url>', 'database URL')
    .action(async (options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) =>
        print((await store.users.list()).map((u) => ({ id: u.id, username: u.username, created_at: u.createdAt }))));
    });
  user.command('delete <username>').description('delete a user, revoking their tokens and ending their sessions').option('--db <url>', 'database URL')
    .action(async (username: string, options: { db?: string }) => {
      await withStore({ db: options.db }, async (store) => {
        if (!(await store.users.delete(username, systemClock.nowSeconds()))) throw new AdminError(`no user "${username}".`);
        process.stdout.write(`deleted user ${username}\n`);
      });
    });
}

/** An administrative command that cannot be carried out; printed on one line. */
export class AdminError extends Error {}

/** Creates or updates the user with the claim flags merged into its claims (validated, updated_at maintained). */
/**
 * On stderr, so that stdout stays the JSON a script parses: the generated secret cannot be shown
 * again (only its keyed hash is stored).
 */
function storeSecretNow(): void {
  process.stderr.write('tessera: store the client_secret above now: it is shown only this once (only a hash of it is kept; a lost one is replaced with tessera client rotate-secret).\n');
}

/**
 * Passwords set here are chosen by a person, so NIST SP 800-63B §5.1.1.2 applies (password-policy.ts).
 * Seed files are not checked: they are test and demo fixtures an operator writes on purpose (the
 * demo's own users sign in with short, documented passwords), and refusing one would stop a server start.
 */
function refuseWeakPassword(password: string, username: string): void {
  const refusal = passwordRefusal(password, username);
  if (refusal !== undefined) throw new AdminError(refusal);
}

async function saveUser(store: Store, username: string, password: string | undefined, options: Record<string, unknown>): Promise<void> {
  const existing = await store.users.getByUsername(username);
  let claims: Record<string, unknown> | undefined;
  try {
    const merged = claimsFromFlags(options, existing?.claims ?? {});
    claims = merged === undefined ? undefined : validateUserClaims(merged);
  } catch (error) {
    if (error instanceof InvalidClaimFlag || error instanceof InvalidUserClaims) throw new AdminError(error.message);
    throw error;
  }
  try {
    await upsertUser(store, username, password, systemClock.nowSeconds(), claims);
  } catch (error) {
    if (error instanceof UnknownUser) throw new AdminError(error.message);
    throw error;
  }
}
