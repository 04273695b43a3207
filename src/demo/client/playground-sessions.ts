import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
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

/** Few visitors use a demo at once; the bound keeps a scripted flood from growing memory without end. */
const MAX_SESSIONS = 1000;
const IDLE_SECONDS = 4 * 3600;

/**
 * Sessions in memory, as a demo can afford: a real client would keep them in a store. The cookie
 * name differs from the Auth Server's, because cookies do not separate ports on one host.
 */
export class PlaygroundSessions {
  readonly cookieName = 'playground_session';
  private readonly sessions = new Map<string, PlaygroundSession>();

  constructor(private readonly clock: Clock, private readonly random: RandomSource, private readonly origin: string) {}

  /** The visitor's session, started (and its cookie set) when there is none. */
  of(request: FastifyRequest, reply: FastifyReply): PlaygroundSession {
    const now = this.clock.nowSeconds();
    const id = request.cookies[this.cookieName];
    const existing = id === undefined ? undefined : this.sessions.get(id);
    if (existing && now - existing.lastUsed < IDLE_SECONDS) {
      existing.lastUsed = now;
      return existing;
    }
    this.evict(now);
    const fresh = this.random.token(32);
    const session = new PlaygroundSession(this.random.token(24), now);
    this.sessions.set(fresh, session);
    void reply.setCookie(this.cookieName, fresh, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: this.origin.startsWith('https:'),
    });
    return session;
  }

  /**
   * The session of a form POST, after checking it came from our page: same Origin, and the
   * session's CSRF token (the Auth Server is same-site with us, SameSite alone would not do).
   */
  forForm(request: FastifyRequest, reply: FastifyReply): PlaygroundSession {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== this.origin) throw new PlaygroundCsrfError();
    const id = request.cookies[this.cookieName];
    if (id === undefined || !this.sessions.has(id)) throw new PlaygroundCsrfError();
    const session = this.of(request, reply);
    const submitted = request.body instanceof URLSearchParams ? request.body.get('csrf') ?? '' : '';
    const expected = Buffer.from(session.csrfToken);
    const actual = Buffer.from(submitted);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new PlaygroundCsrfError();
    return session;
  }

  private evict(now: number): void {
    for (const [id, session] of this.sessions) {
      if (now - session.lastUsed >= IDLE_SECONDS) this.sessions.delete(id);
    }
    // Map keeps insertion order: the first entries are the oldest sessions.
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
  }
}
