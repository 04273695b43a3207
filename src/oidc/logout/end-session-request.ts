import { isSelfService } from '../../core/audience.js';
import { buildRedirect } from '../../core/redirect-uri.js';
import type { PublicJwks } from '../../keys/key-ring.js';
import type { Client, ClientStore } from '../../store/types.js';
import { verifyIdTokenHint, type IdTokenHint } from '../id-token-hint.js';

/** The parameters of RP-Initiated Logout 1.0 §2, as sent (query of a GET, form body of a POST). */
export const END_SESSION_PARAMETERS = ['id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const;

/** A logout request that is well formed: what to end, and where the browser may go after. */
export interface EndSessionRequest {
  /** The verified id_token_hint; undefined when none was sent or it did not verify. */
  readonly hint: IdTokenHint | undefined;
  /** The client the request names (client_id, or the hint's audience); undefined when none. */
  readonly client: Client | undefined;
  /** The registered post_logout_redirect_uri with `state` appended; undefined: show a page instead. */
  readonly redirectTo: string | undefined;
  /** RP-Initiated Logout 1.0 §2 logout_hint, as sent (compared with the signed-in user). */
  readonly logoutHint: string | undefined;
  /** The request's parameters as sent, for the confirmation form to carry. */
  readonly params: Readonly<Record<string, string>>;
}

/** A logout request that cannot be honoured as sent: a page says so, and nothing redirects (§3). */
export class InvalidEndSessionRequest extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'InvalidEndSessionRequest';
  }
}

export interface EndSessionContext {
  readonly issuer: string;
  readonly clients: Pick<ClientStore, 'get'>;
  /** The published keys, which verify the id_token_hint. */
  readonly jwks: () => PublicJwks;
}

/** Parameter values are short strings; anything longer is not a parameter of ours. */
const MAX_PARAMETER_LENGTH = 8192;

/**
 * Whether the OP may send the browser to the client's registered post_logout_redirect_uri. §3:
 * "If the post_logout_redirect_uri value is supplied [without an id_token_hint], the OP MUST NOT
 * perform post-logout redirection unless the OP has other means of confirming the legitimacy of
 * the post-logout redirection target." A client an administrator registered (CLI, seed file, admin
 * API) is such a means: the operator vouched for its URIs. A self-registered client (RFC 7591
 * dynamic registration, a Client ID Metadata Document) is not: anyone may register any https URI,
 * and the end-session endpoint would be an open redirector. Its URIs are confirmed only by an ID
 * token this server issued to that very client (verified, so the RP really signed a user in here).
 */
function redirectionConfirmed(client: Client, hint: IdTokenHint | undefined): boolean {
  if (!isSelfService(client)) return true;
  return hint !== undefined && hint.audience.includes(client.clientId);
}

/**
 * Validates an end-session request (OpenID Connect RP-Initiated Logout 1.0 §2, §3). Errors never
 * echo the input, and never redirect: a post_logout_redirect_uri is used only when it exactly
 * matches one the client registered (§3: "MUST NOT perform post-logout redirection" otherwise), and,
 * for a self-registered client, only with an id_token_hint issued to it (redirectionConfirmed).
 */
export async function parseEndSessionRequest(query: URLSearchParams, ctx: EndSessionContext): Promise<EndSessionRequest> {
  const params: Record<string, string> = {};
  for (const name of END_SESSION_PARAMETERS) {
    const values = query.getAll(name);
    if (values.length > 1) throw new InvalidEndSessionRequest('A logout parameter was sent more than once.');
    const value = values[0];
    if (value === undefined || value === '') continue;
    if (value.length > MAX_PARAMETER_LENGTH) throw new InvalidEndSessionRequest('A logout parameter is too long.');
    params[name] = value;
  }

  // An id_token_hint that does not verify is ignored (the request is then not trusted, and the
  // user is asked), but any redirection it would have vouched for is off.
  const hintSent = params.id_token_hint !== undefined;
  const hint = hintSent ? await verifyIdTokenHint(params.id_token_hint as string, ctx.issuer, ctx.jwks()) : undefined;
  const hintRejected = hintSent && hint === undefined;

  let client: Client | undefined;
  if (params.client_id !== undefined) {
    client = await ctx.clients.get(params.client_id);
    if (!client) throw new InvalidEndSessionRequest('The application that sent you here is not registered.');
    // §2: "If both client_id and id_token_hint are present, the OP MUST verify that the Client
    // Identifier matches the one used when issuing the ID Token."
    if (hint && !hint.audience.includes(client.clientId)) {
      throw new InvalidEndSessionRequest('The logout request names an application the sign-in was not for.');
    }
  } else if (hint && hint.audience.length === 1) {
    client = await ctx.clients.get(hint.audience[0] as string);
  }

  let redirectTo: string | undefined;
  const requested = params.post_logout_redirect_uri;
  if (requested !== undefined) {
    // §3: the value MUST have been previously registered, and is compared exactly (as redirect URIs are).
    if (!client || !(client.postLogoutRedirectUris ?? []).includes(requested)) {
      throw new InvalidEndSessionRequest('The address to return to after logout is not registered for this application.');
    }
    if (!hintRejected && redirectionConfirmed(client, hint)) {
      redirectTo = params.state !== undefined ? buildRedirect(requested, { state: params.state }, 'query') : requested;
    }
  }
  return { hint, client, redirectTo, logoutHint: params.logout_hint, params };
}

/**
 * Whether the request may end the session without asking the user (§2: the OP SHOULD ask "whether
 * to log out of the OP as well" unless the request is known to come from the signed-in user's RP):
 * only with a verified id_token_hint for this user and, when it carries one, this session's sid,
 * and a logout_hint, if sent, naming this user.
 */
export function isTrustedFor(request: EndSessionRequest, session: { userId: string; sid: string; username: string }): boolean {
  const { hint } = request;
  if (!hint || hint.sub !== session.userId) return false;
  if (hint.sid !== null && hint.sid !== session.sid) return false;
  return request.logoutHint === undefined || request.logoutHint === session.username || request.logoutHint === session.userId;
}
