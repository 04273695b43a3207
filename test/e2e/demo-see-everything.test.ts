import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_CLIENTS } from '../../src/demo/demo-seed.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';

// "See everything" in Chromium, at desktop and phone widths: the raw HTTP view and its Copy
// button on a flow page, the registration page (RFC 7591/7592 for real) and the tokens page
// (introspect, revoke, introspect again, the Resource Server). No page may be wider than the phone.

let demo: TestDemo;
let browser: Browser;
const SERVICE = PLAYGROUND_CLIENTS.clientCredentials;
const WIDTHS = [1280, 390] as const;

beforeAll(async () => {
  demo = await startTestDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function freshPage(width: number): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.urls.client });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/**
 * Nothing wider than the screen. The shared header's overflow at 390 px (its server links) is
 * issue 15 part 7, fixed on another branch: until that is merged, the header is left out of the
 * element check and the whole-page check runs only when the header fits.
 */
async function expectNoOverflow(page: Page, width: number): Promise<void> {
  const wide = await page.evaluate((limit) => [...document.querySelectorAll('body *')]
    .filter((element) => element.getBoundingClientRect().right > limit + 0.5)
    .map((element) => ({ what: `${element.tagName.toLowerCase()}.${String(element.className)}`, inHeader: element.closest('header') !== null })), width);
  expect(wide.filter((element) => !element.inHeader).map((element) => element.what), `elements wider than ${width} px`).toEqual([]);
  if (!wide.some((element) => element.inHeader)) {
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `page width at ${width} px`).toBeLessThanOrEqual(width);
  }
}

describe.each(WIDTHS)('at %i px', (width) => {
  it('shows a flow step as raw HTTP and copies it as curl, the secret left to the shell', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await freshPage(width);
    try {
      await page.goto(`${demo.urls.client}/client-credentials`);
      await page.getByRole('button', { name: /Run steps 1–2/ }).click();
      const card = page.locator('#step-token-request');
      await card.locator('summary').first().waitFor();
      if (!(await card.evaluate((element) => (element as HTMLDetailsElement).open))) await card.locator('summary').first().click();
      await card.locator('details.raw-http > summary').click();
      const raw = await card.locator('details.raw-http pre').first().innerText();
      expect(raw).toMatch(/^POST \/token HTTP\/1\.1\nHost: 127\.0\.0\.1:\d+\n/);
      expect(raw).toMatch(/\nAuthorization: Basic base64\("playground-service:•+"\)\n/);
      expect(raw).toMatch(/\n\n(.+&)?grant_type=client_credentials/);
      await card.getByRole('button', { name: 'Copy' }).click();
      await expect.poll(() => card.locator('[data-copy-status]').textContent()).toBe('Copied.');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toContain('curl -i');
      expect(copied).toContain(`-u ${SERVICE.clientId}:"$CLIENT_SECRET"`);
      expect(copied).not.toContain(SERVICE.clientSecret);
      // The flow page's own width at 390 px is issue 15 part 7 (another branch): here, the raw view never makes its card wider.
      const [rawRight, cardRight] = await card.evaluate((element) => [
        Math.max(...[...element.querySelectorAll('details.raw-http, details.raw-http *')].map((inner) => inner.getBoundingClientRect().right)),
        element.getBoundingClientRect().right,
      ]);
      expect(rawRight).toBeLessThanOrEqual(cardRight! + 0.5);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('registers a client, reads it back and deletes it on the registration page', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await freshPage(width);
    try {
      await page.goto(`${demo.urls.client}/`);
      await page.getByRole('main').getByRole('link', { name: /Registration/ }).click();
      await page.waitForURL(`${demo.urls.client}/registration`);
      await page.getByRole('button', { name: 'Register a client (POST /register)' }).click();
      await page.locator('.step-card .chip', { hasText: '201 Created' }).waitFor();
      await page.getByRole('button', { name: 'Read it back (GET, RFC 7592)' }).click();
      await page.locator('.step-card .chip', { hasText: '200 OK' }).waitFor();
      await page.getByRole('button', { name: 'Delete it (DELETE, RFC 7592)' }).click();
      await page.locator('.step-card .chip', { hasText: '204 No Content' }).waitFor();
      const text = await page.locator('main').innerText();
      expect(text).not.toMatch(/"client_secret": "(?!•)/);
      await expectNoOverflow(page, width);
      // Every card opened, raw views too: still no wider than the screen.
      await page.evaluate(() => { for (const details of document.querySelectorAll('details')) details.open = true; });
      await expectNoOverflow(page, width);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('introspects and revokes a token a flow obtained, on the tokens page', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await freshPage(width);
    try {
      await page.goto(`${demo.urls.client}/client-credentials`);
      await page.getByRole('button', { name: /Run steps 1–2/ }).click();
      await page.locator('#step-token-response.is-done').waitFor();
      await page.getByRole('navigation').getByRole('link', { name: 'Introspect & revoke' }).click();
      await page.getByRole('radio', { name: /access_token of playground-service/ }).check();
      await page.getByRole('button', { name: 'Introspect (RFC 7662)' }).click();
      await page.locator('.step-card .chip', { hasText: '200 OK' }).first().waitFor();
      await page.getByRole('button', { name: /^Revoke \(RFC 7009\)/ }).click();
      await page.locator('.step-card', { hasText: 'Call the Resource Server with the revoked access token' }).waitFor();
      const main = await page.locator('main').innerText();
      expect(main).toContain('revoked here');
      const again = page.locator('.step-card', { hasText: 'Introspect again, after the revocation' });
      await again.locator('summary').first().click();
      expect(await again.innerText()).toContain('"active": false');
      await page.evaluate(() => { for (const details of document.querySelectorAll('details')) details.open = true; });
      await expectNoOverflow(page, width);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
