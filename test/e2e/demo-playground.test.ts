import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, PLAYGROUND_CLIENTS } from '../../src/demo/demo-seed.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';

let demo: TestDemo;
let browser: Browser;
const ALICE = DEMO_USERS[0]!;
const SECRETS = Object.values(PLAYGROUND_CLIENTS).flatMap((client) => (client.clientSecret ? [client.clientSecret] : []));
const PASSWORDS = DEMO_USERS.map((user) => user.password);

beforeAll(async () => {
  demo = await startTestDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** A fresh browser profile per flow: nobody is signed in at the Auth Server yet. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

/** Signs in as alice on the Auth Server's own page and allows the client. */
async function signInAndAllow(page: Page): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(demo.urls.authorizationServer));
  await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  await page.getByLabel('Username').fill(ALICE.username);
  await page.getByLabel('Password').fill(ALICE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL((url) => url.href.startsWith(demo.urls.client));
}

// Steps are found by their ids (data-step-id), never by their display numbers, which follow from their positions.
function step(page: Page, id: string): Locator {
  return page.locator(`.step-card[data-step-id="${id}"]`);
}

/** The step is lit in the diagram and its card shows every given piece of its real exchange. */
async function expectStep(page: Page, id: string, texts: readonly string[], state: 'is-done' | 'is-failed' = 'is-done'): Promise<void> {
  const card = step(page, id);
  // The implicit page renders in the browser, after its script has run: wait for the card.
  await page.locator(`.step-card[data-step-id="${id}"].${state}`).waitFor({ timeout: 10_000 });
  await expect(page.locator(`.seq-step[data-step-id="${id}"]`).getAttribute('class')).resolves.toContain(state);
  const text = await card.textContent() ?? '';
  for (const expected of texts) expect(text, `step ${id} shows ${expected}`).toContain(expected);
}

async function expectPending(page: Page, ids: readonly string[]): Promise<void> {
  for (const id of ids) await expect(step(page, id).getAttribute('class')).resolves.toContain('is-pending');
}

/** No client secret anywhere on the page; no user password in any exchange (the sidebar documents the demo users). */
async function expectSecretsMasked(page: Page): Promise<void> {
  const html = await page.content();
  for (const secret of SECRETS) expect(html).not.toContain(secret);
  const exchanges = (await page.locator('.steps, .extras, .prologue').allTextContents()).join('\n');
  for (const password of PASSWORDS) expect(exchanges).not.toContain(password);
}

describe('the flow playground in Chromium', () => {
  it('runs the authorization code grant with PKCE, step by step', async () => {
    const { context, page } = await freshPage();
    const { client, authorizationServer: as, resourceServer: rs } = demo.urls;
    await page.goto(`${client}/authorization-code`);
    await expectPending(page, ['ask-for-resources', 'redirect-to-auth-server', 'user-at-auth-server', 'callback-with-code', 'token-request', 'token-response', 'resource-request', 'resource-response']);
    await page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).click();
    await signInAndAllow(page);

    await expectStep(page, 'ask-for-resources', ['User → Client', 'I want to access my resources', 'POST', `${client}/authorization-code/start`, 'scope', 'read']);
    await expectStep(page, 'redirect-to-auth-server', ['303 See Other', 'Location', `${as}/authorize?response_type=code`]);
    await expectStep(page, 'user-at-auth-server', ['Browser navigation', 'GET', `${as}/authorize`, 'response_type', 'code', 'client_id', PLAYGROUND_CLIENTS.authorizationCode.clientId,
      'code_challenge', 'code_challenge_method', 'S256', 'state', 'redirect_uri', 'resource', rs, 'the Client cannot see it']);
    await expectStep(page, 'callback-with-code', ['GET', `${client}/authorization-code/callback`, 'code', 'state', 'iss', as]);
    await expectPending(page, ['token-request', 'token-response', 'resource-request', 'resource-response']);
    expect(page.url()).not.toContain('code=');

    await page.getByRole('button', { name: /exchange the code for a token$/ }).click();
    await expectStep(page, 'token-request', ['POST', `${as}/token`, 'grant_type', 'authorization_code', 'code_verifier', 'redirect_uri',
      `Basic base64("${PLAYGROUND_CLIENTS.authorizationCode.clientId}:••••••••")`, 'masked']);
    await expectStep(page, 'token-response', ['200 OK', 'Cache-Control', 'no-store', 'access_token', 'expires_in', 'Decoded JWT', '"typ": "at+jwt"', `"aud": "${rs}"`, '"scope": "read"']);

    await page.getByRole('button', { name: /^Run steps .*: call the Resource Server$/ }).click();
    await expectStep(page, 'resource-request', ['GET', `${rs}/api/resources`, 'Authorization', 'Bearer ey']);
    await expectStep(page, 'resource-response', ['200 OK', 'application/json', 'Holiday photos: Lisbon', '"type": "user"']);
    await expectSecretsMasked(page);
    await context.close();
  });

  it('shows a denied consent as a failed callback step with access_denied, and offers to start again', async () => {
    const { context, page } = await freshPage();
    const bob = DEMO_USERS[1]!;
    await page.goto(`${demo.urls.client}/authorization-code`);
    await page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).click();
    await page.getByLabel('Username').fill(bob.username);
    await page.getByLabel('Password').fill(bob.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((url) => url.href.startsWith(demo.urls.client));
    await expectStep(page, 'callback-with-code', [`${demo.urls.client}/authorization-code/callback`, 'error', 'access_denied'], 'is-failed');
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('access_denied');
    await expectPending(page, ['token-request', 'token-response', 'resource-request', 'resource-response']);
    await expect(page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).isVisible()).resolves.toBe(true);
    await context.close();
  });

  it('runs the implicit grant as a single-page app: token from the fragment, fetch with CORS', async () => {
    const { context, page } = await freshPage();
    const { client, authorizationServer: as, resourceServer: rs } = demo.urls;
    await page.goto(`${client}/implicit`);
    await page.getByRole('button', { name: /^Start: \d+\. I want to access my resources$/ }).click();
    await signInAndAllow(page);
    await page.waitForURL(`${client}/implicit`);
    expect(page.url()).not.toContain('access_token');

    await expectStep(page, 'ask-for-resources', ['No HTTP request', 'click']);
    await expectStep(page, 'redirect-to-auth-server', ['Browser navigation', 'GET', `${as}/authorize`, 'response_type', 'token', PLAYGROUND_CLIENTS.implicit.clientId]);
    await expectStep(page, 'user-at-auth-server', ['GET', `${as}/authorize`, 'state']);
    await expectStep(page, 'callback-with-token', [`${client}/implicit/callback`, 'Fragment parameters', 'access_token', 'token_type', 'Bearer', 'expires_in', 'state',
      'Decoded JWT', 'access_token in the fragment', 'history.replaceState']);
    await expectPending(page, ['resource-request', 'resource-response']);

    await page.getByRole('button', { name: /^Run steps .*: call the Resource Server$/ }).click();
    await expectStep(page, 'resource-response', ['200 OK', 'Access-Control-Allow-Origin', client, 'Holiday photos: Lisbon']);
    await expectStep(page, 'resource-request', ['GET', `${rs}/api/resources`, 'Bearer ey', 'Origin', client]);
    await expectSecretsMasked(page);
    await context.close();
  });

  it('runs the password grant, masking the password the client sees', async () => {
    const { context, page } = await freshPage();
    const { client, authorizationServer: as, resourceServer: rs } = demo.urls;
    await page.goto(`${client}/password`);
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: /sign in to the Client$/ }).click();

    await expectStep(page, 'give-credentials', ['POST', `${client}/password/start`, 'username', 'alice', 'password', '••••••••']);
    await expectStep(page, 'token-request', ['POST', `${as}/token`, 'grant_type', 'password', 'username', 'alice', '••••••••',
      `Basic base64("${PLAYGROUND_CLIENTS.password.clientId}:••••••••")`, 'resource', rs]);
    await expectStep(page, 'token-response', ['200 OK', 'access_token', 'Decoded JWT', 'RFC 6749 §4.3.1']);
    await page.getByRole('button', { name: /^Run steps .*: call the Resource Server$/ }).click();
    await expectStep(page, 'resource-request', ['GET', `${rs}/api/resources`, 'Bearer ey']);
    await expectStep(page, 'resource-response', ['200 OK', 'Holiday photos: Lisbon']);
    await expectSecretsMasked(page);
    await context.close();
  });

  it('shows a wrong password refused at the token endpoint', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.urls.client}/password`);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('not-his-password');
    await page.getByRole('button', { name: /sign in to the Client$/ }).click();
    await expectStep(page, 'token-response', ['400 Bad Request', 'invalid_grant'], 'is-failed');
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('invalid_grant');
    expect(await page.content()).not.toContain('not-his-password');
    await context.close();
  });

  it('runs the client credentials grant, then shows 403 insufficient_scope for a write without the scope', async () => {
    const { context, page } = await freshPage();
    const { client, authorizationServer: as, resourceServer: rs } = demo.urls;
    await page.goto(`${client}/client-credentials`);
    await page.getByRole('button', { name: /get a token with the client's credentials$/ }).click();
    await expectStep(page, 'token-request', ['POST', `${as}/token`, 'grant_type', 'client_credentials', 'scope', 'read',
      `Basic base64("${PLAYGROUND_CLIENTS.clientCredentials.clientId}:••••••••")`]);
    await expectStep(page, 'token-response', ['200 OK', 'access_token', `"sub": "${PLAYGROUND_CLIENTS.clientCredentials.clientId}"`]);
    await page.getByRole('button', { name: /^Run steps .*: call the Resource Server$/ }).click();
    await expectStep(page, 'resource-request', ['GET', `${rs}/api/resources`]);
    await expectStep(page, 'resource-response', ['200 OK', 'Backup report: last night', '"type": "client"']);

    await page.getByRole('button', { name: 'Try: POST a new resource' }).click();
    const extra = await page.locator('.extras').textContent() ?? '';
    expect(extra).toContain('403 Forbidden');
    expect(extra).toContain('error="insufficient_scope"');
    expect(extra).toContain('scope="write"');
    await expectSecretsMasked(page);
    await context.close();
  });

  it('tells the refresh story: expired token, 401 invalid_token, refresh, retry, 200', async () => {
    const { context, page } = await freshPage();
    const { client, authorizationServer: as, resourceServer: rs } = demo.urls;
    await page.goto(`${client}/refresh-token`);
    await page.getByRole('button', { name: 'Before the story: sign in to get the tokens' }).click();
    await signInAndAllow(page);
    await page.waitForURL(`${client}/refresh-token`);
    const prologue = await page.locator('.extras').textContent() ?? '';
    expect(prologue).toContain('refresh_token');
    expect(prologue).toContain('authorization_code');

    const call = page.getByRole('button', { name: /call the Resource Server with the expired token$/ });
    await expect(call.isDisabled()).resolves.toBe(true);
    await expect(page.locator('[data-countdown]').textContent()).resolves.toMatch(/^\d+$/);
    // The token expires for real, by the clock the three servers share.
    // The refresh page's own token lifetime, shorter than the other pages'.
    demo.clock.advance(demo.refreshPageAccessTokenTtl + 1);
    await page.reload();
    await expect(call.isEnabled()).resolves.toBe(true);
    await call.click();
    await expectStep(page, 'expired-request', ['GET', `${rs}/api/resources`, 'Bearer ey']);
    await expectStep(page, 'expired-response', ['401 Unauthorized', 'WWW-Authenticate', 'error="invalid_token"', 'The access token has expired.']);

    await page.getByRole('button', { name: /refresh the access token$/ }).click();
    await expectStep(page, 'refresh-request', ['POST', `${as}/token`, 'grant_type', 'refresh_token', 'tsr_rt_',
      `Basic base64("${PLAYGROUND_CLIENTS.refreshToken.clientId}:••••••••")`]);
    await expectStep(page, 'refresh-response', ['200 OK', 'access_token', 'refresh_token', 'Decoded JWT']);

    await page.getByRole('button', { name: /retry with the new token$/ }).click();
    await expectStep(page, 'retry-request', ['GET', `${rs}/api/resources`, 'Bearer ey']);
    await expectStep(page, 'retry-response', ['200 OK', 'Holiday photos: Lisbon']);
    await expectSecretsMasked(page);
    await context.close();
  });

  it('opens a step\'s exchange when its arrow in the diagram is clicked', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${demo.urls.client}/client-credentials`);
    await page.getByRole('button', { name: /get a token with the client's credentials$/ }).click();
    await page.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = false; }));
    await page.locator('svg .seq-step[data-step-id="token-response"]').click();
    // hashchange is dispatched after the click returns: wait for the step to open rather than race it.
    await expect.poll(() => page.locator('.step-card[data-step-id="token-response"]').getAttribute('open')).not.toBeNull();
    await context.close();
  });
});
