import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANT_PAGES } from '../../src/demo/client/flows/grant-catalog.js';
import { DEMO_USERS, PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../src/demo/demo-seed.js';
import { checkPage, DESKTOP_WIDTH, PHONE_WIDTH, type Findings, type PageCheckOptions } from '../helpers/accessibility.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestDemo, type TestDemo } from '../helpers/demo.js';

// Issue 15, part 7: every page of the playground and of the Auth Server, reached by really running
// the flows in Chromium, passes axe (no serious or critical WCAG 2.1 AA violation) in light and dark
// mode at 1280 and 390 px, does not scroll sideways on a phone, and starts with a skip link. Then
// what axe cannot see: jumps land below the header, focus follows them, the diagram's text size.

let demo: TestDemo;
let browser: Browser;
const ALICE = DEMO_USERS[0]!;
const BOB = DEMO_USERS[1]!;

beforeAll(async () => {
  demo = await startTestDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/**
 * A fresh profile (nobody signed in) with motion reduced: the steps' light-up animation fades text
 * in from 15 % opacity, and axe must judge the colors the page settles on, not a frame of the fade.
 */
async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: DESKTOP_WIDTH, height: 900 }, reducedMotion: 'reduce' });
  return { context, page: await context.newPage() };
}

/** Checks the page as it is now and keeps the findings, so that a tour reports every page at once. */
type Visit = (label: string, options?: PageCheckOptions) => Promise<void>;

/**
 * A walk through pages in the states a visitor meets them in. To cover a new page, add a tour (or
 * a `visit` in one): drive the page as a user would, then `await visit('what this state is')`.
 */
interface Tour {
  name: string;
  run(page: Page, visit: Visit): Promise<void>;
}

async function signIn(page: Page, user: { username: string; password: string } = ALICE): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function backAtClient(page: Page): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(demo.urls.client));
}

async function click(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
}

/**
 * The Auth Server's pages are one centered card whose markup and colors do not change with the width:
 * axe runs on them at desktop width only (in both schemes); the 390 px overflow check runs on every page.
 */
const AUTH_SERVER_PAGE: PageCheckOptions = { widths: [DESKTOP_WIDTH] };

