// An MCP server (official @modelcontextprotocol/sdk, Streamable HTTP transport) whose tools only
// answer callers holding a Tessera access token for it. The protection is the block marked
// "tessera/resource": RFC 9728 metadata so that MCP clients discover the authorization server, and
// bearer-token checks whose 401s point to that metadata.
//
//   npm run build                               # builds tessera/resource
//   chmod 600 examples/mcp-server/seed.json     # it holds a password: Tessera refuses a seed others can read
//   node dist/cli/main.js serve --seed examples/mcp-server/seed.json   # Tessera on 127.0.0.1:9000
//   node examples/mcp-server/server.mjs         # this server on 127.0.0.1:3001, resource http://127.0.0.1:3001/mcp
//
// Environment: TESSERA_ISSUER (default http://127.0.0.1:9000), MCP_PORT (3001), MCP_RESOURCE
// (default http://127.0.0.1:<port>/mcp: the RFC 8707 resource, the tokens' aud, this server's URL).
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { createBearerVerifier, protectedResourceMetadata, protectedResourceMetadataHandler, requireToken } from 'tessera/resource';

/** The MCP server itself: two tools. `extra.authInfo` is what the bearer check below verified. */
function mcpServer() {
  const server = new McpServer({ name: 'tessera-example', version: '1.0.0' });
  server.registerTool('whoami', { description: 'The subject, client and scope of the access token' }, async (extra) => {
    const auth = extra.authInfo;
    const who = { sub: auth?.extra?.sub, client_id: auth?.clientId, scope: auth?.scopes.join(' ') };
    return { content: [{ type: 'text', text: JSON.stringify(who) }], structuredContent: who };
  });
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => (
    { content: [{ type: 'text', text: String(a + b) }] }
  ));
  return server;
}

/** Streamable HTTP, stateless: one McpServer and transport per POST, JSON responses. */
async function handleMcp(request, response) {
  if (request.method !== 'POST') {
    // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
    response.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const server = mcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  response.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response);
}

/**
 * A node:http request listener serving the MCP endpoint at `resource`'s path, protected by the
 * tokens `issuer` issues for `resource`.
 *
 * @param {{ issuer: string, resource: string }} options
 * @returns {(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => void}
 */
export function mcpRequestListener({ issuer, resource }) {
  // --- tessera/resource: the whole protection ---------------------------------------------------
  const metadata = protectedResourceMetadata({
    resource, authorizationServers: [issuer], scopesSupported: ['mcp:tools'], resourceName: 'Tessera example MCP server',
  });
  const verifier = createBearerVerifier({ issuer, audience: resource, resourceMetadata: metadata.url });
  const serveMetadata = protectedResourceMetadataHandler(metadata); // GET /.well-known/oauth-protected-resource/mcp
  const requireTools = requireToken(verifier, ['mcp:tools']); // 401 + resource_metadata, 403 insufficient_scope
  // -----------------------------------------------------------------------------------------------
  const mcpPath = new URL(resource).pathname;
  return (request, response) => serveMetadata(request, response, () => {
    if ((request.url ?? '').split('?')[0] !== mcpPath) {
      response.writeHead(404).end();
      return;
    }
    requireTools(request, response, (error) => {
      if (error !== undefined) {
        response.writeHead(500).end();
        return;
      }
      // The SDK hands `request.auth` to the tools as `extra.authInfo`.
      const claims = request.accessToken;
      request.auth = {
        token: (request.headers.authorization ?? '').replace(/^Bearer +/i, '').trim(),
        clientId: claims.clientId,
        scopes: [...claims.scopes],
        expiresAt: claims.expiresAt,
        resource: new URL(resource),
        extra: { sub: claims.subject },
      };
      handleMcp(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.MCP_PORT ?? 3001);
  const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:9000';
  const resource = process.env.MCP_RESOURCE ?? `http://127.0.0.1:${port}/mcp`;
  createServer(mcpRequestListener({ issuer, resource })).listen(port, '127.0.0.1', () => {
    console.log(`MCP server ${resource} (tokens from ${issuer})`);
  });
}
