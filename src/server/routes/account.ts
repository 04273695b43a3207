import type { FastifyInstance } from 'fastify';
import type { AuthorizationInteraction } from '../../interaction/authorization-decision.js';
import { checkCsrf } from '../csrf.js';
import { pageFormBody } from '../form-body.js';
import { setPageHeaders } from '../security-headers.js';
import type { Sessions } from '../session.js';
import { accountPage } from '../views/account-page.js';

export interface AccountRouteDependencies {
  readonly issuer: string;
  readonly sessions: Sessions;
  readonly interaction: AuthorizationInteraction;
}

/**
 * The signed-in user's page at the server: the applications they allowed, each with a button
 * that withdraws the consent and revokes that application's tokens for them (RFC 6749 §10.2 asks
 * that users stay in control of what they delegated).
 */
export function accountRoutes(app: FastifyInstance, deps: AccountRouteDependencies): void {
  const { sessions, interaction, issuer } = deps;

  app.get('/account', async (request, reply) => {
    const session = await sessions.loadOrStart(request, reply);
    const user = await interaction.signedInUser(session.userId);
    if (!user) return reply.redirect('/login', 303);
    setPageHeaders(reply);
    const withdrawn = typeof (request.query as Record<string, unknown>).withdrawn === 'string';
    return reply.send(accountPage({ csrfToken: session.csrfToken, username: user.username, applications: await interaction.consentsOf(user.id), withdrawn }));
  });

  app.post('/account/withdraw', async (request, reply) => {
    const form = pageFormBody(request);
    const session = await sessions.load(request);
    checkCsrf(request, session, form.get('csrf_token') ?? undefined, issuer);
    const user = await interaction.signedInUser(session?.userId ?? null);
    if (!user) return reply.redirect('/login', 303);
    const clientId = form.get('client_id') ?? '';
    await interaction.withdrawConsent(user.id, clientId, { address: request.ip ?? 'unknown', requestId: request.id });
    // Post/redirect/get: a reload does not post again.
    return reply.redirect('/account?withdrawn=1', 303);
  });
}
