import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { RandomSource } from '../core/random.js';
import { hashSecret } from '../core/tokens.js';
import type { SessionRecord, SessionStore } from '../store/types.js';
import type { ServerSettings } from './settings.js';

const ANONYMOUS_SESSION_TTL = 30 * 60;

/**
 * The browser session at the authorization server. The cookie holds a random id; the store
 * keeps its hash, the user once signed in, and the CSRF token of the session's forms.
 */
export class Sessions {
  readonly cookieName: string;
  private readonly secure: boolean;

  constructor(
    private readonly store: SessionStore,
    private readonly settings: Pick<ServerSettings, 'issuer' | 'sessionTtl'>,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {
    this.secure = settings.issuer.startsWith('https:');
    // The __Host- prefix pins the cookie to this host, path / and Secure; only possible over https.
    this.cookieName = this.secure ? '__Host-tessera_session' : 'tessera_session';
  }

  async load(request: FastifyRequest): Promise<SessionRecord | undefined> {
    const id = request.cookies[this.cookieName];
    if (id === undefined || id === '') return undefined;
    return this.store.find(hashSecret(id), this.clock.nowSeconds());
  }

  /** The current session, or a new anonymous one (it carries the CSRF token of the sign-in form). */
  async loadOrStart(request: FastifyRequest, reply: FastifyReply): Promise<SessionRecord> {
    return (await this.load(request)) ?? this.start(reply, null);
  }

  /** A new session id at sign-in, so that an id planted before sign-in is worthless (session fixation). */
  async signIn(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<SessionRecord> {
    const previous = await this.load(request);
    if (previous) await this.store.delete(previous.hash);
    return this.start(reply, userId);
  }

  async signOut(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const previous = await this.load(request);
    if (previous) await this.store.delete(previous.hash);
    void reply.clearCookie(this.cookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure });
  }

  private async start(reply: FastifyReply, userId: string | null): Promise<SessionRecord> {
    const now = this.clock.nowSeconds();
    const id = this.random.token(32);
    const session: SessionRecord = {
      hash: hashSecret(id), userId, csrfToken: this.random.token(32), authTime: userId === null ? null : now,
      // An anonymous session only carries the sign-in form's CSRF token: short-lived, so that
      // unauthenticated page views cannot keep many rows alive.
      createdAt: now, expiresAt: now + (userId === null ? Math.min(ANONYMOUS_SESSION_TTL, this.settings.sessionTtl) : this.settings.sessionTtl),
    };
    await this.store.save(session);
    void reply.setCookie(this.cookieName, id, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure, maxAge: session.expiresAt - now,
    });
    return session;
  }
}
