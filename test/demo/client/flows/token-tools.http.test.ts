import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, PLAYGROUND_CLIENTS } from '../../../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../../../helpers/demo.js';
import { PlaygroundVisitor } from '../../../helpers/playground-forms.js';
import { authorizeAs, UserAgent } from '../../../helpers/user-agent.js';

// The tokens page against the real demo servers: a token the Client Credentials flow obtained in
// this session, introspected and revoked as its client, inactive afterwards at the Auth Server, and
// still accepted by the demo Resource Server, which verifies JWTs locally (as the page says).

function decoded(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The exchanges' cards of a page, in order: their titles and chips. */
function cards(text: string): string[] {
  return [...text.matchAll(/<span class="step-label">([^<]+)<\/span><\/span>(?:<span class="chip status [^"]+">([^<]+)<\/span>)?/g)].map((match) => `${decoded(match[1] ?? '')} → ${match[2] ?? ''}`);
}

let demo: TestDemo;
beforeAll(async () => { demo = await startTestDemo(); });
afterAll(async () => { await demo?.close(); });

describe('the tokens page', () => {
  it('lists the token a flow obtained, introspects it, revokes it, and tells who still accepts it', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    expect((await visitor.get('/tokens')).text).toContain('No flow has obtained a token in this browser session yet');
    await visitor.post('/client-credentials', '/client-credentials/token', { scope: 'read' });
    const listed = await visitor.get('/tokens');
    expect(listed.text).toContain(`<strong>access_token</strong> of <code>${PLAYGROUND_CLIENTS.clientCredentials.clientId}</code>`);
    expect(listed.text).toMatch(/name="pick" value="0" checked/);

    const introspected = decoded((await visitor.post('/tokens', '/tokens/introspect', { pick: '0' })).text);
    expect(cards(introspected)).toEqual([`Introspect as ${PLAYGROUND_CLIENTS.clientCredentials.clientId} (POST /introspect): active: true → 200 OK`]);
    expect(introspected).toContain('"active": true');
    expect(introspected).toContain(`"client_id": "${PLAYGROUND_CLIENTS.clientCredentials.clientId}"`);
    expect(introspected).not.toContain(PLAYGROUND_CLIENTS.clientCredentials.clientSecret);
    expect(introspected).toContain(`-u ${PLAYGROUND_CLIENTS.clientCredentials.clientId}:"$CLIENT_SECRET"`);

    const revoked = decoded((await visitor.post('/tokens', '/tokens/revoke', { pick: '0' })).text);
    expect(cards(revoked).slice(1)).toEqual([
      `Revoke as ${PLAYGROUND_CLIENTS.clientCredentials.clientId} (POST /revoke) → 200 OK`,
      'Introspect again, after the revocation: active: false → 200 OK',
      'Call the Resource Server with the revoked access token → 200 OK',
    ]);
    expect(revoked).toContain('"active": false');
    expect(revoked).toContain('200 OK: the demo Resource Server still accepts the revoked token');
    expect(revoked).toContain('<strong>revoked here</strong>');
    expect(revoked).not.toContain(PLAYGROUND_CLIENTS.clientCredentials.clientSecret);
  });

  it('answers a pasted token of another client with active false, as RFC 7662 §4 lets the server decide', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    await visitor.post('/client-credentials', '/client-credentials/token', { scope: 'read' });
    const token = /<code title="([^"]+)">/.exec((await visitor.get('/tokens')).text)?.[1];
    expect(token).toBeDefined();
    const other = new PlaygroundVisitor(demo.urls.client);
    const asOther = decoded((await other.post('/tokens', '/tokens/introspect', { pick: 'paste', token: token!, client: PLAYGROUND_CLIENTS.password.clientId })).text);
    expect(asOther).toContain(`Introspect as ${PLAYGROUND_CLIENTS.password.clientId}`);
    expect(asOther).toContain('"active": false');
    const asOwner = decoded((await other.post('/tokens', '/tokens/introspect', { pick: 'paste', token: token!, client: PLAYGROUND_CLIENTS.clientCredentials.clientId })).text);
    expect(asOwner).toContain('"active": true');
  });

  it('revokes a refresh token, and the access token of its grant is inactive too, though nobody revoked it', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    const login = await visitor.submit('/refresh-token', '/refresh-token/login');
    const authorizeUrl = login.headers.get('location') ?? '';
    expect(authorizeUrl.startsWith(demo.urls.authorizationServer)).toBe(true);
    const callback = await authorizeAs(new UserAgent(demo.urls.authorizationServer), authorizeUrl, DEMO_USERS[0]!);
    expect((await visitor.get(`${callback.pathname}${callback.search}`)).status).toBe(303);
    const listed = await visitor.get('/tokens');
    const refreshIndex = /name="pick" value="(\d+)"(?: checked)?> <span><strong>refresh_token<\/strong>/.exec(listed.text)?.[1];
    expect(refreshIndex).toBeDefined();

    const revoked = decoded((await visitor.post('/tokens', '/tokens/revoke', { pick: refreshIndex! })).text);
    expect(cards(revoked)).toEqual([
      `Revoke as ${PLAYGROUND_CLIENTS.refreshToken.clientId} (POST /revoke) → 200 OK`,
      'Introspect again, after the revocation: active: false → 200 OK',
      'Introspect the access token issued with that refresh token: active: false → 200 OK',
    ]);
    expect(revoked).toContain('revoking the refresh token ended the whole grant');
    expect(revoked).toContain('"active": false: revoked, expired, unknown');
    expect(revoked).not.toContain('"active": true');
  });

  it('refuses a form without a token or with a client it does not have, with a message and no exchange', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    const empty = await visitor.post('/tokens', '/tokens/introspect', { pick: 'paste', token: '', client: PLAYGROUND_CLIENTS.password.clientId });
    expect(empty.text).toContain('Paste one token');
    const unknown = await visitor.post('/tokens', '/tokens/introspect', { pick: 'paste', token: 'abc', client: 'playground-spa' });
    expect(unknown.text).toContain('Choose the client to authenticate as.');
    expect(cards(unknown.text)).toEqual([]);
  });
});
