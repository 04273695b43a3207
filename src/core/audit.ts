/**
 * Security audit events (issue 11): what happened, to which client and user, from where, in which
 * request; never a secret (no password, token, code or client secret, and no typed username,
 * which is sometimes a password typed in the wrong field). The modules that decide emit them
 * through an injected AuditLog; the server wires a JSON-lines file and the metrics to it.
 */
export type AuditEventName =
  | 'sign_in.succeeded' | 'sign_in.failed' | 'sign_in.throttled'
  | 'consent.granted' | 'consent.denied' | 'consent.withdrawn'
  | 'token.issued' | 'token.refreshed' | 'token.revoked'
  | 'refresh_token.reuse_detected'
  | 'client_authentication.failed'
  | 'key.created' | 'key.rotated' | 'key.retired'
  | 'session.ended'
  | 'client.registered' | 'client.updated' | 'client.deleted';

export interface AuditEvent {
  readonly event: AuditEventName;
  readonly clientId?: string | undefined;
  readonly userId?: string | undefined;
  /** The caller's address (after --trust-proxy). */
  readonly address?: string | undefined;
  readonly requestId?: string | undefined;
  /** token.issued: the grant_type. */
  readonly grantType?: string | undefined;
  /** token.revoked: access_token or refresh_token. */
  readonly tokenKind?: string | undefined;
  /** Why a failure happened (or, for session.ended, how: sign_out, rp_logout), in a fixed word (never the caller's input). */
  readonly reason?: string | undefined;
  /** key.created and key.rotated: the new key's id (public); key.retired: the retired key's. */
  readonly kid?: string | undefined;
  /** key.created, key.rotated and key.retired: the key's algorithm. */
  readonly alg?: string | undefined;
}

export interface AuditLog {
  record(event: AuditEvent): void;
}

/** Records nothing: the default of every module that takes an AuditLog. */
export const noAudit: AuditLog = { record() {} };

/** Where a request came from, for the audit events it causes. */
export interface RequestOrigin {
  readonly address: string;
  readonly requestId?: string | undefined;
}

/** One AuditLog that hands each event to several (the audit file and the metrics). */
export function auditToAll(logs: readonly AuditLog[]): AuditLog {
  const active = logs.filter((log) => log !== noAudit);
  if (active.length === 0) return noAudit;
  if (active.length === 1) return active[0] as AuditLog;
  return { record(event) { for (const log of active) log.record(event); } };
}
