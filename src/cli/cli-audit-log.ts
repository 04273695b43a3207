import { closeSync, openSync, writeSync } from 'node:fs';
import type { AuditEvent, AuditLog } from '../core/audit.js';
import { auditLine } from '../server/audit-log.js';
import { AdminError } from './admin-commands.js';

/** An audit line a command could not write: the command fails with this one line (main.ts, exit 2). */
export class AuditWriteError extends AdminError {}

/**
 * The audit log of a one-shot command (`tessera keys`): unlike a server's stream, which reports a
 * failed write to stderr and goes on, a command must not exit 0 with its event lost (RFC review
 * L4). So the file is opened before the command changes anything (a path that cannot be opened
 * fails first) and each line is written synchronously: a failed write throws, and the command
 * exits non-zero. `-` is stderr, not stdout: stdout carries the command's own JSON output.
 */
export function openCliAuditLog(target: string): { log: AuditLog; close(): void } {
  const fd = target === '-' ? 2 : openFile(target);
  const log: AuditLog = {
    record(event: AuditEvent) {
      try {
        writeSync(fd, auditLine(event));
      } catch (error) {
        throw new AuditWriteError(`writing the audit log ${target === '-' ? 'to stderr' : target} failed (${(error as Error).message}); the ${event.event} event of ${event.kid ?? 'this command'} is not recorded.`);
      }
    },
  };
  return { log, close: () => { if (fd !== 2) closeSync(fd); } };
}

function openFile(path: string): number {
  try {
    return openSync(path, 'a', 0o600);
  } catch (error) {
    throw new AuditWriteError(`cannot open the audit log ${path} (${(error as Error).message}); nothing was changed.`);
  }
}
