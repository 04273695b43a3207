import type { Clock } from '../../core/clock.js';
import { SessionSlot, type PlaygroundSession } from './playground-sessions.js';

/** A token one of the playground's flows obtained in this browser session, for the tokens page (flows/token-tools.ts). */
export interface ObtainedToken {
  kind: 'access_token' | 'refresh_token';
  token: string;
  /** The client it was issued to: the only one that may introspect or revoke it here. */
  clientId: string;
  /** The page whose flow obtained it, e.g. "password". */
  flow: string;
  obtainedAt: number;
  /** The token response it came in: an access token and the refresh token issued with it share it. */
  response: number;
  /** Set when the tokens page revoked it (RFC 7009 answered 200). */
  revokedAt?: number;
}

/** The latest tokens only: a session is memory, and a visitor who runs every flow many times needs no more. */
const MAX_KEPT = 12;

export const OBTAINED_TOKENS = new SessionSlot<ObtainedToken[]>('obtained-tokens', () => []);

/**
 * What a flow calls, in one line, after a token response: `recordTokens(session, ctx, 'password',
 * client.clientId, outcome)`. Keeps the access and refresh tokens of a successful response; a
 * failed one (or a token already kept, e.g. a refresh retried within its window) adds nothing.
 */
export function recordTokens(
  session: PlaygroundSession, ctx: { readonly clock: Clock }, flow: string, clientId: string,
  outcome: { ok: true; value: { access_token?: string; refresh_token?: string } } | { ok: false },
): void {
  if (!outcome.ok) return;
  const kept = session.get(OBTAINED_TOKENS);
  const response = (kept.at(-1)?.response ?? 0) + 1;
  for (const kind of ['access_token', 'refresh_token'] as const) {
    const token = outcome.value[kind];
    if (typeof token !== 'string' || token === '' || kept.some((entry) => entry.token === token)) continue;
    kept.push({ kind, token, clientId, flow, obtainedAt: ctx.clock.nowSeconds(), response });
  }
  while (kept.length > MAX_KEPT) kept.shift();
}
