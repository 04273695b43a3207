import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

// Python authlib (Debian's python3-authlib), which no one here wrote, as the relying party: its
// discovery, PKCE + nonce authorization URL, code exchange, ID token validation (parse_id_token
// against the JWKS) and UserInfo call, run by test/clients/authlib_oidc.py. The browser part goes
// through the real sign-in and consent pages (user-agent helper).
const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../clients/authlib_oidc.py', import.meta.url));
const CB = 'http://127.0.0.1:9/callback';
const RP = {
  client_id: 'authlib', client_name: 'Authlib App', client_secret: 'authlib-secret', grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: [CB], scope: 'openid profile email',
};
const ALICE = { username: 'alice', password: 'alice password for authlib' };
const MISSING = 'python3-authlib is not installed (apt-get install -y python3-authlib python3-requests; .ci/run installs them)';

/** Debian's python3 has Debian's python3-authlib; a python3 earlier on PATH (pyenv, a venv) may not. */
async function findPython(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      await run(candidate, ['-c', 'import authlib, requests']);
      return candidate;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

const python = await findPython();
// CI installs the packages (.ci/run), so there a missing authlib is a failure, not a skip.
if (python === undefined && process.env.CI) throw new Error(MISSING);
if (python === undefined) console.warn(`skipping the authlib tests: ${MISSING}`);

let server: RunningServer;

beforeAll(async () => {
  if (python === undefined) return;
  server = await startServer({ clients: [RP], users: [{ ...ALICE, claims: { name: 'Alice Liddell', email: 'alice@example.com', email_verified: true } }] });
});
afterAll(async () => server?.close());

async function authlib(step: 'start' | 'finish', extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const options = { issuer: server.issuer, 'client-id': RP.client_id, 'client-secret': RP.client_secret, 'redirect-uri': CB, scope: 'openid profile email', ...extra };
  const args = [SCRIPT, step, ...Object.entries(options).flatMap(([name, value]) => [`--${name}`, value])];
  // Asynchronous: the server answers authlib from this same process.
  const { stdout } = await run(python as string, args, { timeout: 20_000, env: { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' } });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe.skipIf(python === undefined)('Python authlib as the OpenID Connect relying party', () => {
  it('discovers, sends code + PKCE + nonce, validates the ID token with parse_id_token and reads UserInfo', async () => {
    const started = await authlib('start') as { url: string; state: string; nonce: string; code_verifier: string };
    const url = new URL(started.url);
    expect(url.origin + url.pathname).toBe(`${server.issuer}/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toBe(started.nonce);
    expect(url.searchParams.get('state')).toBe(started.state);

    const callback = await authorizeAs(new UserAgent(server.issuer), started.url, ALICE);
    const result = await authlib('finish', { callback: callback.href, state: started.state, nonce: started.nonce, 'code-verifier': started.code_verifier }) as {
      iss: string; id_token_claims: Record<string, unknown>; userinfo: Record<string, unknown>; token: Record<string, unknown>;
    };
    const alice = await server.store.users.getByUsername('alice');
    expect(result.iss).toBe(server.issuer);
    expect(result.id_token_claims).toMatchObject({ iss: server.issuer, sub: alice?.id, aud: 'authlib', nonce: started.nonce, amr: ['pwd'] });
    expect(typeof result.id_token_claims.at_hash).toBe('string');
    expect(result.userinfo).toMatchObject({ sub: alice?.id, name: 'Alice Liddell', email: 'alice@example.com', email_verified: true });
    // Core §11: no offline_access asked, so no refresh token for an OpenID grant.
    expect(result.token).toMatchObject({ token_type: 'Bearer', has_refresh_token: false });
  });

  it('authlib refuses the ID token when the nonce is not the one it sent (so its validation is real)', async () => {
    const started = await authlib('start') as { url: string; state: string; nonce: string; code_verifier: string };
    const callback = await authorizeAs(new UserAgent(server.issuer), started.url, ALICE);
    const failure = await authlib('finish', { callback: callback.href, state: started.state, nonce: 'another-nonce', 'code-verifier': started.code_verifier })
      .then(() => undefined, (error: unknown) => error as { code: number; stderr: string });
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/nonce/i);
  });
});
