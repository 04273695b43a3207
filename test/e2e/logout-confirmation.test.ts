import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startCallbackPage } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// RP-Initiated Logout's confirmation page in Chromium: a logout request without id_token_hint is
// a question to the user; answering "Sign out" ends the session and Chromium follows the redirect
// to the registered post_logout_redirect_uri (which the page's CSP form-action must allow).
const ALICE = { username: 'alice', password: 'alice-password-logout-e2e' };
const BOB = { username: 'bob', password: 'bob-password-logout-e2e' };

let server: RunningServer;
let browser: Browser;
let rpPages: Awaited<ReturnType<typeof startCallbackPage>>;
let loggedOut: string;

beforeAll(async () => {
  rpPages = await startCallbackPage();
  loggedOut = rpPages.callback.replace('/callback', '/logged-out');
  server = await startServer({
    clients: [{
      client_id: 'webapp', client_name: 'Photo Printer', client_secret: 'webapp-secret', redirect_uris: [rpPages.callback],
      scope: 'openid profile', post_logout_redirect_uris: [loggedOut],
    }],
    users: [ALICE, BOB],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rpPages?.close();
});

describe('logout confirmation in Chromium', () => {
  it('asks, then signs out and returns to the registered URI with state; the next sign-in asks for the password again', async () => {
    const config = await client.discovery(new URL(server.issuer), 'webapp', 'webapp-secret', client.ClientSecretBasic('webapp-secret'), { execute: [client.allowInsecureRequests] });
    const authorizeUrl = async () => client.buildAuthorizationUrl(config, {
      redirect_uri: rpPages.callback, scope: 'openid profile', nonce: client.randomNonce(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }).href;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(await authorizeUrl());
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((landed) => landed.href.startsWith(rpPages.callback));

      // No id_token_hint: Tessera cannot tell this request came from alice's RP, so it asks.
      await page.goto(client.buildEndSessionUrl(config, { post_logout_redirect_uri: loggedOut, state: 'st-42' }).href);
      await expect(page.getByRole('heading', { name: 'Sign out of Tessera?' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('main').innerText()).resolves.toContain('Photo Printer');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((landed) => landed.href.startsWith(loggedOut));
      expect(new URL(page.url()).searchParams.get('state')).toBe('st-42');

      await page.goto(await authorizeUrl());
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });

  it('logs out by a cross-site form POST from the RP (the SameSite=Lax cookie rides on the GET it is handed on as)', async () => {
    const config = await client.discovery(new URL(server.issuer), 'webapp', 'webapp-secret', client.ClientSecretBasic('webapp-secret'), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const authorizeUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: rpPages.callback, scope: 'openid profile', nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).href;
    // The RP's own page, on localhost: another site than the Auth Server's 127.0.0.1.
    let form = '';
    const rpSite = createServer((_request, response) => { response.writeHead(200, { 'content-type': 'text/html' }).end(form); });
    await new Promise<void>((resolve) => rpSite.listen(0, '127.0.0.1', resolve));
    const address = rpSite.address();
    const rpOrigin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizeUrl);
      await page.getByLabel('Username').fill(BOB.username);
      await page.getByLabel('Password').fill(BOB.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((landed) => landed.href.startsWith(rpPages.callback));
      const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
      form = `<!doctype html><title>RP</title><form method="post" action="${server.issuer}/end_session">
<input type="hidden" name="id_token_hint" value="${tokens.id_token as string}">
<input type="hidden" name="post_logout_redirect_uri" value="${loggedOut}">
<input type="hidden" name="state" value="posted-1">
<button type="submit">Log out</button></form>`;
      await page.goto(`${rpOrigin}/`);
      await page.getByRole('button', { name: 'Log out' }).click();
      // A valid hint for this very session: no question, straight back to the RP.
      await page.waitForURL((landed) => landed.href.startsWith(loggedOut));
      expect(new URL(page.url()).searchParams.get('state')).toBe('posted-1');
      await page.goto(authorizeUrl);
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
      await new Promise<void>((resolve) => rpSite.close(() => resolve()));
    }
  });
});
