import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { RandomSource } from '../core/random.js';
import type { ServerSecrets } from '../core/server-secrets.js';
import { KeyedHash } from '../core/secret-hash.js';
import type { SessionRecord, SessionStore } from '../store/types.js';
import { CookieSeal } from './cookie-seal.js';
import type { ServerSettings } from './settings.js';

/** What a route sees of the browser session. */
export interface BrowserSession {
  /** The signed-in user; null before sign-in. */
  readonly userId: string | null;
  /** The CSRF token of the session's forms (synchronizer token, src/server/csrf.ts). */
  readonly csrfToken: string;
  readonly authTime: number | null;
  /**
   * The session's id for relying parties (OpenID Connect `sid`, in ID tokens; logout finds the
   * session by it): random, stored with the session and kept when the same user signs in again, so
   * it reveals nothing of the cookie. Null before sign-in.
   */
  readonly sid: string | null;
}

/**
 * The `sid` of a stored session of an older version (no sid column value): SHA-256 of its (keyed)
 * hash, base64url, so the same on every worker and instance.
 */
export function sessionSid(sessionHash: string): string {
  return createHash('sha256').update(`tessera sid ${sessionHash}`).digest('base64url');
}

function withSid(record: SessionRecord): BrowserSession {
  return { userId: record.userId, csrfToken: record.csrfToken, authTime: record.authTime, sid: record.sid ?? sessionSid(record.hash) };
}

/** What a sign-in did to the browser session. */
export interface SignedIn {
  readonly session: BrowserSession;
  /**
   * The signed-in session of another user that this sign-in ended (same browser, different
   * account): its relying parties must be told (Back-Channel Logout 1.0 §2.7).
   */
  readonly ended: BrowserSession | undefined;
}

const ANONYMOUS_SESSION_TTL = 30 * 60;
/** Marks a sealed anonymous session in the cookie; a signed-in session id (base64url) never contains a dot. */
const SEALED_PREFIX = 'a1.';

interface AnonymousPayload {
  /** The CSRF token. */
  c: string;
  /** Expiry, seconds since the epoch. */
  e: number;
}

/**
 * The browser session at the authorization server, in one cookie.
 *
 * Before sign-in the session only carries the CSRF token of the sign-in form, and it lives in the
 * cookie itself, sealed (AES-256-GCM, src/server/cookie-seal.ts) with a key derived from the server
 * secret: anonymous visits write nothing to the database, so that any number of them cannot make it
 * grow, and every worker or instance that shares the secret opens the cookie. Once signed in, the
 * cookie holds a new random id (session fixation) and the store its hash, the user and the CSRF
 * token: a stored session can be ended (sign-out) and never outlives its row.
 */
export class Sessions {
  readonly cookieName: string;
  private readonly secure: boolean;
  private readonly seal: CookieSeal;
  /** Session ids are kept as keyed hashes, like tokens. */
  private readonly idHash: KeyedHash;

  constructor(
    private readonly store: SessionStore,
    private readonly settings: Pick<ServerSettings, 'issuer' | 'sessionTtl'>,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    secrets: ServerSecrets,
  ) {
    this.secure = settings.issuer.startsWith('https:');
    // The __Host- prefix pins the cookie to this host, path / and Secure; only possible over https.
    this.cookieName = this.secure ? '__Host-tessera_session' : 'tessera_session';
    this.idHash = new KeyedHash(secrets, 'session id hash');
    this.seal = new CookieSeal(secrets.keys('anonymous-session'), `tessera anonymous session ${this.cookieName}`);
  }

  /** The session the request's cookie names: signed in, anonymous, or none (absent, expired, forged). */
  async load(request: FastifyRequest): Promise<BrowserSession | undefined> {
    const value = request.cookies[this.cookieName];
    if (value === undefined || value === '') return undefined;
    if (value.startsWith(SEALED_PREFIX)) return this.openAnonymous(value.slice(SEALED_PREFIX.length));
    const now = this.clock.nowSeconds();
    const record = await this.idHash.find(value, (hash) => this.store.find(hash, now));
    return record ? withSid(record) : undefined;
  }

