import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';
import { PlaygroundVisitor, stepCardOf } from '../../helpers/playground-visitor.js';

// Issue 15 §5: each place the tutorial contradicts an RFC is a visible callout on the step where it happens.
let demo: TestDemo;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

function callout(card: string): string {
  const start = card.indexOf('<aside class="tutorial-correction"');
  expect(start, 'the step has a callout').toBeGreaterThan(0);
  return card.slice(start, card.indexOf('</aside>', start));
}

describe('tutorial versus RFC callouts in the playground', () => {
  it('on the refresh page, before anything ran: 403 becomes 401 with WWW-Authenticate, said by the Resource Server', async () => {
    const page = await new PlaygroundVisitor(demo.urls).page('/refresh-token');
    const answer = stepCardOf(page, 'expired-response');
    expect(answer).toContain('The tutorial says otherwise here: see RFC 6750 §3.1');
    const box = callout(answer);
    expect(box).toContain('<strong>The tutorial says:</strong> The tutorial&#39;s Resource Server answers &quot;403 forbidden error&quot;');
    expect(box).toContain('<strong>RFC 6750 §3.1 says:</strong>');
    expect(box).toContain('HTTP 401 with WWW-Authenticate: Bearer error=&quot;invalid_token&quot;');
    expect(box).toContain('href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1"');
    expect(callout(stepCardOf(page, 'expired-request'))).toContain('The Resource Server is the one that refuses the token');
    expect(callout(stepCardOf(page, 'refresh-request'))).toContain('grant_type=refresh_token');
  });

  it('on a lit step too: the password grant\'s token request says grant_type=password beside the real request', async () => {
    const alice = DEMO_USERS[0]!;
    const page = await new PlaygroundVisitor(demo.urls).act('/password', '/password/start', { username: alice.username, password: alice.password, scope: 'read' });
    const request = stepCardOf(page, 'token-request');
    expect(request).toContain('class="step-card is-done"');
    expect(callout(request)).toContain('grant_type=password');
    expect(callout(request)).toContain('href="https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2"');
  });

  it('on the client credentials page: the token reads the client\'s own resources', async () => {
    const page = await new PlaygroundVisitor(demo.urls).page('/client-credentials');
    expect(callout(stepCardOf(page, 'token-request'))).toContain('grant_type=client_credentials');
    expect(callout(stepCardOf(page, 'token-response'))).toContain('the Resource Server answers with the client&#39;s own resources');
  });
});
