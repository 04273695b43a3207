import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';
import { PlaygroundVisitor, stepCardOf } from '../../helpers/playground-visitor.js';

// The newcomer review after issue 15: each page says what really happened, from the Client's vantage.
let demo: TestDemo;
const ALICE = DEMO_USERS[0]!;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

describe('the visit to the Auth Server, as the Client can tell it', () => {
  it('a second sign-in skips the sign-in and consent pages: step 3 does not claim you saw them', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    await visitor.throughAuthServer(await visitor.submit('/authorization-code', '/authorization-code/start', { scope: 'read' }), ALICE);
    await visitor.act('/authorization-code', '/authorization-code/reset');
    // The Auth Server has a session and remembers the consent: it answers /authorize with the redirect back.
    const authorize = await visitor.authServer.request(await visitor.submit('/authorization-code', '/authorization-code/start', { scope: 'read' }));
    expect(authorize.status).toBe(303);
    const back = new URL(authorize.location ?? '', demo.urls.client);
    const callback = await visitor.client.request(`${back.pathname}${back.search}`);
    const page = await visitor.page(new URL(callback.location ?? '', demo.urls.client).pathname);
    const card = stepCardOf(page, 'user-at-auth-server');
    expect(card).not.toContain('you saw its sign-in page');
    expect(card).toContain('What happened there, the Client cannot see');
    expect(card).toContain('skipped both');
  });

  it.each(['/authorization-code', '/implicit', '/refresh-token', '/openid-connect'])('%s says near Start how to see the consent page again: the Auth Server\'s account page', async (path) => {
    const page = await new PlaygroundVisitor(demo.urls).page(path);
    const controls = page.slice(page.indexOf('<section class="panel controls"'), page.indexOf('</section>', page.indexOf('<section class="panel controls"')));
    expect(controls).toContain(`href="${new URL('/account', demo.urls.authorizationServer).href}"`);
    expect(controls).toContain('Withdraw access');
  });
});

/** The page's controls panel (#run), where what the page says and offers follows the token's state. */
function controlsOf(page: string): string {
  const start = page.indexOf('<section class="panel controls"');
  return page.slice(start, page.indexOf('</section>', start));
}
const count = (text: string, part: string) => text.split(part).length - 1;

describe('a page holding an access token says one thing per state of the token', () => {
  it('client credentials: live, then expired before a call, then refused: never "complete" beside "expired", each offer once, no call again', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    await visitor.act('/client-credentials', '/client-credentials/token', { scope: 'read' });
    let controls = controlsOf(await visitor.act('/client-credentials', '/client-credentials/resources'));
    // Live: complete, call again and Start over; each hidden by the countdown at zero, when the expired call shows.
    expect(controls).toContain('<p data-hide-at-zero>The flow is complete. Call again, or start over.');
    expect(count(controls, '>Start over</button>')).toBe(1);
    expect(controls).toMatch(/<div data-hide-at-zero>[\s\S]*Call the Resource Server again[\s\S]*>Start over<\/button>[\s\S]*?<\/div>/);
    expect(controls).toMatch(/<div data-show-at-zero hidden>[\s\S]*with the expired token/);

    demo.clock.advance(demo.accessTokenTtl + 1);
    controls = controlsOf(await visitor.page('/client-credentials'));
    expect(controls).not.toContain('The flow is complete');
    expect(controls).not.toContain('Call the Resource Server again');
    expect(controls).not.toContain('>Start over</button>');
    expect(count(controls, 'Start over: get a new token')).toBe(1);
    expect(controls).toContain('The Client still holds it: a call now shows what the Resource Server says');
    expect(controls).toContain('Run steps 3–4 with the expired token: see the Resource Server refuse it');

    controls = controlsOf(await visitor.act('/client-credentials', '/client-credentials/resources'));
    expect(controls).toContain('The Resource Server refused the token (step 4 says why)');
    // The action's problem, once, with one full stop; no second expiry paragraph.
    expect(controls).toContain('The Resource Server refused the token: invalid_token. The access token has expired.<');
    expect(controls).not.toContain('.).');
    expect(controls).not.toContain('data-token-life');
    expect(controls).not.toContain('Call the Resource Server');
    expect(controls).not.toContain('>Start over</button>');
    expect(count(controls, 'Start over: get a new token')).toBe(1);
    expect(controls).toContain('href="/refresh-token"');
    expect(controls).not.toContain('see how a client with a refresh token carries on');
  });

  it('implicit: the refused state offers a new token and the refresh page it names, no second life nor call again; the expired call waits for zero', async () => {
    const controls = controlsOf(await new PlaygroundVisitor(demo.urls).page('/implicit'));
    const refused = controls.slice(controls.indexOf('<div data-show-when="refused"'));
    expect(refused).toContain('href="/refresh-token"');
    expect(refused).not.toContain('data-spa-token-life');
    expect(refused).not.toContain('data-spa-call');
    expect(controls).toMatch(/<p data-hide-at-zero>The flow is complete/);
    expect(count(controls, 'data-show-at-zero hidden><button type="button" data-spa-call class="secondary">Run steps 5–6 with the expired token')).toBe(2);
    expect(controls).toMatch(/<div class="action-form" data-hide-at-zero><button type="button" id="spa-reset"/);
  });
});

