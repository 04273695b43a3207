import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, OTHER_DEMO_API, PLAYGROUND_CLIENTS } from '../../../../src/demo/demo-seed.js';
import { BREAK_IT_ACCESS_TOKEN_TTL } from '../../../../src/demo/break-it-ttl.js';
import { startTestDemo, type TestDemo } from '../../../helpers/demo.js';
import { basic, postForm } from '../../../helpers/oauth-client.js';
import { authorizeAs, hiddenField, UserAgent } from '../../../helpers/user-agent.js';

/**
 * Issue 15 §4: the Break it page's experiments, run the way a visitor runs them (a browser's
 * requests: the playground's forms, the Auth Server's sign-in and consent) against the real demo
 * servers. Each test asserts the verdict the page shows and the real answers behind it.
 */
let demo: TestDemo;
let agent: UserAgent;
const ALICE = DEMO_USERS[0]!;

beforeAll(async () => {
  demo = await startTestDemo();
  agent = new UserAgent(demo.urls.authorizationServer);
});
afterAll(async () => { await demo?.close(); });

const page = (path = '/break-it') => agent.request(`${demo.urls.client}${path}`);

async function csrf(): Promise<string> {
  return hiddenField((await page()).body, 'csrf');
}

/** The page's section of one experiment, HTML-unescaped enough to search its sentences. */
function section(body: string, id: string): string {
  const start = body.indexOf(`<section class="panel experiment-card" id="${id}"`);
  expect(start, `section ${id}`).toBeGreaterThan(-1);
  const end = body.indexOf('</section>', body.indexOf('class="defence"', start));
  return body.slice(start, end).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

async function post(path: string): Promise<{ status: number; location: string | null }> {
  return agent.request(`${demo.urls.client}${path}`, { form: { csrf: await csrf() } });
}

/** Presses a button that runs at once, then reads the experiment's section. */
async function run(id: string, action = 'run'): Promise<string> {
  const answer = await post(`/break-it/${id}/${action}`);
  expect(answer.status).toBe(303);
  expect(answer.location).toBe(`/break-it#${id}`);
  return section((await page()).body, id);
}

/** Presses a sign-in experiment's button: the browser goes to the Auth Server (alice signs in once) and back. */
async function runSignedIn(id: string): Promise<string> {
  const start = await post(`/break-it/${id}/start`);
  expect(start.status).toBe(303);
  const authorizeUrl = start.location ?? '';
  expect(authorizeUrl.startsWith(`${demo.urls.authorizationServer}/authorize?`)).toBe(true);
  const back = await authorizeAs(agent, authorizeUrl, ALICE);
  expect(back.href.startsWith(`${demo.urls.client}/break-it/callback?`)).toBe(true);
  const landed = await agent.request(back.href);
  expect(landed.status).toBe(303);
  expect(landed.location).toBe(`/break-it#${id}`);
  return section((await page()).body, id);
}

const verdictOf = (html: string) => /data-verdict="(\w+)"/.exec(html)?.[1];

describe('the Break it page', () => {
  it('is linked from the nav and the home page, and lists every experiment with a button', async () => {
    const home = await page('/');
    expect(home.body).toContain('href="/break-it"');
    const body = (await page()).body;
    expect(body).toContain('<a href="/break-it" aria-current="page">Break it</a>');
    for (const id of ['redirect-uri', 'code-replay', 'wrong-state', 'missing-verifier', 'refresh-replay', 'audience', 'under-scoped', 'expired']) {
      expect(section(body, id)).toContain('<button type="submit"');
    }
    expect(body).not.toContain('data-verdict');
  });

  it('refuses a form that does not carry the session\'s CSRF token', async () => {
    const forged = await agent.request(`${demo.urls.client}/break-it/audience/run`, { form: { csrf: 'forged' } });
    expect(forged.status).toBe(403);
  });

  it('a tampered redirect_uri: the Auth Server shows an error page and redirects nowhere', async () => {
    const html = await run('redirect-uri');
    expect(verdictOf(html)).toBe('held');
    expect(html).toContain('redirect_uri');
    expect(html).toContain('https://attacker.example/callback');
    expect(html).toContain('The Auth Server answered 400 Bad Request with its own error page.');
    expect(html).toContain('No Location header');
    // The answer as the Auth Server gives it to anyone: 400, HTML, no Location.
    const link = /<a href="([^"]+)" rel="noreferrer" target="_blank">Open the tampered link/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const direct = await fetch(link, { redirect: 'manual' });
    expect(direct.status).toBe(400);
    expect(direct.headers.get('location')).toBeNull();
  });

  it('a replayed code: invalid_grant, and both tokens of the first redemption inactive at introspection', async () => {
    const html = await runSignedIn('code-replay');
    expect(verdictOf(html)).toBe('held');
    expect(html).toContain('The second redemption was refused: 400 invalid_grant.');
    expect(html).toContain('The access token of the first redemption was active before the replay and is inactive after it');
    expect(html).toContain('The refresh token of the first redemption was active before the replay and is inactive after it');
    expect(html).toContain(`${demo.urls.authorizationServer}/introspect`);
    expect(html.match(/"active": true/g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).not.toContain(PLAYGROUND_CLIENTS.breakIt.clientSecret);
  });

  it('a wrong state: the Client refuses the callback and never redeems the code', async () => {
    const html = await runSignedIn('wrong-state');
    expect(verdictOf(html)).toBe('held');
    expect(html).toContain('The Client refused the callback before using the code: oauth4webapi says "unexpected "state" response parameter value"');
    expect(html).not.toContain('/token');
  });

  it('a missing code_verifier: invalid_grant, and the rightful redemption still works', async () => {
    const html = await runSignedIn('missing-verifier');
    expect(verdictOf(html)).toBe('held');
    expect(html).toContain('The redemption without code_verifier was refused: 400 invalid_grant.');
    expect(html).toContain('Then the rightful redemption, with the verifier, got its tokens (200)');
  });

  it('a replayed refresh token: the same pair inside the retry window, the whole grant revoked outside it', async () => {
    const html = await runSignedIn('refresh-replay');
    expect(verdictOf(html)).toBe('held');
    expect(html).toContain('Inside the window, Tessera answered 200 with the same access token and the same refresh token B');
    expect(html).toContain('Outside the window, the old refresh token was refused: 400 invalid_grant.');
    expect(html).toContain('The current refresh token C is inactive too');
    expect(html).toContain('The current access token is inactive as well');
  });

  it('a token for another resource: issued with that aud, refused by the demo Resource Server with 401 invalid_token', async () => {
    const html = await run('audience');
    expect(verdictOf(html)).toBe('held');
    expect(html).toContain(`"aud": "${OTHER_DEMO_API}"`);
    expect(html).toContain(`"aud": "${demo.urls.resourceServer}"`);
    expect(html).toContain('With its own token the call succeeds (200)');
    expect(html).toMatch(/The Resource Server refused it: 401 with WWW-Authenticate: Bearer [^<]*error="invalid_token"/);
  });

  it('under-scoped: a read-only token reads, and writing gets 403 insufficient_scope naming the scope', async () => {
    const html = await run('under-scoped');
    expect(verdictOf(html)).toBe('held');
    expect(html).toContain('Reading with it works (200)');
    expect(html).toMatch(/Writing was refused: 403 with WWW-Authenticate: Bearer [^<]*error="insufficient_scope"[^<]*scope="write"/);
  });

  it('expired: the short-lived token works before its exp, and gets 401 invalid_token after it', async () => {
    let html = await run('expired');
    // The grant pages' token-life markup, which the page script counts down (browser/countdown.ts).
    expect(html).toContain(`<div class="token-life" data-token-life data-seconds-left="${BREAK_IT_ACCESS_TOKEN_TTL}">`);
    expect(html).toContain(`The access token expires in <strong data-countdown>${BREAK_IT_ACCESS_TOKEN_TTL}</strong> s`);
    expect(html).toMatch(/<div class="token-life-expired" data-token-expired hidden>/);
    expect(html).not.toContain('class="countdown"');
    expect(html).toContain(`"exp"`);
    expect(verdictOf(html)).toBe('waiting');
    html = await run('expired', 'call');
    expect(verdictOf(html)).toBe('waiting');
    expect(html).toContain('so the Resource Server accepted it (200), as it should');
    demo.clock.advance(BREAK_IT_ACCESS_TOKEN_TTL + 1);
    html = await run('expired', 'call');
    expect(html).toContain('data-seconds-left="0"');
    expect(html).toMatch(/<p class="token-life-left" data-token-live hidden>/);
    expect(html).toMatch(/<div class="token-life-expired" data-token-expired>\s*<p><strong>The access token has expired<\/strong>/);
    expect(verdictOf(html)).toBe('held');
    expect(html).toMatch(/The expired token was refused: 401 with WWW-Authenticate: Bearer [^<]*error="invalid_token"/);
  });

  it('gives the lab service client its short lifetime only', async () => {
    const service = PLAYGROUND_CLIENTS.breakItService;
    const token = await postForm(`${demo.urls.authorizationServer}/token`, 'grant_type=client_credentials&scope=read',
      { authorization: basic(service.clientId, service.clientSecret) });
    expect(token.json.expires_in).toBe(BREAK_IT_ACCESS_TOKEN_TTL);
  });

  it('answers a callback it did not start with a page, not a crash', async () => {
    const stray = await page('/break-it/callback?code=x&state=y');
    expect(stray.status).toBe(400);
    expect(stray.body).toContain('does not belong to an experiment started here');
  });
});
