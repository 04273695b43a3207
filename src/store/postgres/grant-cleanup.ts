import { cutoffTimeOf, denialKey } from '../denial-keys.js';
import type { Queryable } from './dialect.js';
import type { SessionMember } from '../types.js';

/** Whose grants end: one user's, one client's, or one user's at one client. */
export interface GrantOwner {
  userId?: string;
  clientId?: string;
}

/**
 * Ends everything granted to `owner`. First the lock of every family it has (of its tokens and of
 * its unredeemed codes), in a fixed order: redemptions and rotations take a family's lock before
 * its rows too, so nobody waits in a circle, and once held no redemption or rotation of those
 * families is half done. Then codes are deleted, live tokens revoked, consents (and, for a user,
 * signed-in sessions) deleted. Run inside the caller's transaction, with the deletion it goes with.
 */
export async function endGrants(db: Queryable, owner: GrantOwner, now: number, options: { keepConsents?: boolean } = {}): Promise<SessionMember[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (owner.userId !== undefined) { params.push(owner.userId); conditions.push(`user_id = $${params.length}`); }
  if (owner.clientId !== undefined) { params.push(owner.clientId); conditions.push(`client_id = $${params.length}`); }
  if (conditions.length === 0) throw new Error('endGrants needs a user or a client');
  const where = conditions.join(' AND ');
  await db.query(`
    SELECT pg_advisory_xact_lock(hashtextextended(family_id, 0))
    FROM (
      SELECT family_id FROM tokens WHERE ${where} AND revoked_at IS NULL
      UNION SELECT family_id FROM codes WHERE ${where}
      ORDER BY family_id
    ) AS families`, params);
  await db.query(`DELETE FROM codes WHERE ${where}`, params);
  // What the ended grants' ID tokens would have said (nonce, sid, claims asked for): no longer needed.
  await db.query(`DELETE FROM openid_grants WHERE ${where}`, params);
  // An ended grant's RP is no longer one of its session's to notify at logout.
  // Returned so that the caller tells these RPs after the commit (Back-Channel Logout 1.0 §2).
  const { rows: memberRows } = await db.query(`DELETE FROM session_clients WHERE ${where} RETURNING sid, client_id, user_id, expires_at`, params);
  const members = (memberRows as { sid: string; client_id: string; user_id: string; expires_at: string | number }[])
    .map((row) => ({ sid: row.sid, clientId: row.client_id, userId: row.user_id, expiresAt: Number(row.expires_at) }));
  await db.query(`UPDATE tokens SET revoked_at = $${params.length + 1} WHERE ${where} AND revoked_at IS NULL`, [...params, now]);
  if (!options.keepConsents) await db.query(`DELETE FROM consents WHERE ${where}`, params);
  if (owner.userId !== undefined && owner.clientId === undefined) await db.query('DELETE FROM sessions WHERE user_id = $1', [owner.userId]);
  if (owner.clientId !== undefined && owner.userId === undefined) {
    // A deleted client's self-registration (RFC 7592) ends with it.
    await db.query('DELETE FROM client_registrations WHERE client_id = $1', [owner.clientId]);
    // A client registered later under the same client_id inherits no introspection rights.
    await db.query('UPDATE resource_servers SET introspection_clients = array_remove(introspection_clients, $1) WHERE $1 = ANY (introspection_clients)', [owner.clientId]);
  }
  // Access tokens are not stored: a cut-off ends those issued until now (types.ts AccessTokenDenyList).
  // Written last and dated from the clock now, never earlier than `now`: a caller's `now` may have
  // been read before slow work (argon2 of a password change) and a token minted in between with the
  // old state would carry a later iat than the cut-off (DESIGN.md). The commit follows at once.
  // A deleted client's cut-off is dated ahead by the client cache's bound: processes whose cache
  // still holds it keep issuing its tokens until then (denial-keys.ts CLIENT_CUTOFF_AHEAD_SECONDS).
  const deniedAt = cutoffTimeOf(owner, now);
  // One row per user, client, or user at a client that exists, so a signed-in user withdrawing
  // consent for made-up client_ids adds nothing.
  const key = denialKey.cutoff(owner.userId ?? null, owner.clientId ?? null);
  const clientMustExist = owner.userId !== undefined && owner.clientId !== undefined;
  await db.query(`INSERT INTO access_token_denials (key, denied_at, expires_at) SELECT $1, $2::bigint, NULL
    WHERE ${clientMustExist ? 'EXISTS (SELECT 1 FROM clients WHERE client_id = $3)' : 'true'}
    ON CONFLICT (key) DO UPDATE SET denied_at = GREATEST(access_token_denials.denied_at, excluded.denied_at)`,
  clientMustExist ? [key, deniedAt, owner.clientId] : [key, deniedAt]);
  return members;
}