const TOURS: Tour[] = [
  {
    name: 'the playground home page',
    async run(page, visit) {
      await page.goto(`${demo.urls.client}/`);
      await visit('home');
    },
  },
  {
    name: 'authorization code: the page before, mid-flow and complete; sign-in (and its error), consent, account, logout and error pages of the Auth Server',
    async run(page, visit) {
      const { client, authorizationServer: as } = demo.urls;
      await page.goto(`${client}/authorization-code`);
      await visit('authorization code, before start');
      await click(page, 'Start: 1. I want to access my resources');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await visit('Auth Server sign-in', AUTH_SERVER_PAGE);
      await signIn(page, { username: ALICE.username, password: 'not-the-password' });
      await page.getByRole('alert').waitFor();
      await visit('Auth Server sign-in, wrong password', AUTH_SERVER_PAGE);
      await signIn(page);
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      await visit('Auth Server consent', AUTH_SERVER_PAGE);
      await page.getByRole('button', { name: 'Allow' }).click();
      await backAtClient(page);
      await page.locator('.step-card[data-step-id="callback-with-code"].is-done').waitFor();
      await visit('authorization code, mid-flow (steps 1–4)');
      await click(page, 'Run steps 5–6: exchange the code for a token');
      await click(page, 'Run steps 7–8: call the Resource Server');
      await page.locator('.step-card[data-step-id="resource-response"].is-done').waitFor();
      await visit('authorization code, complete');

      await page.goto(`${as}/account`);
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await visit('Auth Server account page', AUTH_SERVER_PAGE);
      await page.getByRole('button', { name: /^Withdraw access/ }).first().click();
      await page.getByRole('status').waitFor();
      await visit('Auth Server account page, access withdrawn', AUTH_SERVER_PAGE);
      // No id_token_hint: the Auth Server cannot tell who asks, so it asks the user.
      await page.goto(`${as}/end_session`);
      await page.getByRole('heading', { name: 'Sign out of Tessera?' }).waitFor();
      await visit('Auth Server logout confirmation', AUTH_SERVER_PAGE);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
      await visit('Auth Server signed out', AUTH_SERVER_PAGE);
      await page.goto(`${as}/end_session?post_logout_redirect_uri=${encodeURIComponent('https://elsewhere.example/')}`);
      await page.getByRole('heading', { name: 'Logout request refused' }).waitFor();
      await visit('Auth Server logout refused', AUTH_SERVER_PAGE);
      await page.goto(`${as}/authorize?response_type=code&client_id=no-such-client`);
      await page.getByRole('alert').waitFor();
      await visit('Auth Server error page', AUTH_SERVER_PAGE);
      await page.goto(`${as}/login`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await visit('Auth Server sign-in without a client', AUTH_SERVER_PAGE);
    },
  },
  {
    name: 'authorization code, consent denied: a failed step',
    async run(page, visit) {
      await page.goto(`${demo.urls.client}/authorization-code`);
      await click(page, 'Start: 1. I want to access my resources');
      await signIn(page, BOB);
      await page.getByRole('button', { name: 'Deny' }).click();
      await backAtClient(page);
      await page.locator('.step-card[data-step-id="callback-with-code"].is-failed').waitFor();
      await visit('authorization code, consent denied');
    },
  },
  {
    name: 'implicit: before, mid-flow and complete (rendered by the single-page app)',
    async run(page, visit) {
      await page.goto(`${demo.urls.client}/implicit`);
      await visit('implicit, before start');
      await click(page, 'Start: 1. I want to access my resources');
      await signIn(page);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${demo.urls.client}/implicit`);
      await page.locator('.step-card[data-step-id="callback-with-token"].is-done').waitFor();
      await visit('implicit, mid-flow (steps 1–4)');
      await click(page, 'Run steps 5–6: call the Resource Server');
      await page.locator('.step-card[data-step-id="resource-response"].is-done').waitFor();
      // The SPA lit the arrows; the phone list must say the same.
      await expect(page.locator('[data-diagram-item="resource-response"]').getAttribute('class')).resolves.toContain('is-done');
      await visit('implicit, complete');
    },
  },
  {
    name: 'password: before, refused and complete',
    async run(page, visit) {
      await page.goto(`${demo.urls.client}/password`);
      await visit('password, before start');
      await page.getByLabel('Username').fill(BOB.username);
      await page.getByLabel('Password').fill('not-his-password');
      await click(page, 'Run steps 1–3: sign in to the Client');
      await page.locator('.step-card[data-step-id="token-response"].is-failed').waitFor();
      await visit('password, refused');
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await click(page, 'Run steps 1–3: sign in to the Client');
      await page.locator('.step-card[data-step-id="token-response"].is-done').waitFor();
      await visit('password, mid-flow (steps 1–3)');
      await click(page, 'Run steps 4–5: call the Resource Server');
      await page.locator('.step-card[data-step-id="resource-response"].is-done').waitFor();
      await visit('password, complete');
    },
  },
  {
    name: 'client credentials: before, mid-flow, complete, and the 403 beyond the diagram',
    async run(page, visit) {
      await page.goto(`${demo.urls.client}/client-credentials`);
      await visit('client credentials, before start');
      await click(page, 'Run steps 1–2: get a token with the client\'s credentials');
      await page.locator('.step-card[data-step-id="token-response"].is-done').waitFor();
      await visit('client credentials, mid-flow (steps 1–2)');
      await click(page, 'Run steps 3–4: call the Resource Server');
      await page.locator('.step-card[data-step-id="resource-response"].is-done').waitFor();
      await visit('client credentials, complete');
      await click(page, 'Try: POST a new resource');
      await page.locator('.extras').waitFor();
      await visit('client credentials, 403 beyond the diagram');
    },
  },
  {
    name: 'refresh token: before, with a live token, expired and complete',
    async run(page, visit) {
      await page.goto(`${demo.urls.client}/refresh-token`);
      await visit('refresh token, before start');
      await click(page, 'Before the story: sign in to get the tokens');
      await signIn(page);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${demo.urls.client}/refresh-token`);
      await visit('refresh token, counting down');
      demo.clock.advance(demo.refreshPageAccessTokenTtl + 1);
      await page.reload();
      await click(page, 'Run steps 1–2: call the Resource Server with the expired token');
      await page.locator('.step-card[data-step-id="expired-response"]:is(.is-failed, .is-done)').first().waitFor();
      await visit('refresh token, mid-flow (401)');
      await click(page, 'Run steps 3–4: refresh the access token');
      await click(page, 'Run steps 5–6: retry with the new token');
      await page.locator('.step-card[data-step-id="retry-response"].is-done').waitFor();
      await visit('refresh token, complete');
    },
  },
  {
    name: 'OpenID Connect: before, signed in, complete (signed out), and the Auth Server\'s account chooser',
    async run(page, visit) {
      const { client, authorizationServer: as } = demo.urls;
      await page.goto(`${client}/openid-connect`);
      await visit('OpenID Connect, before start');
      await click(page, 'Start: 1. Sign in with Tessera');
      await signIn(page);
      await page.getByRole('button', { name: 'Allow' }).click();
      await backAtClient(page);
      await click(page, 'Run steps 5–6: get the ID token');
      await click(page, 'Run steps 7–8: call UserInfo');
      await page.locator('.step-card[data-step-id="userinfo-response"].is-done').waitFor();
      await visit('OpenID Connect, signed in (steps 1–8)');

      const chooser = new URL(`${as}/authorize`);
      chooser.search = new URLSearchParams({
        response_type: 'code', client_id: PLAYGROUND_CLIENTS.openIdConnect.clientId, redirect_uri: playgroundRedirectUris(demo.urls).openIdConnect,
        scope: 'openid', prompt: 'select_account', state: 'accessibility', nonce: 'accessibility',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
      }).toString();
      await page.goto(chooser.href);
      await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
      await visit('Auth Server account chooser (prompt=select_account)', AUTH_SERVER_PAGE);

      await page.goto(`${client}/openid-connect`);
      await click(page, 'Run steps 9–11: sign out');
      await page.locator('.step-card[data-step-id="logged-out-return"].is-done').waitFor();
      await visit('OpenID Connect, complete (signed out)');
    },
  },
  {
    name: 'the pages beside the grants: Break it, Registration, Introspect & revoke, before and with results',
    async run(page, visit) {
      const client = demo.urls.client;
      await page.goto(`${client}/break-it`);
      await visit('Break it, before any experiment');
      await page.locator('section#audience').getByRole('button', { name: 'Get both tokens and call with each' }).click();
      await page.locator('section#audience .experiment-result').waitFor();
      await visit('Break it, an experiment run');
      await page.goto(`${client}/registration`);
      await visit('Registration, before');
      await click(page, 'Register a client (POST /register)');
      await click(page, 'Read it back (GET, RFC 7592)');
      await visit('Registration, registered and read back');
      await page.goto(`${client}/client-credentials`);
      await click(page, 'Run steps 1–2: get a token with the client\'s credentials');
      await page.locator('.step-card[data-step-id="token-response"].is-done').waitFor();
      await page.goto(`${client}/tokens`);
      await visit('Introspect & revoke, a token to choose');
      await page.getByRole('radio', { name: /access_token of playground-service/ }).check();
      await click(page, 'Introspect (RFC 7662)');
      await page.getByRole('button', { name: /^Revoke \(RFC 7009\)/ }).click();
      await page.locator('.step-card', { hasText: 'Call the Resource Server with the revoked access token' }).waitFor();
      await visit('Introspect & revoke, revoked');
    },
  },
];

