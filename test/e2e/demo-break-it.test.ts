import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAK_IT_ACCESS_TOKEN_TTL } from '../../src/demo/break-it-ttl.js';
import { DEMO_USERS, PLAYGROUND_CLIENTS } from '../../src/demo/demo-seed.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';

/**
 * Issue 15 §4 and §7: the Break it page in Chromium, at desktop and phone width. Every experiment
 * is pressed as a visitor would (signing in at the Auth Server where it needs a code); each shows
 * the verdict its real exchanges gave, and nothing overflows 390 px, exchanges opened.
 */
let demo: TestDemo;
let browser: Browser;
const ALICE = DEMO_USERS[0]!;
const SECRETS = Object.values(PLAYGROUND_CLIENTS).flatMap((client) => (client.clientSecret ? [client.clientSecret] : []));

beforeAll(async () => {
  demo = await startTestDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const section = (page: Page, id: string) => page.locator(`section#${id}`);

async function verdict(page: Page, id: string): Promise<string | null> {
  return section(page, id).locator('.experiment-result').getAttribute('data-verdict');
}

/** Presses the experiment's button; at the Auth Server, signs in and allows when asked. */
async function press(page: Page, id: string, button: string): Promise<void> {
  await section(page, id).getByRole('button', { name: button }).click();
  await page.waitForURL((url) => url.href.startsWith(demo.urls.client) || url.href.startsWith(demo.urls.authorizationServer));
  if (page.url().startsWith(demo.urls.authorizationServer)) {
    if (await page.getByLabel('Username').isVisible()) {
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    const allow = page.getByRole('button', { name: 'Allow' });
    await Promise.race([allow.waitFor({ timeout: 5000 }).then(() => allow.click()), page.waitForURL((url) => url.href.startsWith(demo.urls.client), { timeout: 5000 })]).catch(() => undefined);
  }
  await page.waitForURL(`${demo.urls.client}/break-it#${id}`);
  await section(page, id).locator('.experiment-result').waitFor();
}

async function expectNoOverflow(page: Page, width: number): Promise<void> {
  // Every exchange open, so that the widest content (tokens, headers, JSON) is laid out.
  await page.evaluate(() => { for (const details of document.querySelectorAll('details')) details.open = true; });
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  const wide = await page.evaluate((w) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && found.length < 8; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const right = range.getBoundingClientRect().right + window.scrollX;
      if (right > w + 1) found.push(`${node.parentElement?.tagName}.${node.parentElement?.className} ${Math.round(right)} ${(node.textContent ?? '').slice(0, 50)}`);
    }
    return found;
  }, width);
  expect(scrollWidth, `page width at ${width} px: ${wide.join(' | ')}`).toBeLessThanOrEqual(width);
}

describe('the Break it page in Chromium', () => {
  for (const [width, colorScheme] of [[1280, 'light'], [390, 'dark']] as const) {
    it(`runs every experiment at ${width} px (${colorScheme}): the defences hold, the page fits, axe finds nothing serious`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
      const page = await context.newPage();
      await page.goto(`${demo.urls.client}/`);
      await page.getByRole('link', { name: 'Break it' }).first().click();
      await page.waitForURL(`${demo.urls.client}/break-it`);
      await expect(page.getByRole('heading', { level: 1, name: 'Break it' }).isVisible()).resolves.toBe(true);
      await expectNoOverflow(page, width);

      await press(page, 'redirect-uri', 'Send the tampered authorization request');
      await expect(verdict(page, 'redirect-uri')).resolves.toBe('held');
      await expect(section(page, 'redirect-uri').textContent()).resolves.toContain('No Location header');

      await press(page, 'code-replay', 'Sign in, redeem the code twice');
      await expect(verdict(page, 'code-replay')).resolves.toBe('held');
      await expect(section(page, 'code-replay').textContent()).resolves.toContain('invalid_grant');

      await press(page, 'wrong-state', 'Sign in, come back with a foreign state');
      await expect(verdict(page, 'wrong-state')).resolves.toBe('held');
      await press(page, 'missing-verifier', 'Sign in, redeem without the verifier');
      await expect(verdict(page, 'missing-verifier')).resolves.toBe('held');
      await press(page, 'refresh-replay', 'Sign in, rotate, replay');
      await expect(verdict(page, 'refresh-replay')).resolves.toBe('held');
      await press(page, 'audience', 'Get both tokens and call with each');
      await expect(verdict(page, 'audience')).resolves.toBe('held');
      await press(page, 'under-scoped', 'Read, then write with a read-only token');
      await expect(verdict(page, 'under-scoped')).resolves.toBe('held');

      await press(page, 'expired', 'Get a 10 s token');
      await expect(section(page, 'expired').textContent()).resolves.toMatch(/expires in \d+ s/);
      demo.clock.advance(BREAK_IT_ACCESS_TOKEN_TTL + 1);
      await press(page, 'expired', 'Call the Resource Server with it');
      await expect(verdict(page, 'expired')).resolves.toBe('held');
      await expect(section(page, 'expired').textContent()).resolves.toContain('invalid_token');

      // A red verdict would be an alert; none here, and no secret anywhere on the page.
      await expect(page.locator('.verdict-box.is-broken').count()).resolves.toBe(0);
      const html = await page.content();
      for (const secret of SECRETS) expect(html).not.toContain(secret);
      await expectNoOverflow(page, width);
      // Issue 15 §7: no serious or critical accessibility violation, results and exchanges shown.
      const axe = await new AxeBuilder({ page }).analyze();
      const serious = axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
      expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
