import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startCallbackPage } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// prompt=login (OpenID Connect Core §3.1.2.1, §3.1.2.3) as a person meets it in Chromium: already
// signed in, the application asks for a fresh sign-in; the page asks for the password again, and
// openid-client sees the new auth_time in the ID token.
const ALICE = { username: 'alice', password: 'alice-password-prompt-login' };

let server: RunningServer;
let browser: Browser;
let callbackPage: Awaited<ReturnType<typeof startCallbackPage>>;
let config: client.Configuration;

beforeAll(async () => {
  callbackPage = await startCallbackPage();
  server = await startServer({
    clients: [{
      client_id: 'bank', client_name: 'Careful Bank', client_secret: 'bank-secret', grant_types: ['authorization_code'],
      redirect_uris: [callbackPage.callback], scope: 'openid profile',
    }],
    users: [ALICE],
  });
  config = await client.discovery(new URL(server.issuer), 'bank', 'bank-secret', client.ClientSecretBasic('bank-secret'), { execute: [client.allowInsecureRequests] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await callbackPage?.close();
});

/** Sends the browser to an authorization request; returns what openid-client needs to finish it. */
async function authorize(page: Page, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callbackPage.callback, scope: 'openid profile', nonce, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  await page.goto(url.href);
  return async () => {
    await page.waitForURL((landed) => landed.href.startsWith(callbackPage.callback));
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
    return tokens.claims() as client.IDToken;
  };
}

describe('prompt=login and select_account in Chromium', () => {
  it('asks a signed-in user for the password again, then returns an ID token with the new auth_time', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const first = await authorize(page);
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      const before = await first();

      // Signed in and allowed: without prompt=login the browser goes straight back to the client.
      server.clock.advance(90);
      const again = await authorize(page, { prompt: 'login' });
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('status').innerText()).resolves.toContain('Careful Bank asks you to sign in again');
      await expect(page.getByLabel('Username').inputValue()).resolves.toBe('alice');
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const after = await again();
      expect(after.sub).toBe(before.sub);
      expect(after.auth_time).toBe(server.clock.nowSeconds());
      expect(after.auth_time).toBeGreaterThanOrEqual((before.auth_time as number) + 90);

      // prompt=select_account: the page offers to go on as alice, without the password.
      const chosen = await authorize(page, { prompt: 'select_account' });
      await expect(page.getByRole('heading', { name: 'Choose an account' }).isVisible()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Continue as alice' }).click();
      const picked = await chosen();
      expect(picked.sub).toBe(before.sub);
      expect(picked.auth_time).toBe(after.auth_time);
    } finally {
      await context.close();
    }
  });
});