describe('accessibility of every playground and Auth Server page (axe, light and dark, 1280 and 390 px)', () => {
  for (const tour of TOURS) {
    it(tour.name, async () => {
      const { context, page } = await freshPage();
      const findings: Findings = [];
      const visited: string[] = [];
      try {
        await tour.run(page, async (label, options) => {
          visited.push(label);
          findings.push(...await checkPage(page, label, options));
        });
      } finally {
        await context.close();
      }
      expect(visited.length).toBeGreaterThan(0);
      expect(findings, findings.join('\n')).toEqual([]);
    }, 400_000);
  }
});

/** The page with every step lit and every card closed, scrolled to the top. */
async function completedClientCredentialsPage(): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await freshPage();
  await page.goto(`${demo.urls.client}/client-credentials`);
  await click(page, 'Run steps 1–2: get a token with the client\'s credentials');
  await click(page, 'Run steps 3–4: call the Resource Server');
  await page.locator('.step-card[data-step-id="resource-response"].is-done').waitFor();
  return { context, page };
}

async function reset(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 700 });
  await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = false;
    history.replaceState(null, '', location.pathname);
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
}

/** The diagram's link to a step at this width: an arrow of the SVG, or an item of the phone list. */
function stepLink(page: Page, width: number, step: string) {
  return width < 760 ? page.locator(`.seq-list a[href="#step-${step}"]`) : page.locator(`#diagram-step-${step}`);
}

/** Nothing covers the element's top edge: the topmost element there is the element itself (or inside it). */
async function topIsVisible(page: Page, selector: string): Promise<{ covered: boolean; top: number; headerBottom: number }> {
  // Two frames: the jump's scroll and the page script's measurements have settled.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return page.evaluate((target) => {
    const element = document.querySelector(target)!;
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + Math.min(40, box.width / 2), box.top + 4);
    const header = document.querySelector('.topbar')!.getBoundingClientRect();
    return { covered: box.top < 0 || hit === null || !element.contains(hit), top: Math.round(box.top), headerBottom: Math.round(header.bottom) };
  }, selector);
}

