import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';
import { PlaygroundVisitor, stepCardOf } from '../../helpers/playground-visitor.js';

// Issue 15 §3: every page holding an access token shows its remaining life from the token's exp,
// and offers the way on once it has expired, instead of a dead end.
let demo: TestDemo;
const ALICE = DEMO_USERS[0]!;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

/** The exp claim of the access token decoded on the page (the token response's step card). */
function decodedExp(card: string): number {
  const match = /<tr data-claim="exp"><th scope="row"><code>exp<\/code><\/th><td><code>(\d+)<\/code>/.exec(card);
  if (!match?.[1]) throw new Error('no exp claim on the card');
  return Number(match[1]);
}

function tokenLife(page: string): string {
  const start = page.indexOf('<div class="token-life"');
  expect(start, 'the page shows the token\'s life').toBeGreaterThan(0);
  const end = page.indexOf('</div>\n</div>', start);
  return page.slice(start, end);
}

describe('the token\'s remaining life on a flow page', () => {
  it('password page: counts from the token\'s exp, offers a new token once expired, and a refused call is not "complete"', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    let page = await visitor.act('/password', '/password/start', { username: ALICE.username, password: ALICE.password, scope: 'read' });
    const exp = decodedExp(stepCardOf(page, 'token-response'));
    const left = exp - demo.clock.nowSeconds();
    expect(left).toBe(demo.accessTokenTtl);
    let life = tokenLife(page);
    expect(life).toContain(`data-seconds-left="${left}"`);
    expect(life).toContain(`<strong data-countdown>${left}</strong>`);
    expect(life).toContain(`<time datetime="${new Date(exp * 1000).toISOString().replace('.000Z', 'Z')}">`);
    expect(life).toMatch(/<div class="token-life-expired" data-token-expired hidden>/);

    page = await visitor.act('/password', '/password/resources');
    expect(page).toContain(`<strong data-countdown>${left}</strong>`);
    demo.clock.advance(left - 100);
    page = await visitor.page('/password');
    expect(tokenLife(page)).toContain('<strong data-countdown>100</strong>');

    demo.clock.advance(101);
    page = await visitor.page('/password');
    life = tokenLife(page);
    expect(life).toMatch(/<p class="token-life-left" data-token-live hidden>/);
    expect(life).toMatch(/<div class="token-life-expired" data-token-expired>/);
    expect(life).toContain('The access token has expired');
    expect(life).toContain('action="/password/reset"');
    expect(life).toContain('Start over: get a new token');
    expect(life).toContain('href="/refresh-token"');
    expect(page).toContain('The Client still holds it: a call now shows what the Resource Server says');
    expect(page).not.toContain('The flow is complete');

    // Calling again after expiry: the page says what happened and offers the way on.
    page = await visitor.act('/password', '/password/resources');
    expect(stepCardOf(page, 'resource-response')).toContain('class="step-card is-failed"');
    expect(page).not.toContain('The flow is complete');
    expect(page).toContain('The Resource Server refused the token (step 5 says why)');
    expect(page).toContain('Start over: get a new token');
    page = await visitor.act('/password', '/password/reset');
    expect(page).toContain('name="password"');
  });

  it('refresh page: a 200 with the still-valid token first, the decoded exp beside a countdown from the real remaining time, then 401, refresh, retry, and again', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    const authorizeUrl = await visitor.submit('/refresh-token', '/refresh-token/login');
    let page = await visitor.throughAuthServer(authorizeUrl, ALICE);
    const ttl = demo.refreshPageAccessTokenTtl;
    let life = tokenLife(page);
    expect(life).toContain(`data-seconds-left="${ttl}"`);
    expect(page).toMatch(/<button type="submit" disabled data-enable-at-zero>Run steps 1–2: call the Resource Server with the expired token<\/button>/);

    demo.clock.advance(20);
    page = await visitor.act('/refresh-token', '/refresh-token/call-valid');
    const prologue = page.slice(page.indexOf('<section class="extras"'), page.indexOf('<section class="panel diagram-card"'));
    expect(prologue).toContain('A call while the access token is still valid');
    expect(prologue).toContain('200 OK');
    expect(prologue).toContain('Holiday photos: Lisbon');
    // The countdown starts at the real remaining time, from the token's exp, not from the configured lifetime.
    life = tokenLife(page);
    expect(life).toContain(`data-seconds-left="${ttl - 20}"`);
    expect(life).toMatch(/its <code>exp<\/code> claim/);

    demo.clock.advance(ttl - 20 + 1);
    page = await visitor.page('/refresh-token');
    expect(tokenLife(page)).toContain('Now call the Resource Server with it: step 1.');
    expect(page).toMatch(/<button type="submit" data-enable-at-zero>Run steps 1–2: call the Resource Server with the expired token<\/button>/);
    page = await visitor.act('/refresh-token', '/refresh-token/call');
    expect(stepCardOf(page, 'expired-response')).toContain('401 Unauthorized');
    page = await visitor.act('/refresh-token', '/refresh-token/refresh');
    expect(tokenLife(page)).toContain(`data-seconds-left="${ttl}"`);
    page = await visitor.act('/refresh-token', '/refresh-token/retry');
    expect(stepCardOf(page, 'retry-response')).toContain('200 OK');
    life = tokenLife(page);
    expect(life).toContain(`data-seconds-left="${ttl}"`);
    expect(life).toMatch(/data-token-expired hidden/);
    expect(life).toContain('action="/refresh-token/again"');

    // The new token expires too: the page offers refreshing again, and the story runs again.
    demo.clock.advance(ttl + 1);
    page = await visitor.page('/refresh-token');
    expect(tokenLife(page)).toMatch(/<div class="token-life-expired" data-token-expired>/);
    page = await visitor.act('/refresh-token', '/refresh-token/again');
    expect(stepCardOf(page, 'expired-response')).toContain('is-pending');
    page = await visitor.act('/refresh-token', '/refresh-token/call');
    expect(stepCardOf(page, 'expired-response')).toContain('401 Unauthorized');
    page = await visitor.act('/refresh-token', '/refresh-token/refresh');
    expect(stepCardOf(page, 'refresh-response')).toContain('200 OK');
  });
});