  /** The current session, or a new anonymous one (it carries the CSRF token of the sign-in form). */
  async loadOrStart(request: FastifyRequest, reply: FastifyReply): Promise<BrowserSession> {
    return (await this.load(request)) ?? this.startAnonymous(reply);
  }

  /**
   * A new session id at sign-in, so that an id planted before sign-in is worthless (session fixation).
   * The same user signing in again (prompt=login, max_age) stays in the same OpenID session: same
   * `sid`, so the relying parties it signed in to before are still found at logout, a new auth_time,
   * and the session's end unchanged (the relying parties' session_clients rows expire with it).
   * Another user signing in ends the first user's session, which the caller reports to its RPs.
   */
  async signIn(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<SignedIn> {
    const now = this.clock.nowSeconds();
    const current = await this.loadStored(request, now);
    await this.forgetStored(request);
    const continued = current !== undefined && current.userId === userId ? current : undefined;
    const id = this.random.token(32);
    const session: SessionRecord = {
      hash: this.idHash.hash(id), userId, csrfToken: this.random.token(32), authTime: now,
      createdAt: continued?.createdAt ?? now,
      expiresAt: continued?.expiresAt ?? now + this.settings.sessionTtl,
      sid: continued ? withSid(continued).sid : this.random.token(32),
    };
    await this.store.save(session);
    this.setCookie(reply, id, session.expiresAt - now);
    const ended = current !== undefined && continued === undefined && current.userId !== null ? withSid(current) : undefined;
    return { session: withSid(session), ended };
  }

  private async loadStored(request: FastifyRequest, now: number): Promise<SessionRecord | undefined> {
    const value = request.cookies[this.cookieName];
    if (value === undefined || value === '' || value.startsWith(SEALED_PREFIX)) return undefined;
    return this.idHash.find(value, (hash) => this.store.find(hash, now));
  }

  /**
   * Ends the request's session: its row deleted, its cookie cleared. Returns the signed-in session
   * that was ended (its `sid` names it to relying parties, for back-channel logout), if any.
   */
  async signOut(request: FastifyRequest, reply: FastifyReply): Promise<BrowserSession | undefined> {
    const ended = await this.load(request);
    await this.forgetStored(request);
    void reply.clearCookie(this.cookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure });
    return ended?.sid ? ended : undefined;
  }

  private async forgetStored(request: FastifyRequest): Promise<void> {
    const value = request.cookies[this.cookieName];
    if (value !== undefined && value !== '' && !value.startsWith(SEALED_PREFIX)) {
      for (const hash of this.idHash.candidates(value)) await this.store.delete(hash);
    }
  }

  private startAnonymous(reply: FastifyReply): BrowserSession {
    const ttl = Math.min(ANONYMOUS_SESSION_TTL, this.settings.sessionTtl);
    const payload: AnonymousPayload = { c: this.random.token(32), e: this.clock.nowSeconds() + ttl };
    this.setCookie(reply, `${SEALED_PREFIX}${this.seal.seal(JSON.stringify(payload))}`, ttl);
    return { userId: null, csrfToken: payload.c, authTime: null, sid: null };
  }

  private openAnonymous(sealed: string): BrowserSession | undefined {
    const opened = this.seal.open(sealed);
    if (opened === undefined) return undefined;
    let payload: Partial<AnonymousPayload>;
    try {
      payload = JSON.parse(opened) as Partial<AnonymousPayload>;
    } catch {
      return undefined;
    }
    if (typeof payload.c !== 'string' || typeof payload.e !== 'number' || payload.e <= this.clock.nowSeconds()) return undefined;
    return { userId: null, csrfToken: payload.c, authTime: null, sid: null };
  }

  private setCookie(reply: FastifyReply, value: string, maxAge: number): void {
    void reply.setCookie(this.cookieName, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure, maxAge });
  }
}
