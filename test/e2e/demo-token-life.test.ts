import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/demo/demo-seed.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';

// Issue 15 §3 in Chromium: the bundled page script counts the token's life down from what the
// server rendered and, at zero, offers the way on; the implicit SPA (the esbuild bundle) does the
// same with the token it holds, and after a refused call says so instead of "complete".
let demo: TestDemo;
let browser: Browser;
const ALICE = DEMO_USERS[0]!;

beforeAll(async () => {
  demo = await startTestDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function tokenExp(page: Page): Promise<number> {
  const exp = await page.locator('.step-card[data-step-id="token-response"] tr[data-claim="exp"] td code').first().textContent();
  return Number(exp);
}

describe('the token\'s remaining life in Chromium', () => {
  it('counts down on the password page and, at zero, offers a new token or the refresh page; a call then says refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${demo.urls.client}/password`);
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: /sign in to the Client$/ }).click();
      await page.locator('[data-token-life]').waitFor();
      const exp = await tokenExp(page);
      // Three seconds before exp by the servers' clock: the page counts the rest down by itself.
      demo.clock.advance(exp - demo.clock.nowSeconds() - 3);
      await page.reload();
      const countdown = page.locator('[data-countdown]');
      expect(Number(await countdown.textContent())).toBeLessThanOrEqual(3);
      await expect(page.locator('[data-token-expired]').isHidden()).resolves.toBe(true);
      const offer = page.getByRole('button', { name: 'Start over: get a new token' });
      await offer.waitFor({ state: 'visible', timeout: 8_000 });
      await expect(page.locator('[data-token-live]').isHidden()).resolves.toBe(true);
      await expect(page.getByRole('link', { name: /the Refresh Token page$/ }).isVisible()).resolves.toBe(true);
      // The controls follow the token: the live text, call and the plain Start over go; the expired call comes.
      const controlsAtZero = await page.locator('#run').innerText();
      expect(controlsAtZero).not.toContain('The flow is complete');
      await expect(page.locator('#run p[data-hide-at-zero]').isHidden()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: 'Start over', exact: true }).isHidden()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: /^Run steps .*: call the Resource Server$/ }).isHidden()).resolves.toBe(true);

      // The Resource Server agrees, by the same clock.
      demo.clock.advance(5);
      await page.getByRole('button', { name: /with the expired token: see the Resource Server refuse it$/ }).click();
      await page.locator('.step-card[data-step-id="resource-response"].is-failed').waitFor();
      const controls = await page.locator('#run').textContent() ?? '';
      expect(controls).toContain('The Resource Server refused the token');
      expect(controls).not.toContain('The flow is complete');
      expect(controls).not.toContain('Call the Resource Server again');
      await expect(page.getByRole('button', { name: /^Start over/ }).count()).resolves.toBe(1);
      await page.getByRole('button', { name: 'Start over: get a new token' }).first().click();
      await page.getByLabel('Password').waitFor();
    } finally {
      await context.close();
    }
  });

  it('runs the implicit SPA from its bundle: token life in the browser, then a refused call offers a new token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { client, authorizationServer } = demo.urls;
    try {
      await page.goto(`${client}/implicit`);
      await page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).click();
      await page.waitForURL((url) => url.href.startsWith(authorizationServer));
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${client}/implicit`);

      await page.locator('.step-card[data-step-id="callback-with-token"].is-done').waitFor({ timeout: 10_000 });
      const life = page.locator('[data-show-when="token"] [data-token-life]');
      await life.waitFor();
      // The token lives only in the browser: its life is counted from its exp by the browser's clock (this
      // test's servers share a clock that the other test moved ahead, so the two are compared, not the TTL).
      const exp = Number(await page.locator('.step-card[data-step-id="callback-with-token"] tr[data-claim="exp"] td code').first().textContent());
      const secondsLeft = Number(await life.locator('[data-countdown]').textContent());
      expect(Math.abs(secondsLeft - (exp - Date.now() / 1000))).toBeLessThan(10);
      // The claims table and the step card come from the server's own views, bundled.
      expect(await page.locator('.step-card[data-step-id="callback-with-token"] tr[data-claim="exp"]').textContent()).toMatch(/\(in \d+ min\)/);

      await page.getByRole('button', { name: /^Run steps .*: call the Resource Server$/ }).click();
      await page.locator('.step-card[data-step-id="resource-response"].is-done').waitFor();
      demo.clock.advance(demo.accessTokenTtl + 1);
      await page.getByRole('button', { name: /^Call the Resource Server again/ }).click();
      await page.locator('.step-card[data-step-id="resource-response"].is-failed').waitFor({ timeout: 10_000 });
      const card = await page.locator('.step-card[data-step-id="resource-response"]').textContent() ?? '';
      expect(card).toContain('Refused: invalid_token');
      expect(card).toContain('What the tutorial expected:');
      const refused = page.locator('[data-show-when="refused"]');
      await expect(refused.isVisible()).resolves.toBe(true);
      expect(await refused.textContent()).toContain('The implicit grant issues no refresh token');
      // The link the page's text names, one Start over, and no call again with the refused token.
      await expect(refused.getByRole('link', { name: /the Refresh Token page$/ }).isVisible()).resolves.toBe(true);
      await expect(page.locator('#spa-reset').isHidden()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: /^Call the Resource Server again/ }).isVisible()).resolves.toBe(false);
      await expect(page.locator('[data-show-when="done"]').isHidden()).resolves.toBe(true);
      await refused.getByRole('button', { name: 'Start over: get a new token' }).click();
      await page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).waitFor();
      expect(await page.locator('.step-card[data-step-id="callback-with-token"]').getAttribute('class')).toContain('is-pending');
    } finally {
      await context.close();
    }
  });

  it('survives crafted implicit callbacks: a token with exp 1e20 and a forged error, with a wrong state', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { client, authorizationServer } = demo.urls;
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const crafted = `${part({ alg: 'RS256', typ: 'at+jwt' })}.${part({ sub: 'mallory', exp: 1e20, iat: 1e20 })}.c2ln`;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const startFlow = async () => {
      await page.goto(`${client}/implicit`);
      await page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).click();
      await page.waitForURL((url) => url.href.startsWith(authorizationServer));
    };
    try {
      // The victim started the flow in this tab; then follows the attacker's link.
      await startFlow();
      await page.goto(`${client}/implicit/callback#access_token=${crafted}&token_type=Bearer&state=anything`);
      const card = page.locator('.step-card[data-step-id="callback-with-token"].is-failed');
      await card.waitFor({ timeout: 10_000 });
      expect(await card.locator('tr[data-claim="exp"]').first().textContent()).toContain('100000000000000000000');
      expect(await page.locator('#spa-problem').textContent()).toContain('is not the one this page sent');
      // A reload still renders, and Start over clears the state.
      await page.reload();
      await card.waitFor();
      await page.locator('#spa-reset').click();
      await page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).waitFor();
      expect(await page.locator('.step-card[data-step-id="callback-with-token"]').getAttribute('class')).toContain('is-pending');

      // An error written by the sender of a link is not shown as the Auth Server's answer.
      await startFlow();
      await page.goto(`${client}/implicit/callback#error=access_denied&error_description=Your+account+is+locked&state=anything`);
      await card.waitFor({ timeout: 10_000 });
      const text = await page.locator('main').textContent() ?? '';
      expect(text).toContain('is not the one this page sent');
      expect(text).toContain('Unverified, not from the Auth Server');
      expect(await card.locator('summary').first().textContent()).not.toContain('access_denied');
      expect(await card.locator('.step-outcome').textContent()).not.toContain('Your account is locked');
      expect(await page.locator('#spa-problem').textContent()).not.toContain('Your account is locked');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('Refresh Token page: at the token\'s exp the still-valid call goes and step 1 wakes, by the countdown alone', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { client, authorizationServer } = demo.urls;
    try {
      await page.goto(`${client}/refresh-token`);
      await page.getByRole('button', { name: 'Before the story: sign in to get the tokens' }).click();
      await page.waitForURL((url) => url.href.startsWith(authorizationServer));
      if (await page.getByLabel('Username').count() > 0) {
        await page.getByLabel('Username').fill(ALICE.username);
        await page.getByLabel('Password').fill(ALICE.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      if (await page.getByRole('button', { name: 'Allow' }).count() > 0) await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${client}/refresh-token`);
      demo.clock.advance(demo.refreshPageAccessTokenTtl - 3);
      await page.reload();
      const stillValid = page.getByRole('button', { name: 'Call the Resource Server now, while the token is valid' });
      const step1 = page.getByRole('button', { name: /call the Resource Server with the expired token$/ });
      await expect(stillValid.isVisible()).resolves.toBe(true);
      await expect(step1.isDisabled()).resolves.toBe(true);
      await stillValid.waitFor({ state: 'hidden', timeout: 8_000 });
      await expect(step1.isEnabled()).resolves.toBe(true);
      expect(await page.locator('#run').innerText()).not.toContain('The story needs the token expired');
    } finally {
      await context.close();
    }
  });

  it('Break it › Expired: the countdown ticks and says "expired" at exp', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${demo.urls.client}/break-it#expired`);
      const card = page.locator('section#expired');
      await card.getByRole('button', { name: 'Get a 10 s token' }).click();
      await page.waitForURL(/\/break-it/);
      const countdown = card.locator('[data-countdown]');
      const first = Number(await countdown.textContent());
      await page.waitForFunction((start) => Number(document.querySelector('section#expired [data-countdown]')?.textContent) < start, first, { timeout: 5_000 });
      await card.locator('[data-token-expired]').waitFor({ state: 'visible', timeout: 15_000 });
      expect(await card.locator('[data-token-expired]').innerText()).toContain('The access token has expired');
      await expect(card.locator('[data-token-live]').isHidden()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });
});
