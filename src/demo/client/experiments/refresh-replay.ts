import type * as oauth from 'oauth4webapi';
import { acceptCallback, recordFrontChannel } from './callback-check.js';
import { ExperimentResult, oauthErrorCode, outcomeWords } from './experiment.js';
import { activeOf, type LabClients } from './lab-client.js';
import type { CallbackInput } from './lab-session.js';
import { introspectionWords } from './token-words.js';

/**
 * RFC 9700 §4.14.2 and §2.2.2: refresh tokens rotate, and a retired one presented again revokes
 * the grant. Tessera makes one exception (docs/CONFIGURATION.md "Refresh token retries"): the same
 * client presenting the token it has just rotated, within --refresh-retry-window and while the
 * successor is unused, gets the same successor again. The experiment replays the old token inside
 * that window, then outside it (the successor has been used), and introspects the current tokens.
 */
export async function replayedRefreshToken(lab: LabClients, as: oauth.AuthorizationServer, input: CallbackInput): Promise<ExperimentResult> {
  const result = new ExperimentResult();
  recordFrontChannel(result, input);
  const callback = acceptCallback(result, as, lab.webClient, input);
  if (!callback) return result;
  const first = await lab.redeemCode(as, callback, input.pending.authorization.codeVerifier);
  result.record('1. The code redeemed: access token and refresh token A', first.exchange);
  const tokenA = first.ok ? first.value.refresh_token : undefined;
  if (!first.ok || tokenA === undefined) return result.stop(first.ok ? 'The Auth Server issued no refresh token.' : first.problem);

  const rotation = await lab.refresh(as, tokenA);
  result.record('2. The Client refreshes with A: Tessera rotates it, A is retired, B is issued', rotation.exchange);
  const tokenB = rotation.ok ? rotation.value.refresh_token : undefined;
  if (!rotation.ok || tokenB === undefined) return result.stop(rotation.ok ? 'The rotation returned no new refresh token.' : rotation.problem);

  const inside = await lab.refresh(as, tokenA);
  result.record('3. A replayed at once: inside the retry window', inside.exchange, [
    'Same client, same refresh token A, a moment after its rotation, with B not used yet: what a retry after a lost response looks like.',
  ]);
  const sameTokens = inside.ok && inside.value.refresh_token === tokenB && inside.value.access_token === rotation.value.access_token;
  result.check(sameTokens || oauthErrorCode(inside) === 'invalid_grant',
    sameTokens
      ? 'Inside the window, Tessera answered 200 with the same access token and the same refresh token B as the rotation: nothing new was minted, the grant still has one chain.'
      : `Inside the window, the replay was refused (${outcomeWords(inside)}): retries are off on this server (--refresh-retry-window 0), so even this counts as reuse.`,
    `Inside the window, the replay got ${outcomeWords(inside)} with different tokens: one refresh token has now two live successors.`);

  const moveOn = await lab.refresh(as, tokenB);
  result.record('4. The Client refreshes with B: C is issued, and A\'s retry window is closed', moveOn.exchange, [
    'The window closes once the successor is used, or after --refresh-retry-window seconds (30 by default), whichever comes first.',
  ]);
  const tokenC = moveOn.ok ? moveOn.value.refresh_token : undefined;
  const accessC = moveOn.ok ? moveOn.value.access_token : undefined;
  if (!moveOn.ok || tokenC === undefined || accessC === undefined) {
    result.remarks.push('The grant had already ended at step 3, so there is no current token to watch.');
    return result.stop(moveOn.ok ? 'The rotation returned no new refresh token.' : `The refresh with B got ${outcomeWords(moveOn)}.`);
  }

  const outside = await lab.refresh(as, tokenA);
  result.record('5. A replayed again: outside the retry window (what a thief holding A would do)', outside.exchange);
  result.check(oauthErrorCode(outside) === 'invalid_grant',
    `Outside the window, the old refresh token was refused: ${outcomeWords(outside)}.`,
    outside.ok ? 'Outside the window, the old refresh token got tokens.' : `Outside the window, the old refresh token got ${outcomeWords(outside)}, not invalid_grant.`);

  const currentRefresh = await lab.introspect(as, tokenC, 'refresh_token');
  result.record('6. Introspection of the current refresh token C', currentRefresh.exchange, ['C was never replayed: it is the rightful client\'s current token.']);
  const currentAccess = await lab.introspect(as, accessC, 'access_token');
  result.record('7. Introspection of the current access token', currentAccess.exchange);
  result.check(activeOf(currentRefresh) === false,
    'The current refresh token C is inactive too: the whole grant (its family) was revoked, so the thief and the client both have to start again.',
    `The current refresh token C is ${introspectionWords(currentRefresh)}: the grant survived the reuse.`);
  result.check(activeOf(currentAccess) === false,
    'The current access token is inactive as well ({"active": false}), though it has not expired.',
    `The current access token is ${introspectionWords(currentAccess)}.`);
  return result;
}
