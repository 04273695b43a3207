import type { FastifyInstance, FastifyRequest } from 'fastify';
import { presentedClient, type ClientAuthenticator } from '../../core/client-auth.js';
import { singleValuedParams } from '../../core/form-params.js';
import { introspectToken, requireConfidential, requireTokenParam, revokeToken, type TokenStateDependencies } from '../../core/token-state.js';
import type { Clock } from '../../core/clock.js';
import type { AuditLog } from '../../core/audit.js';
import type { Client } from '../../store/types.js';
import { formBody } from '../form-body.js';

export interface TokenStateRouteDependencies extends TokenStateDependencies {
  readonly clients: ClientAuthenticator;
  readonly clock: Clock;
  readonly audit?: AuditLog;
}

async function authenticatedRequest(request: FastifyRequest, ctx: TokenStateRouteDependencies, endpoint: 'introspection' | 'revocation'): Promise<{ client: Client; token: string }> {
  const address = request.ip ?? 'unknown';
  const { params } = singleValuedParams(formBody(request));
  const client = await ctx.clients.authenticate(presentedClient(request.headers.authorization, params), address, request.id);
  // RFC 7009 §2.1 authenticates confidential clients and identifies public ones: a public client
  // may revoke its own tokens (at sign-out). Introspection stays for confidential clients (RFC 7662 §2.1).
  if (endpoint === 'introspection') requireConfidential(client, endpoint);
  return { client, token: requireTokenParam(params) };
}

/** RFC 7662 token introspection and RFC 7009 token revocation. */
export function introspectRevokeRoutes(app: FastifyInstance, ctx: TokenStateRouteDependencies): void {
  app.post('/introspect', async (request, reply) => {
    const { client, token } = await authenticatedRequest(request, ctx, 'introspection');
    void reply.header('cache-control', 'no-store');
    return introspectToken(token, client, ctx, ctx.clock.nowSeconds());
  });

  app.post('/revoke', async (request, reply) => {
    const { client, token } = await authenticatedRequest(request, ctx, 'revocation');
    await revokeToken(token, client, ctx, ctx.clock.nowSeconds(), ctx.audit, { address: request.ip ?? 'unknown', requestId: request.id });
    // RFC 7009 §2.2: 200 whether or not the token was valid.
    return reply.header('cache-control', 'no-store').code(200).send();
  });
}
