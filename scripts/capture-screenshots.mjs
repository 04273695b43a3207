#!/usr/bin/env node
// Takes the playground screenshots of docs/DEMO.md (docs/screenshots/*.png): starts `tessera demo`
// in this process from dist/ (run `npm run build` first) on ports the kernel picks and an in-memory database,
// drives every grant in Debian's Chromium with playwright-core, and captures the pages.
//
//   npm run build && node scripts/capture-screenshots.mjs
//
// The demo's clock is a ManualClock, so the refresh story expires its token without waiting.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { DEMO_DEFAULTS } = await import(join(root, 'dist/cli/demo.js'));
const { loadConfig } = await import(join(root, 'dist/config.js'));
const { ManualClock } = await import(join(root, 'dist/core/clock.js'));
const { startDemo } = await import(join(root, 'dist/demo/start-demo.js'));
const { DEMO_USERS } = await import(join(root, 'dist/demo/demo-seed.js'));
const { refreshPageAccessTokenTtl } = await import(join(root, 'dist/demo/refresh-page-ttl.js'));

const out = join(root, 'docs/screenshots');
mkdirSync(out, { recursive: true });

// Port 0: startDemo binds the three servers first and builds the URLs from the ports bound.
const config = loadConfig({ port: '0', db: 'sqlite::memory:', logLevel: 'silent' }, {}, DEMO_DEFAULTS);
const clock = new ManualClock();
const demo = await startDemo({ config, resourcePort: 0, clientPort: 0, clock, logger: false });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 1200 }, colorScheme: 'light', deviceScaleFactor: 1 });
const page = await context.newPage();
const client = demo.urls.client;
const alice = DEMO_USERS[0];

/** Lets the newly lit steps finish their animation before the picture. */
const settle = () => page.waitForTimeout(2600);
const button = (name) => page.getByRole('button', { name });

