import type Database from 'better-sqlite3';
import type { Row } from '../rows.js';
import type { OpenIdGrantRecord, OpenIdGrantStore, SessionMember } from '../types.js';
import { placeholders, rows } from './dialect.js';

const { columns, toParams, fromRow } = rows.openIdGrants;

/** What ID tokens of a token family need (types.ts OpenIdGrantRecord), one row per family. */
export class SqliteOpenIdGrantStore implements OpenIdGrantStore {
  private readonly insertStmt;
  private readonly findStmt;
  private readonly extendStmt;
  private readonly purgeStmt;
  private readonly joinStmt;
  private readonly leaveStmt;
  private readonly purgeMembersStmt;

  constructor(db: Database.Database) {
    // A family is saved once, when its code is issued; a second save of the same family changes nothing.
    this.insertStmt = db.prepare(`INSERT INTO openid_grants (${columns.join(', ')}) VALUES (${placeholders(columns)}) ON CONFLICT (family_id) DO NOTHING`);
    this.findStmt = db.prepare('SELECT * FROM openid_grants WHERE family_id = ?');
    // One statement, never shortening: concurrent extensions leave the latest expiry.
    this.extendStmt = db.prepare('UPDATE openid_grants SET expires_at = MAX(expires_at, ?) WHERE family_id = ?');
    this.purgeStmt = db.prepare('DELETE FROM openid_grants WHERE expires_at < ?');
    // One row per (session, client): signed-in users only, so anonymous callers cannot add any.
    this.joinStmt = db.prepare(`INSERT INTO session_clients (sid, client_id, user_id, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (sid, client_id) DO UPDATE SET expires_at = MAX(session_clients.expires_at, excluded.expires_at)`);
    // DELETE ... RETURNING: the rows a caller gets are the ones it deleted, so each client is
    // returned once however many workers end the session together.
    this.leaveStmt = db.prepare('DELETE FROM session_clients WHERE sid = ? RETURNING sid, client_id, user_id, expires_at');
    this.purgeMembersStmt = db.prepare('DELETE FROM session_clients WHERE expires_at < ?');
  }

  async save(grant: OpenIdGrantRecord): Promise<void> {
    this.insertStmt.run(...toParams(grant));
  }

  async find(familyId: string): Promise<OpenIdGrantRecord | undefined> {
    const row = this.findStmt.get(familyId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async extend(familyId: string, expiresAt: number): Promise<void> {
    this.extendStmt.run(expiresAt, familyId);
  }

  async purgeExpired(before: number): Promise<number> {
    return this.purgeStmt.run(before).changes + this.purgeMembersStmt.run(before).changes;
  }

  async joinSession(member: SessionMember): Promise<void> {
    this.joinStmt.run(member.sid, member.clientId, member.userId, member.expiresAt);
  }

  async leaveSession(sid: string): Promise<SessionMember[]> {
    return (this.leaveStmt.all(sid) as Row[]).map(memberFromRow);
  }
}

function memberFromRow(row: Row): SessionMember {
  return { sid: row.sid as string, clientId: row.client_id as string, userId: row.user_id as string, expiresAt: row.expires_at as number };
}
