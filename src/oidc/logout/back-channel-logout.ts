import type { Clock } from '../../core/clock.js';
import type { RandomSource } from '../../core/random.js';
import type { KeyRing } from '../../keys/key-ring.js';
import type { Client, ClientStore, OpenIdGrantStore, SessionMember } from '../../store/types.js';
import { DEFAULT_ID_TOKEN_ALG } from '../id-token.js';
import { signLogoutToken } from './logout-token.js';

/** Where failures are reported: the server's logger (pino's shape). */
export interface LogoutLog {
  warn(details: Record<string, unknown>, message: string): void;
}

/** The outcome of one RP's notification, for the metrics. */
export type BackChannelOutcome = 'delivered' | 'rejected' | 'failed';

export interface BackChannelLogoutOptions {
  readonly issuer: string;
  readonly clients: Pick<ClientStore, 'get'>;
  readonly sessions: Pick<OpenIdGrantStore, 'leaveSession'>;
  readonly keys: Pick<KeyRing, 'signer'>;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly log: LogoutLog;
  readonly onOutcome?: ((outcome: BackChannelOutcome) => void) | undefined;
  /** Per attempt; a slow RP never holds more than this. */
  readonly timeoutMs?: number | undefined;
  /** The pauses between attempts: their count bounds the retries. */
  readonly retryDelaysMs?: readonly number[] | undefined;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000];

/**
 * OpenID Connect Back-Channel Logout 1.0: when a browser session ends, each RP that got an OpenID
 * grant from it (and registered a backchannel_logout_uri) is sent a Logout Token (§2.5). In the
 * background: the user's logout answers at once, whatever the RPs do. Each RP gets a few
 * attempts with a short timeout; a failure is logged and counted, never the user's error.
 *
 * Outbound requests go only to URIs an administrator registered (CLI, seed file), checked at
 * registration (https, or http on a loopback host); redirects are never followed, and the
 * response body is never read (docs/SECURITY.md, outbound requests).
 */
export class BackChannelLogout {
  private readonly pending = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly timeoutMs: number;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly options: BackChannelLogoutOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** The session `sid` ended: notify its RPs in the background; returns at once. */
  sessionEnded(sid: string): void {
    const work = this.notifySession(sid).catch((error: unknown) => {
      this.options.log.warn({ err: error }, 'back-channel logout: the clients of an ended session could not be read');
    });
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /**
   * These RPs' sessions with a user ended while the browser session goes on (a withdrawn consent):
   * the rows are already deleted (endGrants, in its transaction); notify them in the background.
   */
  membersEnded(members: readonly SessionMember[]): void {
    const work = Promise.all(members.map(async (member) => {
      const client = await this.options.clients.get(member.clientId);
      if (client?.backchannelLogoutUri === undefined) return;
      await this.notify(client, client.backchannelLogoutUri, member);
    })).then(() => undefined).catch((error: unknown) => {
      this.options.log.warn({ err: error }, 'back-channel logout: the clients of an ended grant could not be read');
    });
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Resolves when every notification under way has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** At server close: pending attempts are abandoned (their RPs see an aborted request, or none). */
  async close(): Promise<void> {
    this.closing.abort();
    await this.settled();
  }

  private async notifySession(sid: string): Promise<void> {
    // Atomic in the store: when two workers end the same session, each RP is notified by one.
    const members = await this.options.sessions.leaveSession(sid);
    await Promise.all(members.map(async (member) => {
      const client = await this.options.clients.get(member.clientId);
      if (client?.backchannelLogoutUri === undefined) return;
      await this.notify(client, client.backchannelLogoutUri, member);
    }));
  }

  private async notify(client: Client, uri: string, member: SessionMember): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      if (this.closing.signal.aborted) return;
      const outcome = await this.send(client, uri, member);
      if (outcome !== 'failed' || attempt >= this.retryDelaysMs.length) {
        this.options.onOutcome?.(outcome);
        if (outcome !== 'delivered') {
          this.options.log.warn({ clientId: client.clientId, outcome, attempts: attempt + 1 }, 'back-channel logout: the client did not accept the logout token');
        }
        return;
      }
      await this.pause(this.retryDelaysMs[attempt] ?? 0);
    }
  }

  private async send(client: Client, uri: string, member: SessionMember): Promise<BackChannelOutcome> {
    const now = this.options.clock.nowSeconds();
    // Signed like the client's ID tokens, so it verifies with what the RP already accepts (§2.4).
    const signer = this.options.keys.signer(now, client.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_ALG);
    // A fresh token (and jti) per attempt: an RP may refuse a jti it has seen (§2.6).
    const token = signLogoutToken({ issuer: this.options.issuer, clientId: client.clientId, sub: member.userId, sid: member.sid, now, jti: this.options.random.token(16) }, signer);
    try {
      const response = await fetch(uri, {
        method: 'POST',
        // §2.5: application/x-www-form-urlencoded, logout_token.
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ logout_token: token }).toString(),
        // A redirect is an answer, not an instruction: it is never followed (no SSRF through it).
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]),
      });
      await response.body?.cancel();
      // §2.8: 200 OK on success (204 is accepted as well); 400 when the RP refuses the token,
      // which no retry changes.
      if (response.status === 200 || response.status === 204) return 'delivered';
      return response.status >= 400 && response.status < 500 ? 'rejected' : 'failed';
    } catch {
      return 'failed';
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = () => { clearTimeout(timer); resolve(); };
      const timer = setTimeout(() => { this.closing.signal.removeEventListener('abort', onAbort); resolve(); }, ms);
      this.closing.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