async function shoot(name, { top = true, height = 1200 } = {}) {
  await page.setViewportSize({ width: 1440, height });
  if (top) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

/** Scrolls to a step's card, found by its step id (display numbers follow from positions). */
async function shootStep(name, step, height = 1100) {
  await page.setViewportSize({ width: 1440, height });
  await page.evaluate((id) => document.getElementById(id)?.scrollIntoView({ block: 'start' }), `step-${step}`);
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

async function signInAndAllow() {
  await page.waitForURL((url) => url.href.startsWith(demo.urls.authorizationServer));
  // The Auth Server asks for a password (no session yet), for consent (not given before), or neither.
  const username = page.getByLabel('Username');
  const allow = button('Allow');
  await Promise.race([username.waitFor(), allow.waitFor(), page.waitForURL((url) => url.href.startsWith(client))]);
  if (await username.isVisible()) {
    await username.fill(alice.username);
    await page.getByLabel('Password').fill(alice.password);
    await button('Sign in').click();
    await Promise.race([allow.waitFor(), page.waitForURL((url) => url.href.startsWith(client))]);
  }
  if (await allow.isVisible()) await allow.click();
  await page.waitForURL((url) => url.href.startsWith(client));
}

try {
  await page.goto(`${client}/`);
  await shoot('home', { height: 1000 });

  await page.goto(`${client}/authorization-code`);
  await button(/^Start: \d+\. I want to access my resources$/).click();
  await signInAndAllow();
  await button(/exchange the code for a token$/).click();
  await button(/^Run steps .*: call the Resource Server$/).click();
  await settle();
  await shoot('authorization-code', { height: 1250 });
  await page.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = ['token-request', 'token-response'].includes(details.dataset.stepId ?? ''); }));
  await shootStep('authorization-code-token-exchange', 'token-request', 1500);

  await page.goto(`${client}/implicit`);
  await button(/^Start: \d+\. I want to access my resources$/).click();
  await signInAndAllow();
  await page.waitForURL(`${client}/implicit`);
  await settle();
  await shootStep('implicit-token-in-fragment', 'callback-with-token', 1150);

  await page.goto(`${client}/password`);
  await page.getByLabel('Username').fill(alice.username);
  await page.getByLabel('Password').fill(alice.password);
  await button(/sign in to the Client$/).click();
  await settle();
  await page.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = details.dataset.stepId === 'token-request'; }));
  await shootStep('password-masked', 'token-request', 1000);

  await page.goto(`${client}/client-credentials`);
  await button(/get a token with the client's credentials$/).click();
  await button(/^Run steps .*: call the Resource Server$/).click();
  await button('Try: POST a new resource').click();
  await settle();
  await page.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = details.classList.contains('is-extra'); }));
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.evaluate(() => document.querySelector('.extras')?.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(out, 'client-credentials-insufficient-scope.png') });
  console.log('docs/screenshots/client-credentials-insufficient-scope.png');

  // A failed step tells what happened: the password grant with a wrong password.
  await page.goto(`${client}/password`);
  if (await button('Start over').first().isVisible()) await button('Start over').first().click();
  await page.getByLabel('Username').fill(alice.username);
  await page.getByLabel('Password').fill('not-the-password');
  await button(/sign in to the Client$/).click();
  await settle();
  await page.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = details.dataset.stepId === 'token-response'; }));
  await shootStep('password-refused', 'token-response', 1000);

  // Raw HTTP and curl under the client credentials token request.
  await page.goto(`${client}/client-credentials`);
  if (await button('Start over').first().isVisible()) await button('Start over').first().click();
  await button(/get a token with the client's credentials$/).click();
  await settle();
  await page.evaluate(() => {
    document.querySelectorAll('details').forEach((details) => { details.open = false; });
    const card = document.getElementById('step-token-request');
    if (card) { card.open = true; card.querySelector('details.raw-http')?.setAttribute('open', ''); }
  });
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.evaluate(() => document.querySelector('#step-token-request details.raw-http')?.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(out, 'raw-http-and-curl.png') });
  console.log('docs/screenshots/raw-http-and-curl.png');

  // Introspect & revoke: the client credentials token, revoked, and what the Resource Server says.
  await page.goto(`${client}/tokens`);
  await page.getByRole('radio', { name: /access_token of playground-service/ }).first().check();
  await button('Introspect (RFC 7662)').click();
  await button(/^Revoke \(RFC 7009\)/).click();
  await settle();
  const revokedCall = page.locator('.step-card', { hasText: 'Call the Resource Server with the revoked access token' }).first();
  await revokedCall.evaluate((card) => { card.open = true; card.scrollIntoView({ block: 'start' }); });
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(out, 'tokens-revoked.png') });
  console.log('docs/screenshots/tokens-revoked.png');

  // Registration: the answer of POST /register, its secrets masked.
  await page.goto(`${client}/registration`);
  await button('Register a client (POST /register)').click();
  await settle();
  await page.evaluate(() => {
    const cards = [...document.querySelectorAll('details.step-card')];
    cards.forEach((details) => { details.open = false; });
    const answer = cards.find((card) => card.textContent?.includes('201'));
    if (answer) { answer.open = true; answer.scrollIntoView({ block: 'start' }); }
  });
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(out, 'registration-masked.png') });
  console.log('docs/screenshots/registration-masked.png');

  // Break it: the replayed code (sign-in and consent at the Auth Server first), then on a phone.
  await page.goto(`${client}/break-it`);
  await page.locator('section#code-replay').getByRole('button', { name: 'Sign in, redeem the code twice' }).click();
  await page.waitForURL((url) => url.href.startsWith(demo.urls.authorizationServer) || url.href.startsWith(`${client}/break-it`));
  if (page.url().startsWith(demo.urls.authorizationServer)) await signInAndAllow();
  await page.waitForURL(`${client}/break-it#code-replay`);
  await page.locator('section#code-replay .experiment-result').waitFor();
  await settle();
  await page.setViewportSize({ width: 1440, height: 1200 });
  await page.evaluate(() => document.getElementById('code-replay')?.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(out, 'break-it.png') });
  console.log('docs/screenshots/break-it.png');

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', deviceScaleFactor: 2, storageState: await context.storageState() });
  const phonePage = await phone.newPage();
  await phonePage.goto(`${client}/break-it`);
  await phonePage.locator('section#audience').getByRole('button', { name: 'Get both tokens and call with each' }).click();
  await phonePage.locator('section#audience .experiment-result').waitFor();
  await phonePage.waitForTimeout(2600);
  await phonePage.evaluate(() => document.getElementById('audience')?.scrollIntoView({ block: 'start' }));
  await phonePage.waitForTimeout(150);
  await phonePage.screenshot({ path: join(out, 'break-it-phone.png') });
  console.log('docs/screenshots/break-it-phone.png');

  // A grant page on a phone: the diagram as a vertical list, every lane named.
  await phonePage.goto(`${client}/authorization-code`);
  if (await phonePage.getByRole('button', { name: 'Start over' }).first().isVisible()) await phonePage.getByRole('button', { name: 'Start over' }).first().click();
  await phonePage.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).click();
  await phonePage.waitForURL((url) => url.href.startsWith(demo.urls.authorizationServer) || url.href.startsWith(client));
  if (phonePage.url().startsWith(demo.urls.authorizationServer)) {
    const allow = phonePage.getByRole('button', { name: 'Allow' });
    if (await allow.isVisible()) await allow.click();
  }
  await phonePage.waitForURL((url) => url.href.startsWith(`${client}/authorization-code`));
  await phonePage.getByRole('button', { name: /exchange the code for a token$/ }).click();
  await phonePage.waitForTimeout(2600);
  await phonePage.evaluate(() => document.querySelector('.diagram-card')?.scrollIntoView({ block: 'start' }));
  await phonePage.waitForTimeout(150);
  await phonePage.screenshot({ path: join(out, 'authorization-code-phone.png') });
  console.log('docs/screenshots/authorization-code-phone.png');
  await phone.close();

  // Last: the refresh story moves the servers' clock past its token's expiry.
  await page.goto(`${client}/refresh-token`);
  await button('Before the story: sign in to get the tokens').click();
  await signInAndAllow();
  await shoot('refresh-token-waiting', { height: 900 });
  // Past the refresh page's own short token, not the playground's session lifetime.
  clock.advance(refreshPageAccessTokenTtl(config.accessTokenTtl) + 1);
  await page.goto(`${client}/refresh-token`);
  await button(/call the Resource Server with the expired token$/).click();
  await button(/refresh the access token$/).click();
  await button(/retry with the new token$/).click();
  await settle();
  await page.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = details.dataset.stepId === 'expired-response'; }));
  await shootStep('refresh-token-401', 'expired-response', 950);
} finally {
  await browser.close();
  await demo.close();
}
