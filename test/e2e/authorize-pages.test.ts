import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { discover, insecure } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
let as: oauth.AuthorizationServer;
let browser: Browser;
let callbackServer: Server;
let callback: string;

const ALICE = { username: 'alice', password: 'alice-password-e2e' };

beforeAll(async () => {
  // The client's redirect target: a page on 127.0.0.1, as a real client app would serve.
  callbackServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Client callback</title><h1>Back at the client</h1>');
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  callback = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
  server = await startServer({
    clients: [
      { client_id: 'web', client_name: 'Photo Printer', client_secret: 'web-secret', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [callback], scope: 'read write' },
      { client_id: 'spa', client_name: 'Gallery SPA', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: [callback], scope: 'read' },
      { client_id: 'legacy', client_name: 'Legacy Widget', token_endpoint_auth_method: 'none', grant_types: ['implicit'], redirect_uris: [callback], scope: 'read' },
    ],
    users: [ALICE],
  });
  as = await discover(server.issuer);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => callbackServer?.close(resolve));
});

async function signIn(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  await page.getByLabel('Username').fill(ALICE.username);
  await page.getByLabel('Password').fill(ALICE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function authorizeUrl(params: Record<string, string>): Promise<string> {
  const url = new URL(as.authorization_endpoint as string);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

async function codeFlowInBrowser(client: { client_id: string; client_secret?: string }, decision: 'Allow' | 'Deny', scope = 'read') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  await page.goto(await authorizeUrl({
    client_id: client.client_id, redirect_uri: callback, response_type: 'code', scope, state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }));
  await signIn(page);
  await page.getByRole('button', { name: decision }).click();
  await page.waitForURL((url) => url.href.startsWith(callback));
  const landed = new URL(page.url());
  await context.close();
  return { landed, verifier, state };
}

describe('the sign-in and consent pages in Chromium', () => {
  it('authorization code + PKCE for a confidential client', async () => {
    const { landed, verifier, state } = await codeFlowInBrowser({ client_id: 'web' }, 'Allow');
    const params = oauth.validateAuthResponse(as, { client_id: 'web' }, landed, state);
    const response = await oauth.authorizationCodeGrantRequest(as, { client_id: 'web' }, oauth.ClientSecretBasic('web-secret'), params, callback, verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, { client_id: 'web' }, response);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('authorization code + PKCE for a public client', async () => {
    const { landed, verifier, state } = await codeFlowInBrowser({ client_id: 'spa' }, 'Allow');
    const params = oauth.validateAuthResponse(as, { client_id: 'spa' }, landed, state);
    const response = await oauth.authorizationCodeGrantRequest(as, { client_id: 'spa' }, oauth.None(), params, callback, verifier, insecure);
    expect((await oauth.processAuthorizationCodeResponse(as, { client_id: 'spa' }, response)).access_token).toBeTruthy();
  });

  it('consent denied comes back as access_denied', async () => {
    // 'write' was never allowed before, so the consent page is shown.
    const { landed, state } = await codeFlowInBrowser({ client_id: 'web' }, 'Deny', 'write');
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('state')).toBe(state);
    expect(landed.searchParams.get('iss')).toBe(server.issuer);
  });

  it('implicit: the token arrives in the fragment', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(await authorizeUrl({ client_id: 'legacy', redirect_uri: callback, response_type: 'token', scope: 'read', state: 'imp-state' }));
    await signIn(page);
    await expect(page.getByRole('heading', { name: /Allow Legacy Widget/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('See your resources').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.href.startsWith(callback));
    const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('state')).toBe('imp-state');
    expect(fragment.get('access_token')).toMatch(/^ey/);
    expect(fragment.has('refresh_token')).toBe(false);
    await context.close();
  });

  it('a wrong password shows an error on the page and no redirect happens', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(await authorizeUrl({ client_id: 'web', redirect_uri: callback, response_type: 'code', scope: 'read' }));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('incorrect');
    expect(page.url().startsWith(server.issuer)).toBe(true);
    await context.close();
  });

  it('an unregistered redirect URI shows an error page in the browser', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(await authorizeUrl({ client_id: 'web', redirect_uri: 'http://127.0.0.1:1/evil', response_type: 'code' }));
    expect(response?.status()).toBe(400);
    await expect(page.getByRole('heading', { name: 'Invalid redirect URI' }).isVisible()).resolves.toBe(true);
    await context.close();
  });
});
