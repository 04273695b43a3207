import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';
import { PlaygroundVisitor, stepCardOf } from '../../helpers/playground-visitor.js';

// Issue 15 §2: a failed step tells what happened, what it means and what the Client should do next,
// with the tutorial's caption kept, greyed, as what it expected; never the success notes.
let demo: TestDemo;
const ALICE = DEMO_USERS[0]!;
const BOB = DEMO_USERS[1]!;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

describe('a failed step in the playground', () => {
  it('password grant, wrong password: invalid_grant explained, the tutorial\'s caption greyed, no success notes', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    const page = await visitor.act('/password', '/password/start', { username: BOB.username, password: 'not-his-password', scope: 'read' });
    const card = stepCardOf(page, 'token-response');
    expect(card).toContain('class="step-card is-failed"');
    expect(card).toContain('Refused: invalid_grant');
    expect(card).toContain('error=invalid_grant');
    expect(card).toContain('What it means');
    expect(card).toContain('the user&#39;s password is wrong');
    expect(card).toContain('What the Client should do next');
    expect(card).toContain('href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2"');
    expect(card).toMatch(/<p class="tutorial-expected"><span class="tutorial-expected-label">What the tutorial expected:<\/span> Hey Client, The credentials provided are correct\. Here is the TOKEN/);
    // The caption of success is not the failed step's title, and the success notes are gone.
    expect(card).not.toMatch(/<span class="step-label">Hey Client, The credentials provided are correct/);
    expect(card).not.toContain('Cache-Control: no-store: a response with tokens');
    expect(card).not.toContain('The Client must now forget your password');
    expect(page).not.toContain('not-his-password');
  });

  it('authorization code, consent denied: access_denied at the callback explained, the tutorial\'s "user allowed you" greyed', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    const authorizeUrl = await visitor.submit('/authorization-code', '/authorization-code/start', { scope: 'read' });
    const page = await visitor.throughAuthServer(authorizeUrl, BOB, 'deny');
    const card = stepCardOf(page, 'callback-with-code');
    expect(card).toContain('class="step-card is-failed"');
    expect(card).toContain('Refused: access_denied');
    expect(card).toContain('refused to let the client access their resources');
    expect(card).toContain('href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1"');
    expect(card).toMatch(/What the tutorial expected:<\/span> Hey Client, user allowed you to access his resources/);
    expect(card).not.toContain('The code alone is useless');
  });

  it('a success keeps its caption and notes, and decodes the token\'s times against the page\'s clock', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    const page = await visitor.act('/password', '/password/start', { username: ALICE.username, password: ALICE.password, scope: 'read' });
    const card = stepCardOf(page, 'token-response');
    expect(card).toContain('class="step-card is-done"');
    expect(card).toMatch(/<span class="step-label">Hey Client, The credentials provided are correct/);
    expect(card).toContain('The Client must now forget your password');
    expect(card).not.toContain('What the tutorial expected');
    expect(card).toMatch(/<tr data-claim="exp"><th scope="row"><code>exp<\/code><\/th><td><code>\d+<\/code> <time datetime="[^"]+Z">[^<]+Z<\/time> <span class="relative-time">\(in 10 min\)<\/span>/);
    expect(card).toMatch(/<tr data-claim="iat">.*\(now\)/);
    expect(card).toContain('expiration time: after this instant the token must be refused (RFC 7519 §4.1.4)');
    expect(card).toMatch(/<tr data-claim="jti">.*JWT ID/);
  });

  it('an expired token at the Resource Server: 401 invalid_token explained, the tutorial\'s "validated successfully" greyed', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    await visitor.act('/password', '/password/start', { username: ALICE.username, password: ALICE.password, scope: 'read' });
    demo.clock.advance(demo.accessTokenTtl + 1);
    const page = await visitor.act('/password', '/password/resources');
    const card = stepCardOf(page, 'resource-response');
    expect(card).toContain('class="step-card is-failed"');
    expect(card).toContain('401 Unauthorized');
    expect(card).toContain('Refused: invalid_token');
    expect(card).toContain('Get a new one: use the refresh token if the Client has one, otherwise run the grant again.');
    expect(card).toContain('href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1"');
    expect(card).toMatch(/What the tutorial expected:<\/span> Hey Client\. Your token is validated successfully\./);
    expect(card).not.toContain('The Resource Server verified the token locally');
  });

  it('a write without the scope: 403 insufficient_scope explained beside the exchange', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    await visitor.act('/client-credentials', '/client-credentials/token', { scope: 'read' });
    await visitor.act('/client-credentials', '/client-credentials/resources');
    const page = await visitor.act('/client-credentials', '/client-credentials/add', { title: 'x' });
    const extras = page.slice(page.indexOf('<section class="extras"'));
    expect(extras).toContain('403 Forbidden');
    expect(extras).toContain('error=insufficient_scope');
    expect(extras).toContain('Get a token with that scope');
  });
});
