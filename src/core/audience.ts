import type { Client } from '../store/types.js';
import { InvalidTarget } from './errors.js';

/**
 * The audience of an access token: the RFC 8707 resource when given and allowed for the
 * client, else the configured default audience.
 */
export function resolveAudience(resources: readonly string[], client: Client, defaultAudience: string): string {
  if (resources.length === 0) return defaultAudience;
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
  if (resource !== defaultAudience && !client.resources.includes(resource)) {
    throw new InvalidTarget('The client may not ask for this resource.');
  }
  return resource;
}
