import type Database from 'better-sqlite3';
import { cutoffTimeOf, denialKey } from '../denial-keys.js';
import type { SessionMember } from '../types.js';

/** Whose grants end: one user's, one client's, or one user's at one client. */
export interface GrantOwner {
  userId?: string;
  clientId?: string;
}

/**
 * Ends everything granted to `owner`: live tokens revoked (access tokens by a cut-off in the deny list), unredeemed codes and consents deleted
 * (and, for a user, their signed-in sessions). Run inside the caller's IMMEDIATE transaction,
 * with the deletion it goes with, so nothing is left half done.
 */
export function endGrants(db: Database.Database, owner: GrantOwner, now: number, options: { keepConsents?: boolean } = {}): SessionMember[] {
  const conditions: string[] = [];
  const params: string[] = [];
  if (owner.userId !== undefined) { conditions.push('user_id = ?'); params.push(owner.userId); }
  if (owner.clientId !== undefined) { conditions.push('client_id = ?'); params.push(owner.clientId); }
  if (conditions.length === 0) throw new Error('endGrants needs a user or a client');
  const where = conditions.join(' AND ');
  db.prepare(`UPDATE tokens SET revoked_at = ? WHERE ${where} AND revoked_at IS NULL`).run(now, ...params);
  // Access tokens are not stored: a cut-off ends those issued until now (types.ts AccessTokenDenyList).
  // Dated from the clock here, in the transaction, never earlier than `now`: a caller's `now` may
  // have been read before slow work (argon2 of a password change), and a token minted with the old
  // state in between would carry a later iat and outlive the cut-off (DESIGN.md). SQLite commits
  // this transaction synchronously, with no await between here and the commit.
  // A deleted client's cut-off is dated ahead by the client cache's bound: processes whose cache
  // still holds it keep issuing its tokens until then (denial-keys.ts CLIENT_CUTOFF_AHEAD_SECONDS).
  const deniedAt = cutoffTimeOf(owner, now);
  // One row per user, client, or user at a client that exists, so a signed-in user withdrawing
  // consent for made-up client_ids adds nothing.
  const key = denialKey.cutoff(owner.userId ?? null, owner.clientId ?? null);
  const clientMustExist = owner.userId !== undefined && owner.clientId !== undefined;
  db.prepare(`INSERT INTO access_token_denials (key, denied_at, expires_at) SELECT ?, ?, NULL
    WHERE ${clientMustExist ? 'EXISTS (SELECT 1 FROM clients WHERE client_id = ?)' : 'true'}
    ON CONFLICT (key) DO UPDATE SET denied_at = max(denied_at, excluded.denied_at)`).run(key, deniedAt, ...(clientMustExist ? [owner.clientId] : []));
  db.prepare(`DELETE FROM codes WHERE ${where}`).run(...params);
  // What the ended grants' ID tokens would have said (nonce, sid, claims asked for): no longer needed.
  db.prepare(`DELETE FROM openid_grants WHERE ${where}`).run(...params);
  // An ended grant's RP is no longer one of its session's to notify at logout; the caller tells it
  // now, after the commit (Back-Channel Logout 1.0 §2), so the rows are returned.
  const members = (db.prepare(`DELETE FROM session_clients WHERE ${where} RETURNING sid, client_id, user_id, expires_at`).all(...params) as
    { sid: string; client_id: string; user_id: string; expires_at: number }[])
    .map((row) => ({ sid: row.sid, clientId: row.client_id, userId: row.user_id, expiresAt: row.expires_at }));
  if (!options.keepConsents) db.prepare(`DELETE FROM consents WHERE ${where}`).run(...params);
  if (owner.userId !== undefined && owner.clientId === undefined) db.prepare('DELETE FROM sessions WHERE user_id = ?').run(owner.userId);
  if (owner.clientId !== undefined && owner.userId === undefined) {
    // A deleted client's self-registration (RFC 7592) ends with it.
    db.prepare('DELETE FROM client_registrations WHERE client_id = ?').run(owner.clientId);
    // A client registered later under the same client_id inherits no introspection rights.
    db.prepare(`UPDATE resource_servers SET introspection_clients = (SELECT json_group_array(value) FROM json_each(introspection_clients) WHERE value <> ?)
      WHERE EXISTS (SELECT 1 FROM json_each(introspection_clients) WHERE value = ?)`).run(owner.clientId, owner.clientId);
  }
  return members;
}
