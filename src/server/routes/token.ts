import type { FastifyInstance } from 'fastify';
import { handleTokenRequest, type TokenEndpointContext } from '../../grants/token-endpoint.js';
import { formBody } from '../form-body.js';

// fast-json-stringify for the hottest response of the server.
const tokenResponseSchema = {
  200: {
    type: 'object',
    properties: {
      access_token: { type: 'string' },
      token_type: { type: 'string' },
      expires_in: { type: 'integer' },
      scope: { type: 'string' },
      refresh_token: { type: 'string' },
      // OpenID Connect Core §3.1.3.3
      id_token: { type: 'string' },
    },
    required: ['access_token', 'token_type', 'expires_in'],
  },
};

export function tokenRoute(app: FastifyInstance, ctx: TokenEndpointContext): void {
  app.post('/token', { schema: { response: tokenResponseSchema } }, async (request, reply) => {
    const response = await handleTokenRequest(
      { authorization: request.headers.authorization, form: formBody(request), remoteAddress: request.ip ?? 'unknown', requestId: request.id }, ctx);
    // RFC 6749 §5.1: responses with tokens MUST carry Cache-Control: no-store.
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return response;
  });
}
