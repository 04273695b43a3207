import { InvalidRequest } from '../core/errors.js';
import { parseCodeChallenge } from '../core/pkce.js';
import { generateOpaqueToken, newFamilyId, TOKEN_PREFIX } from '../core/tokens.js';
import type { GrantContext } from '../grants/types.js';
import { defineResponseType } from './types.js';
import { isPublicClient } from '../store/types.js';

interface CodeParams {
  /** RFC 7636 S256 challenge, or undefined when none was sent (and none is required). */
  codeChallenge: string | undefined;
}

/** response_type=code (RFC 6749 §4.1.2): a short-lived, single-use code bound to the whole request. */
export const codeResponseType = defineResponseType<CodeParams>({
  responseType: 'code',
  responseMode: 'query',
  grantType: 'authorization_code',
  parse(params, client, settings) {
    const codeChallenge = parseCodeChallenge(params.code_challenge, params.code_challenge_method);
    // RFC 9700 §2.1.1: public clients MUST use PKCE; a server may require it of every client.
    // RFC 8252 §8.1/§8.5: native apps too, whose secret (if any) is shipped in the app.
    const required = settings.pkceRequired === 'all' || isPublicClient(client) || client.applicationType === 'native';
    if (required && codeChallenge === undefined) {
      throw new InvalidRequest('code_challenge (PKCE, S256) is required for this client (RFC 7636, RFC 9700 section 2.1.1).');
    }
    return { codeChallenge };
  },
  async respond(request, params, grant, ctx: Pick<GrantContext, 'codes' | 'clock' | 'random' | 'settings' | 'hashing' | 'openIdGrants'>) {
    const code = generateOpaqueToken(TOKEN_PREFIX.authorizationCode, ctx.random);
    const now = ctx.clock.nowSeconds();
    const familyId = newFamilyId(now, ctx.random);
    if (request.openid) {
      // Saved before the code: a code of an OpenID request always finds what its ID token needs,
      // the nonce bound to it among them (Core §3.1.3.3). Until the code expires; the exchange
      // extends it when it issues a refresh token.
      const authentication = grant.authentication ?? { authTime: now, sid: null, amr: [] };
      await ctx.openIdGrants.save({
        familyId, clientId: request.client.clientId, userId: grant.userId, nonce: request.openid.nonce ?? null,
        authTime: authentication.authTime, sid: authentication.sid, amr: authentication.amr,
        claimsRequest: request.openid.claims ? { ...request.openid.claims } : null,
        expiresAt: now + ctx.settings.codeTtl,
      });
      // Back-Channel Logout 1.0 §2.6: the RPs of a session are notified when it ends. Kept as long
      // as the session can live (it started at auth_time), whatever becomes of the code.
      if (authentication.sid !== null) {
        await ctx.openIdGrants.joinSession({
          sid: authentication.sid, clientId: request.client.clientId, userId: grant.userId,
          expiresAt: authentication.authTime + ctx.settings.sessionTtl,
        });
      }
    }
    await ctx.codes.save({
      hash: ctx.hashing.tokens.hash(code),
      clientId: request.client.clientId,
      userId: grant.userId,
      redirectUri: request.redirectUriSent ? request.redirectUri : null,
      scope: grant.scope,
      audience: request.audience,
      codeChallenge: params.codeChallenge ?? null,
      familyId,
      // RFC 6749 §4.1.2: a maximum lifetime of 10 minutes is recommended; ours is shorter.
      expiresAt: now + ctx.settings.codeTtl,
      consumedAt: null,
    });
    return { code };
  },
});
