// What each grant of the sizing guide sends (issue 12 §7), as autocannon request specs for
// bench/lib/load.mjs: the path, the method, and each request's own body where a request uses
// something up (a single-use code, a refresh token that rotates).

export const GRANTS = [
  { id: 'client_credentials', label: 'client_credentials' },
  { id: 'authorization_code', label: 'authorization code exchange' },
  { id: 'refresh_token', label: 'refresh (rotation)' },
  { id: 'password', label: 'password (argon2id m=64 MiB, t=3, p=4)' },
  { id: 'introspection', label: 'introspection (RFC 7662)' },
  { id: 'jwks', label: 'JWKS (GET)' },
];

const formEncode = (value) => encodeURIComponent(value).replace(/%20/g, '+');

/** Hands out each item once; counts what was asked for past the end (the pool was too small). */
export class OneUsePool {
  constructor(items) {
    this.items = items;
    this.next = 0;
    this.exhausted = 0;
  }

  take() {
    if (this.next < this.items.length) return this.items[this.next++];
    this.exhausted++;
    return this.items[this.items.length - 1];
  }

  get left() { return this.items.length - this.next; }
}

/**
 * The request spec of one grant.
 * @param {string} grant one of GRANTS' ids
 * @param {{ clientCredentialsBody: string, codes?: OneUsePool, redirectUri?: string,
 *           refreshTokens?: OneUsePool, username?: string, password?: string,
 *           accessTokens?: string[], jwksPath?: string }} ctx
 */
export function grantRequest(grant, ctx) {
  switch (grant) {
    case 'client_credentials':
      return { path: '/token', body: ctx.clientCredentialsBody };
    case 'authorization_code':
      return {
        path: '/token', body: 'grant_type=authorization_code',
        next: () => ({ body: `grant_type=authorization_code&code=${formEncode(ctx.codes.take())}&redirect_uri=${formEncode(ctx.redirectUri)}` }),
      };
    case 'refresh_token': {
      // Clients refreshing in a loop: each answer's new refresh token is used by a later request
      // (rotation: a token is good once). The pool only starts the chains.
      const fresh = [];
      return {
        path: '/token', body: 'grant_type=refresh_token',
        next: () => ({ body: `grant_type=refresh_token&refresh_token=${formEncode(fresh.pop() ?? ctx.refreshTokens.take())}` }),
        onResponse: (status, body) => {
          if (status !== 200) return;
          try {
            const token = JSON.parse(body).refresh_token;
            if (typeof token === 'string') fresh.push(token);
          } catch { /* counted as an error by the status */ }
        },
      };
    }
    case 'password':
      return { path: '/token', body: `grant_type=password&username=${formEncode(ctx.username)}&password=${formEncode(ctx.password)}&scope=read` };
    case 'introspection': {
      let i = 0;
      return {
        path: '/introspect', body: 'token=',
        next: () => ({ body: `token=${formEncode(ctx.accessTokens[i++ % ctx.accessTokens.length])}` }),
      };
    }
    case 'jwks':
      return { path: ctx.jwksPath, method: 'GET', body: undefined };
    default:
      throw new Error(`unknown grant ${grant}`);
  }
}
