import * as oauth from 'oauth4webapi';
import type { RecordedOutcome } from './recorded-call.js';
import { recordedCall } from './recorded-call.js';

export const RESOURCES_PATH = '/api/resources';

/**
 * GET the token owner's resources, as RFC 6750 §2.1 says: `Authorization: Bearer`. oauth4webapi
 * rejects a 401/403 with its WWW-Authenticate challenge, which the caller shows.
 */
export function listResources(resourceServer: string, accessToken: string, allowHttp: boolean): Promise<RecordedOutcome<unknown>> {
  return recordedCall(allowHttp, async (options) => {
    const response = await oauth.protectedResourceRequest(accessToken, 'GET', new URL(RESOURCES_PATH, resourceServer),
      new Headers({ accept: 'application/json' }), null, options);
    if (!response.ok) throw new Error(`the Resource Server answered HTTP ${response.status}`);
    return response.json() as Promise<unknown>;
  });
}

/** POST a new resource (scope `write`). */
export function addResource(resourceServer: string, accessToken: string, title: string, allowHttp: boolean): Promise<RecordedOutcome<unknown>> {
  return recordedCall(allowHttp, async (options) => {
    const response = await oauth.protectedResourceRequest(accessToken, 'POST', new URL(RESOURCES_PATH, resourceServer),
      new Headers({ 'accept': 'application/json', 'content-type': 'application/json' }), JSON.stringify({ title }), options);
    if (!response.ok) throw new Error(`the Resource Server answered HTTP ${response.status}`);
    return response.json() as Promise<unknown>;
  });
}
