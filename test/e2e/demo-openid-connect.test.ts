import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, PLAYGROUND_CLIENTS } from '../../src/demo/demo-seed.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';

// The playground's OpenID Connect page in Chromium: "Sign in with Tessera", the ID token claim by
// claim, UserInfo, and RP-initiated logout back to the playground.
let demo: TestDemo;
let browser: Browser;
const ALICE = DEMO_USERS[0]!;
const GUESTBOOK = PLAYGROUND_CLIENTS.openIdConnect;

beforeAll(async () => {
  demo = await startTestDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** Steps are found by their ids (data-step-id), never by their display numbers. */
async function expectStep(page: Page, id: string, texts: readonly string[]): Promise<void> {
  await page.locator(`.step-card[data-step-id="${id}"].is-done`).waitFor({ timeout: 8_000 });
  await expect(page.locator(`.seq-step[data-step-id="${id}"]`).getAttribute('class')).resolves.toContain('is-done');
  const text = await page.locator(`.step-card[data-step-id="${id}"]`).textContent() ?? '';
  for (const expected of texts) expect(text, `step ${id} shows ${expected}`).toContain(expected);
}

async function claimValue(page: Page, table: string, claim: string): Promise<string> {
  return (await page.locator(`table.${table} tr[data-claim="${claim}"] td`).first().textContent()) ?? '';
}

describe('the OpenID Connect page of the playground in Chromium', () => {
  it('signs in with Tessera, explains the ID token claim by claim, calls UserInfo, and logs out back to the playground', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { client, authorizationServer: as } = demo.urls;
    try {
      await page.goto(`${client}/openid-connect`);
      await page.getByRole('button', { name: /^Start: \d+\. Sign in with Tessera$/ }).click();
      await page.waitForURL((url) => url.href.startsWith(as));
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const consent = await page.locator('ul.scopes').innerText();
      for (const words of ['Sign you in', 'See your profile', 'See your email address']) expect(consent).toContain(words);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.href.startsWith(client));

      await expectStep(page, 'redirect-to-auth-server', ['303 See Other', `${as}/authorize?response_type=code`]);
      await expectStep(page, 'user-at-auth-server', ['scope', 'openid profile email', 'nonce', 'code_challenge', 'S256']);
      await expectStep(page, 'callback-with-code', [`${client}/openid-connect/callback`, 'code', 'iss']);
      await page.getByRole('button', { name: /get the ID token$/ }).click();
      await expectStep(page, 'token-response', ['200 OK', 'id_token', 'Decoded JWT']);

      const user = await demo.store.users.getByUsername('alice');
      expect(await claimValue(page, 'id-token-claims', 'iss')).toBe(as);
      expect(await claimValue(page, 'id-token-claims', 'sub')).toBe(user?.id);
      expect(await claimValue(page, 'id-token-claims', 'aud')).toBe(GUESTBOOK.clientId);
      expect(await claimValue(page, 'id-token-claims', 'amr')).toBe('["pwd"]');
      expect(await claimValue(page, 'id-token-claims', 'azp')).toBe('(absent)');
      for (const claim of ['exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid']) {
        expect(await claimValue(page, 'id-token-claims', claim), claim).not.toBe('(absent)');
      }
      const proves = await page.locator('table.id-token-claims').innerText();
      expect(proves).toContain('this very request');

      await page.getByRole('button', { name: /call UserInfo$/ }).click();
      await expectStep(page, 'userinfo-response', ['200 OK', 'Alice Liddell', 'email_verified']);
      expect(await claimValue(page, 'userinfo-claims', 'email')).toBe('alice@wonderland.example');
      expect(await claimValue(page, 'userinfo-claims', 'sub')).toBe(user?.id);

      await page.getByRole('button', { name: /: sign out$/ }).click();
      await page.waitForURL((url) => url.href.startsWith(`${client}/openid-connect`) && !url.href.includes('logged-out'));
      await expectStep(page, 'redirect-to-end-session', ['303 See Other', `${as}/end_session`, 'id_token_hint', 'post_logout_redirect_uri', 'state']);
      await expectStep(page, 'logged-out-return', [`${client}/openid-connect/logged-out`, 'state']);
      await expect(page.locator('.signed-out').isVisible()).resolves.toBe(true);
      // The Auth Server also told the Client on the back channel, with a logout token it validated.
      const extras = await page.locator('.extras').textContent() ?? '';
      for (const text of ['Back-channel logout', 'POST', `${client}/openid-connect/backchannel-logout`, 'logout_token', 'logout+jwt', 'http://schemas.openid.net/event/backchannel-logout']) {
        expect(extras, text).toContain(text);
      }
      // Signed out at the Auth Server too: the next sign-in asks for the password.
      await page.getByRole('button', { name: /^Start again: \d+\. Sign in with Tessera$/ }).click();
      await page.waitForURL((url) => url.href.startsWith(as));
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      expect(await page.content()).not.toContain(GUESTBOOK.clientSecret);
    } finally {
      await context.close();
    }
  });
});
