import type * as oauth from 'oauth4webapi';
import type { PlaygroundContext } from '../playground-context.js';
import { acceptCallback, recordFrontChannel } from './callback-check.js';
import { ExperimentResult, oauthErrorCode, outcomeWords } from './experiment.js';
import { activeOf, type LabClients } from './lab-client.js';
import type { CallbackInput } from './lab-session.js';
import { introspectionWords, secondsLeft } from './token-words.js';

/**
 * RFC 6749 §4.1.2 and §10.5: a code redeemed twice. The second redemption MUST be refused, and the
 * tokens of the first SHOULD be revoked: the Client introspects them before and after (RFC 7662).
 */
export async function replayedCode(ctx: PlaygroundContext, lab: LabClients, as: oauth.AuthorizationServer, input: CallbackInput): Promise<ExperimentResult> {
  const result = new ExperimentResult();
  recordFrontChannel(result, input);
  const callback = acceptCallback(result, as, lab.webClient, input);
  if (!callback) return result;
  const verifier = input.pending.authorization.codeVerifier;

  const first = await lab.redeemCode(as, callback, verifier);
  result.record('1. The code redeemed, as a client does: tokens', first.exchange, ['The first redemption is the legitimate one: an access token and a refresh token.']);
  if (!first.ok) return result.stop(`The first redemption already failed: ${first.problem}`);
  const accessToken = first.value.access_token;
  const refreshToken = first.value.refresh_token;
  if (refreshToken === undefined) return result.stop('The Auth Server issued no refresh token, so there is no grant to watch.');

  const accessBefore = await lab.introspect(as, accessToken, 'access_token');
  result.record('2. Introspection of the access token, before the replay', accessBefore.exchange, ['The client that got the token asks the Auth Server whether it is live (RFC 7662 §2.1).']);
  const refreshBefore = await lab.introspect(as, refreshToken, 'refresh_token');
  result.record('3. Introspection of the refresh token, before the replay', refreshBefore.exchange);

  const second = await lab.redeemCode(as, callback, verifier);
  result.record('4. The same code redeemed again (the replay)', second.exchange, [
    'The very same request: same code, same client credentials, same code_verifier. Only the code has been used already.',
  ]);
  result.check(oauthErrorCode(second) === 'invalid_grant',
    `The second redemption was refused: ${outcomeWords(second)}.`,
    second.ok ? 'The second redemption got new tokens: the code was accepted twice.' : `The second redemption got ${outcomeWords(second)}, not invalid_grant.`);

  const accessAfter = await lab.introspect(as, accessToken, 'access_token');
  const left = secondsLeft(accessToken, ctx);
  result.record('5. Introspection of the first access token, after the replay', accessAfter.exchange, [
    left !== undefined && left > 0 ? `Its exp is still ${left} s away: if it is inactive, it is because it was revoked, not because it expired.` : 'It has expired meanwhile.',
  ]);
  const refreshAfter = await lab.introspect(as, refreshToken, 'refresh_token');
  result.record('6. Introspection of the first refresh token, after the replay', refreshAfter.exchange);

  for (const [name, before, after] of [['access token', accessBefore, accessAfter], ['refresh token', refreshBefore, refreshAfter]] as const) {
    result.check(activeOf(before) === true && activeOf(after) === false,
      `The ${name} of the first redemption was active before the replay and is inactive after it: {"active": false}.`,
      `The ${name} of the first redemption was ${introspectionWords(before)} before the replay and ${introspectionWords(after)} after it.`);
  }
  return result;
}
