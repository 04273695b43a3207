import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { AuditEvent, AuditLog } from '../core/audit.js';

/**
 * Security audit events as JSON lines, one object per line: time (ISO 8601), event, and the
 * client_id, user_id, address, request_id and details that apply. Events carry no secret by
 * construction (core/audit.ts): the fields are ids, addresses and fixed words only.
 */
export class JsonLinesAuditLog implements AuditLog {
  constructor(private readonly out: Writable, private readonly now: () => Date = () => new Date()) {}

  record(event: AuditEvent): void {
    this.out.write(auditLine(event, this.now()));
  }
}

/** One audit event as a JSON line (with its newline). */
export function auditLine(event: AuditEvent, time: Date = new Date()): string {
  const line = {
    time: time.toISOString(),
    event: event.event,
    client_id: event.clientId,
    user_id: event.userId,
    address: event.address,
    request_id: event.requestId,
    grant_type: event.grantType,
    token_kind: event.tokenKind,
    reason: event.reason,
    kid: event.kid,
    alg: event.alg,
  };
  return `${JSON.stringify(line)}\n`;
}

/**
 * `--audit-log FILE` appends to FILE (created 0600; several workers append whole lines to it),
 * `-` writes to stdout.
 */
export function openAuditLog(target: string): { log: JsonLinesAuditLog; close(): Promise<void> } {
  if (target === '-') return { log: new JsonLinesAuditLog(process.stdout), close: async () => undefined };
  const stream = createWriteStream(target, { flags: 'a', mode: 0o600 });
  stream.on('error', (error) => process.stderr.write(`tessera: writing the audit log ${target} failed: ${error.message}\n`));
  return { log: new JsonLinesAuditLog(stream), close: () => new Promise((resolve) => stream.end(resolve)) };
}
