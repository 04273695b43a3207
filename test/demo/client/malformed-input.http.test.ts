import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDemo, type TestDemo } from '../../helpers/demo.js';

// No playground route answers 500 to malformed input: every form of every page posted with odd
// values and a malformed Basic header, every callback visited with broken escapes, before and while
// a flow is pending. A 500 here is a bug (docs/DESIGN.md, Conventions 1).

let demo: TestDemo;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

const PAGES = ['/', '/authorization-code', '/implicit', '/password', '/client-credentials', '/refresh-token', '/openid-connect', '/break-it', '/registration', '/tokens'];
const CALLBACKS = ['/authorization-code/callback', '/openid-connect/callback', '/openid-connect/logged-out', '/refresh-token/callback', '/registration/callback', '/break-it/callback', '/implicit/callback'];
const BROKEN_QUERY = 'code=%zz&state=%E0%A4%A&iss=http://[&error=%zz&error_description=%ff%fe<b>x</b>&session_state=%';
const ODD_FIELDS = {
  pick: 'paste', token: `%zz.${'A'.repeat(5000)}.%`, client: 'no-such-client', client_name: '%zz'.repeat(40),
  scope: '%zz \u0000 write', username: '%zz', password: '%', resource: 'http://[', experiment: '../../etc',
};
const BAD_BASIC = `Basic ${Buffer.from('%zz:%E0%A4%A').toString('base64')}`;

class Visitor {
  private cookie = '';
  constructor(private readonly origin: string) {}
  async request(path: string, init: RequestInit = {}): Promise<{ status: number; text: string; path: string }> {
    const response = await fetch(new URL(path, this.origin), {
      ...init, redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), ...(this.cookie ? { cookie: this.cookie } : {}), authorization: BAD_BASIC },
    });
    const set = /^(playground_session=[^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    if (set) this.cookie = set;
    return { status: response.status, text: await response.text(), path };
  }
}

describe('the playground under malformed input', () => {
  it('answers every page, form and callback without a 500', { timeout: 120_000 }, async () => {
    const visitor = new Visitor(demo.urls.client);
    const answers: { status: number; path: string }[] = [];
    for (const page of PAGES) {
      const shown = await visitor.request(`${page}?${BROKEN_QUERY}`);
      answers.push(shown);
      const csrf = /name="csrf" value="([^"]+)"/.exec(shown.text)?.[1] ?? '';
      const actions = [...new Set([...shown.text.matchAll(/<form[^>]* action="(\/[^"]*)"/g)].map((match) => match[1]!))];
      for (const action of actions) {
        answers.push(await visitor.request(action, {
          method: 'POST', body: new URLSearchParams({ csrf, ...ODD_FIELDS }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: demo.urls.client },
        }));
        // Each action may have left a flow pending: its callback, visited with broken values.
        for (const callback of CALLBACKS) answers.push(await visitor.request(`${callback}?${BROKEN_QUERY}`));
      }
      answers.push(await visitor.request(page, { method: 'POST', body: '{"csrf":', headers: { 'content-type': 'application/json' } }));
    }
    answers.push(await visitor.request('/openid-connect/backchannel-logout', {
      method: 'POST', body: new URLSearchParams({ logout_token: '%zz.%zz.%zz' }), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }));
    expect(answers.length).toBeGreaterThan(100);
    expect(answers.filter((answer) => answer.status >= 500).map((answer) => `${answer.status} ${answer.path}`)).toEqual([]);
  });
});
