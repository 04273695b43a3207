// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Checks, once when a route is set up, the scopes it will require: each must be one RFC 6749
 * §3.3 scope token, so that `['read write']` (one string, never granted) fails loudly at start
 * instead of answering 403 forever. Returns a frozen copy the route can share across requests.
 */
export function requiredScopeList(scopes: readonly string[]): readonly string[] {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(`required scope ${JSON.stringify(scope)} is not one RFC 6749 §3.3 scope token; pass one array element per scope.`);
    }
  }
  return Object.freeze([...scopes]);
}
