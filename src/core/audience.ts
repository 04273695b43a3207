import type { ServerSettings } from '../server/settings.js';
import type { Client, ResourceServerStore } from '../store/types.js';
import { SELF_REGISTERED_CLIENT_ID_PREFIX } from './display-text.js';
import { InvalidScope, InvalidTarget } from './errors.js';
import { resolveScope } from './scope.js';

/**
 * The audience of an access token: the RFC 8707 resource when given and allowed for the
 * client; when none is given, the client's first registered resource, else the configured
 * default audience. A token is thus meant for one API, never for every API that trusts the issuer.
 */
export function resolveAudience(resources: readonly string[], client: Client, defaultAudience: string): string {
  if (resources.length === 0) return client.resources[0] ?? defaultAudience;
  if (resources.length > 1) {
    throw new InvalidTarget('Tessera issues one audience per access token; ask for one resource at a time.');
  }
  const resource = resources[0] as string;
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new InvalidTarget('resource must be an absolute URI (RFC 8707 section 2).');
  }
  // RFC 8707 §2: the resource indicator MUST NOT include a fragment component.
  if (url.hash !== '' || resource.includes('#')) throw new InvalidTarget('resource must not include a fragment (RFC 8707 section 2).');
  // RFC 8707 §2: a resource the client may not use is refused with invalid_target.
  if (resource !== defaultAudience && !client.resources.includes(resource)) {
    throw new InvalidTarget('The client may not ask for this resource.');
  }
  return resource;
}

/** A client that registered itself (RFC 7591) or is named by a Client ID Metadata Document. */
export function isSelfService(client: Client): boolean {
  return client.fromMetadataDocument === true || client.clientId.startsWith(SELF_REGISTERED_CLIENT_ID_PREFIX);
}

/**
 * Self-service clients (dynamic registration, metadata documents) carry no list of resources: MCP
 * clients and the like learn the resource from RFC 9728 discovery and name it with RFC 8707
 * `resource`. They may therefore ask for any resource registered at this server (an API the
 * operator put in the registry), and only those: the token's scope stays bounded by the client's
 * self-service scope and by that API's scope (resolveTokenTarget). Anything unregistered is still
 * invalid_target.
 */
async function withSelfServiceResource(
  resources: readonly string[], client: Client, settings: Pick<ServerSettings, 'audience'>, resourceServers: Pick<ResourceServerStore, 'get'>,
): Promise<Client> {
  const [resource] = resources;
  if (resources.length !== 1 || resource === undefined || !isSelfService(client)) return client;
  if (resource === settings.audience || client.resources.includes(resource)) return client;
  if (await resourceServers.get(resource) === undefined) return client;
  return { ...client, resources: [...client.resources, resource] };
}

/** What an access token is for: one audience, and the scope it carries there. */
export interface TokenTarget {
  audience: string;
  scope: string[];
}

/**
 * The audience and scope of a new access token. The scope is the client's (RFC 6749 §3.3),
 * bounded by the scope of the registered resource server it is meant for, when that declares one
 * (RFC 8707 §2: the server may use the resource to decide what the token carries). Requesting a
 * scope outside either is invalid_scope; requesting none grants what both allow.
 */
export async function resolveTokenTarget(
  request: { scope: readonly string[]; resources: readonly string[] },
  client: Client,
  settings: Pick<ServerSettings, 'audience'>,
  resourceServers: Pick<ResourceServerStore, 'get'>,
): Promise<TokenTarget> {
  const audience = resolveAudience(request.resources, await withSelfServiceResource(request.resources, client, settings, resourceServers), settings.audience);
  const scope = resolveScope(request.scope, client.scope);
  const bound = (await resourceServers.get(audience))?.scope ?? [];
  if (bound.length === 0) return { audience, scope };
  if (request.scope.length > 0) {
    if (scope.some((s) => !bound.includes(s))) throw new InvalidScope('The requested resource does not accept some of the requested scope.');
    return { audience, scope };
  }
  return { audience, scope: scope.filter((s) => bound.includes(s)) };
}