describe('the Refresh Token page follows its token\'s real state', () => {
  it('the still-valid call goes with the countdown at zero, and a call made after exp is step 1, not "a call while the token is still valid"', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    let page = await visitor.throughAuthServer(await visitor.submit('/refresh-token', '/refresh-token/login'), ALICE);
    expect(controlsOf(page)).toMatch(/<div data-hide-at-zero><p>First, if you like, call the Resource Server while the token is still valid[\s\S]*Call the Resource Server now, while the token is valid[\s\S]*The story needs the token expired[^<]*<\/p><\/div>/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

    demo.clock.advance(demo.refreshPageAccessTokenTtl + 1);
    page = await visitor.page('/refresh-token');
    expect(controlsOf(page)).not.toContain('while the token is valid');
    expect(controlsOf(page)).not.toContain('The story needs the token expired');

    // The form of a page rendered before exp, posted after it.
    const answer = await visitor.client.request('/refresh-token/call-valid', { form: { csrf } });
    expect(answer.status).toBe(303);
    page = await visitor.page('/refresh-token');
    expect(page).not.toContain('A call while the access token is still valid');
    expect(stepCardOf(page, 'expired-response')).toContain('class="step-card is-done"');
    expect(controlsOf(page)).toContain('The Resource Server said the token is invalid');
  });
});

describe('copy as curl of a request the Client received from the browser', () => {
  it('the password form\'s curl line says it needs the browser\'s session cookie, and without it really gets 403', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    const page = await visitor.act('/password', '/password/start', { username: ALICE.username, password: ALICE.password, scope: 'read' });
    const card = stepCardOf(page, 'give-credentials');
    const curl = /<pre class="code raw" data-copy-source="curl" tabindex="0">([^<]*)<\/pre>/.exec(card)?.[1] ?? '';
    const command = curl.replace(/&#39;/g, '\'').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    expect(command).toContain('csrf=');
    expect(card).toContain('Your browser sent this request to the Client, with its session cookie, which this command leaves out.');
    // Run as the page says (the password from the shell), without the cookie: the Client refuses it.
    // (Asynchronously: the demo answers from this process.)
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout: out } = await promisify(execFile)('/bin/sh', ['-c', command], { env: { PATH: '/usr/bin:/bin', PASSWORD: ALICE.password }, timeout: 10_000 });
    expect(out).toMatch(/^HTTP\/1\.1 403/);
    // A request the Client itself sent (the token request) replays without any cookie: no such caveat.
    expect(stepCardOf(page, 'token-request')).not.toContain('session cookie');
  });
});

describe('a failed step card', () => {
  it('says what happened first, above the headers, the body and the raw view', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    const page = await visitor.act('/password', '/password/start', { username: ALICE.username, password: 'not-her-password', scope: 'read' });
    const card = stepCardOf(page, 'token-response');
    const outcome = card.indexOf('aria-label="What happened"');
    expect(outcome).toBeGreaterThan(0);
    expect(outcome).toBeLessThan(card.indexOf('<p class="vantage">'));
    expect(outcome).toBeLessThan(card.indexOf('<details class="raw-http">'));
    // One full stop, not "(The username or password is incorrect.)."
    expect(page).not.toMatch(/\.\)\./);
  });
});
