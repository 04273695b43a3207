import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_REGISTRATIONS, runMcpOAuthFlow, startMcpWorld, type McpWorld } from '../helpers/mcp-flow.js';
import { authorizeAs, UserAgent } from '../helpers/user-agent.js';

/**
 * examples/mcp-server end to end with the official MCP SDK client (test/helpers/mcp-flow.ts says
 * every step); the user signs in and consents over HTTP with UserAgent, which then delivers the
 * redirect to the client's loopback listener as a browser would. test/e2e/mcp-server.test.ts does
 * the same in Chromium.
 */

let world: McpWorld;
beforeAll(async () => { world = await startMcpWorld(); });
afterAll(async () => world?.close());

describe.each(MCP_REGISTRATIONS)('the MCP SDK client, $name', (registration) => {
  it('discovers Tessera from a 401, signs in with code + PKCE + resource, and calls a tool; another resource refuses the token', async () => {
    await runMcpOAuthFlow(world, registration, async (authorizationUrl, redirectUrl) => {
      const redirect = await authorizeAs(new UserAgent(world.tessera.issuer), authorizationUrl.href, world.user);
      expect(redirect.origin + redirect.pathname).toBe(redirectUrl);
      expect((await fetch(redirect)).status).toBe(200);
    });
  });
});
