import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidBearerRequest } from '../../core/errors.js';
import { USERINFO_PATH, userInfoClaims, type UserInfoDependencies } from '../../oidc/userinfo.js';

/**
 * The bearer token of a UserInfo request (RFC 6750 §2.1 Authorization header, §2.2 form body of
 * a POST), undefined when none. §2: a client MUST NOT use more than one method: invalid_request.
 * The query parameter (§2.3) is not offered: URLs end up in logs.
 */
function bearerToken(request: FastifyRequest, realm: string): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  const fromHeader = match?.[1];
  const body = request.body instanceof URLSearchParams ? request.body.getAll('access_token') : [];
  if (body.length > 1 || (body.length === 1 && header !== undefined)) throw new InvalidBearerRequest(realm, 'Send the access token once, in the Authorization header or the form body.');
  if (header !== undefined && fromHeader === undefined) {
    // RFC 6750 §3.1: a malformed Authorization header is invalid_request; another scheme is no Bearer token.
    if (/^Bearer\b/i.test(header)) throw new InvalidBearerRequest(realm, 'The Authorization header is not a valid Bearer credential.');
    return undefined;
  }
  return fromHeader ?? body[0];
}

/** OpenID Connect Core §5.3: GET and POST (§5.3.1: the OP MUST support both). */
export function userInfoRoutes(app: FastifyInstance, deps: UserInfoDependencies): void {
  const realm = deps.issuer;
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    // Core §5.3.2 / RFC 6750 §4: claims about a person are never cached.
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const token = bearerToken(request, realm);
    if (token === undefined) {
      // RFC 6750 §3.1: a request without credentials gets the challenge and no error code.
      return reply.code(401).header('www-authenticate', `Bearer realm="${realm}"`).send();
    }
    return userInfoClaims(token, deps);
  };
  app.get(USERINFO_PATH, handle);
  app.post(USERINFO_PATH, handle);
  // CORS (browser apps call it with the token in a header): server/cors.ts, as for the token endpoint.
}
