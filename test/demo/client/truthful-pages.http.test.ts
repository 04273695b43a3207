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
