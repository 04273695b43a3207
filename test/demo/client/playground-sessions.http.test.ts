import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../src/demo/demo-seed.js';
import { MAX_SESSIONS, PROTECTED_SECONDS } from '../../../src/demo/client/playground-sessions.js';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';
import { PlaygroundVisitor, stepCardOf } from '../../helpers/playground-visitor.js';

// Red team: any cookieless GET created a session, and at 1,000 the oldest were evicted, so a script
// of 1,000 GETs ended every visitor's flow. Now a page view stores nothing, and a session used in
// the last PROTECTED_SECONDS is never evicted: a flood of new sessions gets a 503 page instead.

let demo: TestDemo;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

async function inBatches(count: number, one: (index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, offset) => one(start + offset)));
  }
}

/** A new visitor: one cookieless GET, then one form POST with the cookie and CSRF token it got. */
async function newVisitorPost(client: string): Promise<Response> {
  const page = await fetch(new URL('/tokens', client));
  const cookie = /^(playground_session=[^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return fetch(new URL('/tokens/reset', client), {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(client).origin, cookie },
    body: new URLSearchParams({ csrf }),
  });
}

describe('the playground\'s sessions under a flood', () => {
  it('keeps a visitor\'s flow through cookieless GETs and through a flood of new sessions', async () => {
    const victim = new PlaygroundVisitor(demo.urls);
    const authorizeUrl = await victim.submit('/authorization-code', '/authorization-code/start', { scope: 'read' });

    // Twice the bound of cookieless page views: each gets a cookie and a page, none is stored.
    await inBatches(2 * MAX_SESSIONS, async () => {
      const response = await fetch(new URL('/authorization-code', demo.urls.client));
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toMatch(/^playground_session=/);
      await response.arrayBuffer();
    });
    const back = await victim.throughAuthServer(authorizeUrl, DEMO_USERS[0]!);
    expect(stepCardOf(back, 'callback-with-code')).toContain('class="step-card is-done"');

    // New sessions, each with a POST, past the bound: the last ones are turned away, nobody is evicted.
    const statuses: number[] = [];
    await inBatches(MAX_SESSIONS + 20, async () => {
      const response = await newVisitorPost(demo.urls.client);
      statuses.push(response.status);
      if (response.status === 503) {
        expect(response.headers.get('retry-after')).toBe('300');
        expect(await response.text()).toContain('The playground is full');
      }
    });
    expect(statuses.filter((status) => status === 303).length).toBe(MAX_SESSIONS - 1);
    expect(statuses.filter((status) => status === 503).length).toBe(21);
    const redeemed = await victim.act('/authorization-code', '/authorization-code/token');
    expect(stepCardOf(redeemed, 'token-response')).toContain('class="step-card is-done"');

    // Once the flood's sessions are no longer recent, a newcomer takes the place of the least recently used.
    demo.clock.advance(PROTECTED_SECONDS + 1);
    expect((await newVisitorPost(demo.urls.client)).status).toBe(303);
    const again = await victim.page('/authorization-code');
    expect(stepCardOf(again, 'token-response')).toContain('class="step-card is-done"');
  });
});
