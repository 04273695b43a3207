import * as oauth from 'oauth4webapi';
import { PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../demo-seed.js';
import { recordedCall, type RecordedOutcome } from '../oauth/recorded-call.js';
import type { PlaygroundContext } from '../playground-context.js';

/**
 * The Break it page's two clients, as oauth4webapi calls (each recorded): "Break-it Lab", a web
 * client with codes and refresh tokens, and "Break-it Lab Service", whose client_credentials tokens
 * are short-lived (break-it-ttl.ts). Both are confidential, so both may introspect their own
 * tokens (RFC 7662 §2.1, §4).
 */
export class LabClients {
  readonly web = PLAYGROUND_CLIENTS.breakIt;
  readonly service = PLAYGROUND_CLIENTS.breakItService;
  readonly webClient: oauth.Client = { client_id: this.web.clientId };
  readonly serviceClient: oauth.Client = { client_id: this.service.clientId };
  readonly redirectUri: string;
  private readonly webAuth = oauth.ClientSecretBasic(PLAYGROUND_CLIENTS.breakIt.clientSecret);
  private readonly serviceAuth = oauth.ClientSecretBasic(PLAYGROUND_CLIENTS.breakItService.clientSecret);

  constructor(private readonly ctx: PlaygroundContext) {
    this.redirectUri = playgroundRedirectUris(ctx.urls).breakIt;
  }

  metadata(): Promise<oauth.AuthorizationServer> {
    return this.ctx.authorizationServer.get();
  }

  /** RFC 6749 §4.1.3; `verifier` nopkce leaves code_verifier out (the missing-verifier experiment). */
  redeemCode(as: oauth.AuthorizationServer, callback: URLSearchParams, verifier: string | typeof oauth.nopkce): Promise<RecordedOutcome<oauth.TokenEndpointResponse>> {
    return recordedCall(this.ctx.allowHttp, async (options) => {
      const response = await oauth.authorizationCodeGrantRequest(as, this.webClient, this.webAuth, callback, this.redirectUri, verifier, options);
      return oauth.processAuthorizationCodeResponse(as, this.webClient, response);
    });
  }

  /** RFC 6749 §6 */
  refresh(as: oauth.AuthorizationServer, refreshToken: string): Promise<RecordedOutcome<oauth.TokenEndpointResponse>> {
    return recordedCall(this.ctx.allowHttp, async (options) => {
      const response = await oauth.refreshTokenGrantRequest(as, this.webClient, this.webAuth, refreshToken, options);
      return oauth.processRefreshTokenResponse(as, this.webClient, response);
    });
  }

  /** RFC 7662 §2.1, by the client the token was issued to. */
  introspect(as: oauth.AuthorizationServer, token: string, hint: 'access_token' | 'refresh_token', by: 'web' | 'service' = 'web'): Promise<RecordedOutcome<oauth.IntrospectionResponse>> {
    const [client, auth] = by === 'web' ? [this.webClient, this.webAuth] : [this.serviceClient, this.serviceAuth];
    return recordedCall(this.ctx.allowHttp, async (options) => {
      const response = await oauth.introspectionRequest(as, client, auth, token, { ...options, additionalParameters: { token_type_hint: hint } });
      return oauth.processIntrospectionResponse(as, client, response);
    });
  }

  /** RFC 6749 §4.4, for `resource` (RFC 8707 §2): the service client's short-lived token. */
  serviceToken(as: oauth.AuthorizationServer, scope: string, resource: string): Promise<RecordedOutcome<oauth.TokenEndpointResponse>> {
    return recordedCall(this.ctx.allowHttp, async (options) => {
      const response = await oauth.clientCredentialsGrantRequest(as, this.serviceClient, this.serviceAuth, new URLSearchParams({ scope, resource }), options);
      return oauth.processClientCredentialsResponse(as, this.serviceClient, response);
    });
  }
}

/** `active` of an introspection answer, or undefined when there was none. */
export function activeOf(outcome: RecordedOutcome<oauth.IntrospectionResponse>): boolean | undefined {
  return outcome.ok ? outcome.value.active : undefined;
}
