import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startCallbackPage } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Security review finding 14: the sign-in page shown after a failed attempt was served with
// CSP form-action 'self' only, so the next, correct sign-in could not redirect to the client:
// the browser blocked it and the user stayed on the sign-in page.

const ALICE = { username: 'alice', password: 'alice-password-retry' };
let server: RunningServer;
let browser: Browser;
let callbackPage: { callback: string; close(): Promise<void> };
let callback: string;

beforeAll(async () => {
  callbackPage = await startCallbackPage();
  callback = callbackPage.callback;
  server = await startServer({
    clients: [{ client_id: 'web', client_name: 'Photo Printer', client_secret: 'web-secret', grant_types: ['authorization_code'], redirect_uris: [callback], scope: 'read', skip_consent: true }],
    users: [ALICE],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await callbackPage?.close();
});

describe('signing in after a typo', () => {
  it('a wrong password, then the right one, and the browser arrives at the client', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) blocked.push(message.text()); });
    const url = new URL(`${server.issuer}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: 'web', redirect_uri: callback, scope: 'read', state: oauth.generateRandomState(),
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()), code_challenge_method: 'S256',
    }).toString();
    await page.goto(url.href);
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/incorrect/);

    await page.getByLabel('Password').fill(ALICE.password);
    await Promise.all([page.waitForURL((target) => target.href.startsWith(callback), { timeout: 10_000 }), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/^tsr_ac_/);
    await expect(page.getByRole('heading', { name: 'Back at the client' }).isVisible()).resolves.toBe(true);
    expect(blocked).toEqual([]);
    await context.close();
  });
});
