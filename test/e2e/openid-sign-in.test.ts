import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startCallbackPage } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// "Sign in with Tessera" as a person does it: Chromium on the real sign-in and consent pages, the
// relying party being openid-client (code + PKCE + nonce), which validates the ID token itself.
const ALICE = { username: 'alice', password: 'alice-password-oidc-e2e' };

let server: RunningServer;
let browser: Browser;
let callbackPage: Awaited<ReturnType<typeof startCallbackPage>>;

beforeAll(async () => {
  callbackPage = await startCallbackPage();
  server = await startServer({
    clients: [{
      client_id: 'webapp', client_name: 'Photo Printer', client_secret: 'webapp-secret', grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [callbackPage.callback], scope: 'openid profile email offline_access',
    }],
    users: [{ ...ALICE, claims: { name: 'Alice Liddell', email: 'alice@example.com', email_verified: true } }],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await callbackPage?.close();
});

describe('OpenID Connect sign-in in Chromium', () => {
  it('signs alice in, shows the OpenID scopes in plain words, and openid-client validates the ID token', async () => {
    const config = await client.discovery(new URL(server.issuer), 'webapp', 'webapp-secret', client.ClientSecretBasic('webapp-secret'), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: callbackPage.callback, scope: 'openid profile email offline_access', nonce, state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url.href);
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('heading', { name: 'Allow Photo Printer to access your account?' }).isVisible()).resolves.toBe(true);
      const scopes = await page.locator('ul.scopes').innerText();
      for (const words of ['Sign you in', 'See your profile', 'See your email address', 'Keep access while you are away']) expect(scopes).toContain(words);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((landed) => landed.href.startsWith(callbackPage.callback));
      const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
      const claims = tokens.claims();
      expect(claims).toMatchObject({ iss: server.issuer, aud: 'webapp', nonce, amr: ['pwd'] });
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const info = await client.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
      expect(info).toMatchObject({ name: 'Alice Liddell', email: 'alice@example.com', email_verified: true });
    } finally {
      await context.close();
    }
  });
});
