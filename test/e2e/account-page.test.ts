import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startCallbackPage } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';

// Security review finding 12: the consent page said "you can change your mind later" and
// nothing let a user do so. The account page lists the applications the user allowed and
// withdraws any of them.

const ALICE = { username: 'alice', password: 'alice-password-account' };
let server: RunningServer;
let browser: Browser;
let callbackPage: { callback: string; close(): Promise<void> };
let callback: string;

beforeAll(async () => {
  callbackPage = await startCallbackPage();
  callback = callbackPage.callback;
  server = await startServer({
    clients: [{ client_id: 'printer', client_name: 'Photo Printer', client_secret: 'printer-secret', grant_types: ['authorization_code'], redirect_uris: [callback], scope: 'read write' }],
    users: [ALICE],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await callbackPage?.close();
});

describe('the account page', () => {
  it('shows the applications a user allowed and withdraws one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const url = new URL(`${server.issuer}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: 'printer', redirect_uri: callback, scope: 'read', state: oauth.generateRandomState(),
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()), code_challenge_method: 'S256',
    }).toString();
    await page.goto(url.href);
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('you will be sent back to').textContent()).resolves.toContain('127.0.0.1');
    await page.getByRole('link', { name: 'your account page' }).isVisible();
    await Promise.all([page.waitForURL((target) => target.href.startsWith(callback)), page.getByRole('button', { name: 'Allow' }).click()]);

    await page.goto(`${server.issuer}/account`);
    await expect(page.getByRole('heading', { name: 'Your account' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Photo Printer').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Withdraw access of Photo Printer' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/withdrawn/i);
    await expect(page.getByText('You have not allowed any application yet.').isVisible()).resolves.toBe(true);

    // The next authorization asks again.
    await page.goto(url.href);
    await expect(page.getByRole('button', { name: 'Allow' }).isVisible()).resolves.toBe(true);
    await context.close();
  });
});
