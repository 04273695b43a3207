import type * as oauth from 'oauth4webapi';
import type { PlaygroundContext } from '../playground-context.js';
import type { RecordedOutcome } from '../oauth/recorded-call.js';
import { activeOf } from './lab-client.js';

/** Seconds until a JWT access token's exp, read from its payload (decoded, not verified: for the sentence only). */
export function secondsLeft(accessToken: string, ctx: PlaygroundContext): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp - ctx.clock.nowSeconds() : undefined;
  } catch {
    return undefined;
  }
}

/** What an introspection answer said, in words: `{"active": false}`, `{"active": true}` or the failure. */
export function introspectionWords(outcome: RecordedOutcome<oauth.IntrospectionResponse>): string {
  const active = activeOf(outcome);
  return active === undefined ? `no answer (${outcome.ok ? '' : outcome.problem})` : `{"active": ${String(active)}}`;
}
