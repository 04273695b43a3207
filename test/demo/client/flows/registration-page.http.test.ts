import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK } from '../../../../src/demo/client/exchange/masking.js';
import { METADATA_DOCUMENT_PATH } from '../../../../src/demo/client/flows/registration-content.js';
import { DEMO_USERS } from '../../../../src/demo/demo-seed.js';
import { startTestDemo, type TestDemo } from '../../../helpers/demo.js';
import { PlaygroundVisitor } from '../../../helpers/playground-forms.js';
import { authorizeAs, UserAgent } from '../../../helpers/user-agent.js';

// The registration page against the real demo servers: a client registered over HTTP (RFC 7591),
// read back and deleted (RFC 7592), the credentials masked on the page and in its curl lines; and
// what the page says of the playground's metadata document, checked against what the Auth Server does.

function decoded(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('the registration page, on the demo as `tessera demo` starts it', () => {
  let demo: TestDemo;
  beforeAll(async () => { demo = await startTestDemo(); });
  afterAll(async () => { await demo?.close(); });

  it('registers a client for real, shows the answer with its credentials masked, reads it back and deletes it', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    const first = await visitor.get('/registration');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`${demo.urls.authorizationServer}/register`);
    expect(first.text).toContain('aria-current="page">Registration');

    const registered = await visitor.post('/registration', '/registration/register', { client_name: 'Test "Printer" <b>' });
    const page = decoded(registered.text);
    expect(page).toContain('201 Created');
    expect(page).toContain('Register "Test "Printer" <b>" (POST /register)');
    expect(registered.text).not.toContain('<b>"');
    const clientId = /Registered last: <code>([^<]+)<\/code>/.exec(registered.text)?.[1];
    expect(clientId).toBeDefined();
    const stored = await demo.store.clients.get(clientId!);
    expect(stored?.clientName).toBe('Test "Printer" <b>');
    // The answer's credentials: masked in the page, in the raw view and out of the curl line.
    expect(page).toContain(`"client_secret": "${MASK}"`);
    expect(page).toContain(`"registration_access_token": "${MASK}"`);
    expect(page).not.toMatch(/"client_secret": "(?!•)/);
    expect(page).toContain('curl -i');

    const read = decoded((await visitor.post('/registration', '/registration/read')).text);
    expect(read).toContain(`GET /register/${clientId!}`);
    expect(read).toContain('200 OK');
    expect(read).toContain(`Authorization: Bearer ${MASK}`);
    expect(read).toContain(`-H 'Authorization: Bearer '"$BEARER_TOKEN"`);
    // The registration access token itself is nowhere in the page: not in the raw view, not in a title attribute.
    expect(read).not.toMatch(/Bearer (?!•|"\$)[A-Za-z0-9_-]{20,}/);

    const deleted = decoded((await visitor.post('/registration', '/registration/delete')).text);
    expect(deleted).toContain('204 No Content');
    expect(await demo.store.clients.get(clientId!)).toBeUndefined();
    const again = decoded((await visitor.post('/registration', '/registration/read')).text);
    expect(again).toContain('401 Unauthorized');
    expect(again).toContain('Read the deleted registration');
  });

  it('says the metadata document is not accepted here, and the Auth Server indeed refuses it without fetching it', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    const page = await visitor.get('/registration');
    expect(page.text).toContain('does not accept metadata documents now');
    expect(page.text).toContain('<span data-document-fetches>0</span>');
    const document = await fetch(`${demo.urls.client}${METADATA_DOCUMENT_PATH}`).then((response) => response.json() as Promise<Record<string, unknown>>);
    expect(document.client_id).toBe(`${demo.urls.client}${METADATA_DOCUMENT_PATH}`);
    const metadata = await fetch(`${demo.urls.authorizationServer}/.well-known/oauth-authorization-server`).then((response) => response.json() as Promise<Record<string, unknown>>);
    expect(metadata.client_id_metadata_document_supported).toBeUndefined();

    const probed = decoded((await visitor.post('/registration', '/registration/probe-document')).text);
    expect(probed).toContain('400 Bad Request');
    expect(probed).toContain('It did not fetch the document');
    // One fetch: the test's own, above; the Auth Server made none.
    expect(probed).toContain('<span data-document-fetches>1</span>');
  });
});

describe('the registration page, with --client-id-metadata-documents on --cimd-allow-private-hosts', () => {
  let demo: TestDemo;
  beforeAll(async () => { demo = await startTestDemo({ clientIdMetadataDocuments: 'on', cimdAllowPrivateHosts: 'true' }); });
  afterAll(async () => { await demo?.close(); });

  it('says the document is accepted, and the Auth Server fetches it and takes the client_id', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    const page = await visitor.get('/registration');
    expect(page.text).toContain('This Auth Server accepts metadata documents');
    const probed = decoded((await visitor.post('/registration', '/registration/probe-document')).text);
    expect(probed).toMatch(/(200|302|303): the Auth Server accepted the client_id: it fetched the document just now/);
    expect(probed).toContain('<span data-document-fetches>1</span>');
  });

  it('signs in for real with the metadata document as the client: a public client whose client_id is the URL', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    expect((await visitor.get('/registration')).text).toContain('Sign in with the metadata-document client');
    const start = await visitor.submit('/registration', '/registration/document-sign-in');
    const authorizeUrl = new URL(start.headers.get('location') ?? '');
    const documentUrl = `${demo.urls.client}${METADATA_DOCUMENT_PATH}`;
    expect(authorizeUrl.searchParams.get('client_id')).toBe(documentUrl);
    const agent = new UserAgent(demo.urls.authorizationServer);
    const callback = await authorizeAs(agent, `${authorizeUrl.pathname}${authorizeUrl.search}`, DEMO_USERS[0]!);
    expect(callback.href.startsWith(`${demo.urls.client}/registration/callback?`)).toBe(true);
    expect((await visitor.get(`${callback.pathname}${callback.search}`)).status).toBe(303);
    const page = decoded((await visitor.get('/registration')).text);
    expect(page).toContain('The code redeemed by the metadata-document client (POST /token)');
    expect(page).toContain('200 OK');
    expect(page).toContain(`"client_id": "${documentUrl}"`);
  });
});

describe('the registration page, with --dynamic-registration off', () => {
  let demo: TestDemo;
  beforeAll(async () => { demo = await startTestDemo({ dynamicRegistration: 'off' }); });
  afterAll(async () => { await demo?.close(); });

  it('says registration is off, offers no Register button, and the Auth Server indeed has no /register', async () => {
    const visitor = new PlaygroundVisitor(demo.urls.client);
    const page = await visitor.get('/registration');
    expect(page.text).toContain('names no <code>registration_endpoint</code>: dynamic registration is off');
    expect(page.text).not.toContain('action="/registration/register"');
    const register = await fetch(`${demo.urls.authorizationServer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(register.status).toBe(404);
  });
});
