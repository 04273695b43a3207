import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { RandomSource } from '../../core/random.js';

/** A typed place in a session for one flow's state, created on first use. */
export class SessionSlot<T> {
  constructor(readonly name: string, readonly create: () => T) {}
}

/** The Client's server-side session of one visitor: each flow's state, and the CSRF token of its forms. */
export class PlaygroundSession {
  private readonly slots = new Map<SessionSlot<unknown>, unknown>();
  lastUsed: number;

  constructor(readonly csrfToken: string, now: number) {
    this.lastUsed = now;
  }

  get<T>(slot: SessionSlot<T>): T {
    if (!this.slots.has(slot)) this.slots.set(slot, slot.create());
    return this.slots.get(slot) as T;
  }

  /** Forgets a flow's state and starts it afresh. */
  reset<T>(slot: SessionSlot<T>): T {
    this.slots.delete(slot);
    return this.get(slot);
  }
}

/** A form POST that does not come from the playground's own pages. */
export class PlaygroundCsrfError extends Error {
  constructor() {
    super('This form did not come from the playground, or your session ended. Reload the page and try again.');
    this.name = 'PlaygroundCsrfError';
  }
}

/**
 * The playground is full of sessions in use: a new visitor is turned away (503) rather than evicting
 * a session someone used minutes ago.
 */
export class PlaygroundFullError extends Error {
  constructor() {
    super('The playground has as many visitors as it can keep right now. Try again in a few minutes.');
    this.name = 'PlaygroundFullError';
  }
}

/** Few visitors use a demo at once; the bound keeps a scripted flood from growing memory without end. */
export const MAX_SESSIONS = 1000;
const IDLE_SECONDS = 4 * 3600;
/** A session used this recently is never evicted to make room: a flood cannot end a visitor's flow. */
export const PROTECTED_SECONDS = 30 * 60;
/** What this class writes into the cookie: 32 random bytes, base64url. Anything else is not one of ours. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sessions in memory, as a demo can afford: a real client would keep them in a store. The cookie
 * name differs from the Auth Server's, because cookies do not separate ports on one host.
 *
 * Reading a page creates no server-side state: a visitor without a session gets a session id in
 * the cookie and forms whose CSRF token is an HMAC of that id, and the session is stored on the
 * first form POST that carries both. So cookieless GETs cost nothing, and a flood of them cannot
 * push anyone's session out. Sessions are kept in least-recently-used order; to make room the
 * least recently used one goes, unless it was used within PROTECTED_SECONDS: then the playground is
 * full and a new visitor gets a 503 page, while everyone already in keeps their flows.
 */
export class PlaygroundSessions {
  readonly cookieName = 'playground_session';
  /** Map order is use order: a session is moved to the end each time it is used. */
  private readonly sessions = new Map<string, PlaygroundSession>();
  private readonly csrfKey: Buffer;

  constructor(private readonly clock: Clock, private readonly random: RandomSource, private readonly origin: string) {
    this.csrfKey = Buffer.from(random.token(32));
  }

  /**
   * The visitor's session. Without one, a transient session (nothing stored) whose forms carry the
   * CSRF token of the id set in the cookie: the first form POST stores it (forForm).
   */
  of(request: FastifyRequest, reply: FastifyReply): PlaygroundSession {
    const now = this.clock.nowSeconds();
    const cookie = request.cookies[this.cookieName];
    const existing = this.live(cookie, now);
    if (existing) return existing;
    let id = cookie;
    if (id === undefined || !SESSION_ID.test(id)) {
      id = this.random.token(32);
      void reply.setCookie(this.cookieName, id, {
        path: '/', httpOnly: true, sameSite: 'lax', secure: this.origin.startsWith('https:'),
      });
    }
    return new PlaygroundSession(this.csrfTokenOf(id), now);
  }

  /** How many sessions are stored (for tests and operators: it never exceeds MAX_SESSIONS). */
  get size(): number {
    return this.sessions.size;
  }

  /**
   * The session of a form POST, after checking it came from our page: same Origin, and the
   * session's CSRF token (the Auth Server is same-site with us, SameSite alone would not do).
   * The first POST of a visitor stores the session.
   */
  forForm(request: FastifyRequest, _reply: FastifyReply): PlaygroundSession {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== this.origin) throw new PlaygroundCsrfError();
    const id = request.cookies[this.cookieName];
    if (id === undefined || !SESSION_ID.test(id)) throw new PlaygroundCsrfError();
    const submitted = request.body instanceof URLSearchParams ? request.body.get('csrf') ?? '' : '';
    const expected = Buffer.from(this.csrfTokenOf(id));
    const actual = Buffer.from(submitted);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new PlaygroundCsrfError();
    const now = this.clock.nowSeconds();
    const existing = this.live(id, now);
    if (existing) return existing;
    this.makeRoom(now);
    const session = new PlaygroundSession(this.csrfTokenOf(id), now);
    this.sessions.set(id, session);
    return session;
  }

  /** The CSRF token of a session id: an HMAC under a key of this process, so it needs no storage. */
  private csrfTokenOf(id: string): string {
    return createHmac('sha256', this.csrfKey).update(id).digest('base64url');
  }

  /** A stored session that has not idled out, marked as used now (moved to the end of the use order). */
  private live(id: string | undefined, now: number): PlaygroundSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    this.sessions.delete(id);
    if (now - session.lastUsed >= IDLE_SECONDS) return undefined;
    session.lastUsed = now;
    this.sessions.set(id, session);
    return session;
  }

  private makeRoom(now: number): void {
    // The first entries are the least recently used.
    for (const [id, session] of this.sessions) {
      if (this.sessions.size < MAX_SESSIONS) return;
      if (now - session.lastUsed < PROTECTED_SECONDS) throw new PlaygroundFullError();
      this.sessions.delete(id);
    }
  }
}