describe('jumps, focus and the diagram in Chromium', () => {
  it('lands a jump to a step, or to #run, below the header at 390, 860, 1100 and 1280 px', async () => {
    const { context, page } = await completedClientCredentialsPage();
    for (const width of [PHONE_WIDTH, 860, 1100, DESKTOP_WIDTH]) {
      await reset(page, width);
      // Scrolled away from the top, so that the jump has to move the page.
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await stepLink(page, width, 'token-request').scrollIntoViewIfNeeded();
      await stepLink(page, width, 'token-request').click();
      await page.locator('#step-token-request[open]').waitFor();
      const step = await topIsVisible(page, '#step-token-request');
      expect(step.covered, `step 1 after a jump at ${width} px (top ${step.top}, header bottom ${step.headerBottom})`).toBe(false);
      // What the form posts redirect to: the controls, below the header.
      await page.goto(`${demo.urls.client}/client-credentials#run`);
      const run = await topIsVisible(page, '#run');
      expect(run.covered, `#run at ${width} px (top ${run.top}, header bottom ${run.headerBottom})`).toBe(false);
      await page.evaluate(() => history.replaceState(null, '', location.pathname));
    }
    // On a phone or a tablet the header scrolls away with the page; on a desktop it stays, at most two rows high.
    for (const width of [PHONE_WIDTH, 860]) {
      await page.setViewportSize({ width, height: 700 });
      await expect(page.locator('.topbar').evaluate((header) => getComputedStyle(header).position)).resolves.toBe('static');
    }
    for (const width of [1100, DESKTOP_WIDTH]) {
      await page.setViewportSize({ width, height: 700 });
      await expect(page.locator('.topbar').evaluate((header) => getComputedStyle(header).position)).resolves.toBe('sticky');
      await expect(page.locator('.topbar').evaluate((header) => header.getBoundingClientRect().height)).resolves.toBeLessThanOrEqual(100);
    }
    await context.close();
  }, 120_000);

  it('moves focus to the step card that opens, by click or keyboard, with a visible focus style', async () => {
    const { context, page } = await completedClientCredentialsPage();
    const cases = [
      { width: DESKTOP_WIDTH, how: 'click' as const, step: 'token-response' },
      { width: DESKTOP_WIDTH, how: 'keyboard' as const, step: 'resource-request' },
      { width: PHONE_WIDTH, how: 'click' as const, step: 'resource-response' },
      { width: PHONE_WIDTH, how: 'keyboard' as const, step: 'token-request' },
    ];
    for (const { width, how, step } of cases) {
      await reset(page, width);
      const link = stepLink(page, width, step);
      if (how === 'click') {
        await link.click();
      } else {
        // Reached with Tab like any link (not nested in an image), opened with Enter.
        await expect(link.evaluate((element) => (element as HTMLElement).tabIndex)).resolves.toBeGreaterThanOrEqual(0);
        await link.focus();
        await page.keyboard.press('Enter');
      }
      await page.locator(`#step-${step}[open]`).waitFor();
      const focus = await page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        const style = active ? getComputedStyle(active) : undefined;
        return { card: active?.closest('details')?.id, tag: active?.tagName.toLowerCase(), outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '' };
      });
      expect(focus.card, `${how} at ${width} px`).toBe(`step-${step}`);
      expect(focus.tag).toBe('summary');
      expect(focus.outline, `focus style after a ${how} at ${width} px`).toMatch(/^solid [1-9]/);
    }
    await context.close();
  }, 120_000);

  it('shows every lane on a phone, and draws the diagram\'s text at 12 px or more at 1280 px', async () => {
    const { context, page } = await freshPage();
    for (const grant of GRANT_PAGES) {
      await page.setViewportSize({ width: DESKTOP_WIDTH, height: 900 });
      await page.goto(`${demo.urls.client}${grant.path}`);
      const sizes = await page.evaluate(() => {
        const svg = document.querySelector<SVGSVGElement>('svg.sequence-diagram')!;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].map((text) => ({ text: text.textContent?.trim().slice(0, 30), px: parseFloat(getComputedStyle(text).fontSize) * scale }));
      });
      expect(sizes.length).toBeGreaterThan(grant.diagram.steps.length);
      const small = sizes.filter((size) => size.px < 12);
      expect(small, `${grant.path}: text under 12 px`).toEqual([]);

      await page.setViewportSize({ width: PHONE_WIDTH, height: 800 });
      await expect(page.locator('svg.sequence-diagram').isVisible()).resolves.toBe(false);
      const list = await page.locator('.seq-list li').allInnerTexts();
      expect(list).toHaveLength(grant.diagram.steps.length);
      // Each item names its two lanes, and every lane of the grant appears.
      for (const participant of grant.diagram.participants) expect(list.join('\n').toUpperCase()).toContain(participant.toUpperCase());
      for (const item of await page.locator('.seq-list li').all()) await expect(item.isVisible()).resolves.toBe(true);
    }
    await context.close();
  }, 120_000);
});
