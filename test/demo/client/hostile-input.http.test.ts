import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_CLIENTS } from '../../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';
import { PlaygroundVisitor as FormVisitor } from '../../helpers/playground-forms.js';
import { PlaygroundVisitor, stepCardOf } from '../../helpers/playground-visitor.js';

// What the red team sent the playground: crafted tokens, forged callbacks and malformed headers.
// Each is answered with a page or an RFC-shaped error, never a 500, and nothing an attacker wrote is
// shown as if the Auth Server had said it.

let demo: TestDemo;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

function tokenWith(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'at+jwt' })}.${part(payload)}.c2lnbmF0dXJl`;
}

const LURE = 'Your account is locked. Call +1 555 0100 to unlock it';

describe('the playground under hostile input', () => {
  it('revokes and introspects a pasted JWT whose exp no date can hold, showing the raw number', async () => {
    const visitor = new FormVisitor(demo.urls.client);
    // Meant for the demo Resource Server (its aud), so the revoke also calls it and dates the token's exp.
    const token = tokenWith({ sub: 'mallory', exp: 1e20, iat: -1e20, aud: demo.urls.resourceServer, client_id: PLAYGROUND_CLIENTS.clientCredentials.clientId });
    const revoked = await visitor.post('/tokens', '/tokens/revoke', { pick: 'paste', token, client: PLAYGROUND_CLIENTS.clientCredentials.clientId });
    expect(revoked.status).toBe(200);
    expect(revoked.text).toContain('Call the Resource Server with the revoked access token');
    const introspected = await visitor.post('/tokens', '/tokens/introspect', { pick: 'paste', token, client: PLAYGROUND_CLIENTS.clientCredentials.clientId });
    expect(introspected.status).toBe(200);
  });

  it('answers a back-channel logout with a malformed Basic header with 400, not 500', async () => {
    const response = await fetch(new URL('/openid-connect/backchannel-logout', demo.urls.client), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('%zz:secret').toString('base64')}` },
      body: new URLSearchParams({ logout_token: tokenWith({ sub: 'x' }) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request' });
  });

  const callbacks = [
    { page: '/authorization-code', start: '/authorization-code/start', callback: '/authorization-code/callback', step: 'callback-with-code' },
    { page: '/openid-connect', start: '/openid-connect/start', callback: '/openid-connect/callback', step: 'callback-with-code' },
  ];
  for (const flow of callbacks) {
    it(`shows only the Client's reason when a forged callback with an error reaches ${flow.callback}`, async () => {
      const visitor = new PlaygroundVisitor(demo.urls);
      await visitor.submit(flow.page, flow.start, { scope: 'read' });
      for (const state of [undefined, 'not-the-state']) {
        const query = new URLSearchParams({ error: 'access_denied', error_description: LURE, ...(state ? { state } : {}) });
        const back = await visitor.client.request(`${flow.callback}?${query}`);
        expect(back.status).toBe(303);
        const page = await visitor.page(flow.page);
        const card = stepCardOf(page, flow.step);
        expect(card).toContain('class="step-card is-failed"');
        expect(card).toContain('The Client did not accept this callback');
        expect(card).toContain('Unverified, not from the Auth Server');
        expect(card).not.toContain('Refused: access_denied');
        expect(card).not.toContain('error=access_denied</code>');
        // The lure is only in the raw record of what arrived, never in the headline or the outcome.
        expect(card.slice(0, card.indexOf('</summary>'))).not.toContain('Your account is locked');
        expect(/<section class="step-outcome[\s\S]*?<\/section>/.exec(card)?.[0]).not.toContain('Your account is locked');
        expect(page.slice(0, page.indexOf('<section class="steps"'))).not.toContain('Your account is locked');
        await visitor.submit(flow.page, flow.start, { scope: 'read' });
      }
    });
  }

  it('shows only the Client\'s reason for a forged callback on the refresh page (the registration and Break it pages share callbackProblem)', async () => {
    const visitor = new PlaygroundVisitor(demo.urls);
    await visitor.submit('/refresh-token', '/refresh-token/login');
    const query = new URLSearchParams({ error: 'access_denied', error_description: LURE, state: 'forged' });
    expect((await visitor.client.request(`/refresh-token/callback?${query}`)).status).toBe(303);
    const page = await visitor.page('/refresh-token');
    expect(page).toContain('The Client did not accept this callback');
    expect(page).not.toContain('Your account is locked');
    expect(page).not.toContain('answered access_denied');
  });

  it('tells a visitor without a session that a stray callback is not theirs, storing nothing', async () => {
    for (const [path, words] of [['/authorization-code', 'does not belong to a flow started here'], ['/openid-connect', 'does not belong to a sign-in started here']] as const) {
      const stray = await fetch(new URL(`${path}/callback?code=x&state=y`, demo.urls.client), { redirect: 'manual' });
      expect(stray.status).toBe(303);
      const location = stray.headers.get('location') ?? '';
      expect(location).toBe(`${path}?callback=foreign#run`);
      const page = await fetch(new URL(location, demo.urls.client));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(words);
    }
  });
});
