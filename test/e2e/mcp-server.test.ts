import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { MCP_REGISTRATIONS, runMcpOAuthFlow, startMcpWorld, type McpWorld } from '../helpers/mcp-flow.js';

/**
 * examples/mcp-server end to end with the official MCP SDK client (test/helpers/mcp-flow.ts says
 * every step), the user signing in and consenting in Chromium, which itself follows Tessera's
 * redirect to the client's loopback listener on its ephemeral port (RFC 8252 §7.3), as a desktop
 * MCP client's browser would.
 */

let world: McpWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startMcpWorld();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe.each(MCP_REGISTRATIONS)('the MCP SDK client, $name, signing in in Chromium', (registration) => {
  it('discovers Tessera from a 401, signs in with code + PKCE + resource, and calls a tool; another resource refuses the token', async () => {
    await runMcpOAuthFlow(world, registration, async (authorizationUrl, redirectUrl) => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(authorizationUrl.href);
        await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
        await page.getByLabel('Username').fill(world.user.username);
        await page.getByLabel('Password').fill(world.user.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        // The consent page names the client and the scope it asks for.
        await expect(page.getByText('mcp:tools').first().isVisible()).resolves.toBe(true);
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForURL((url) => url.href.startsWith(redirectUrl));
        await expect(page.getByText('You may close this window.').isVisible()).resolves.toBe(true);
      } finally {
        await context.close();
      }
    });
  });
});
