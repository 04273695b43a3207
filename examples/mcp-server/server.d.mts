import type { IncomingMessage, ServerResponse } from 'node:http';

/** Types of server.mjs, for the TypeScript test that drives it (test/examples/mcp-server.http.test.ts). */
export declare function mcpRequestListener(options: { issuer: string; resource: string }): (request: IncomingMessage, response: ServerResponse) => void;
