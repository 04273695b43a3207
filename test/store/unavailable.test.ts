import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/store/unavailable.js';

describe('isDatabaseUnavailable', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('recognises an unreachable, frozen or restarting PostgreSQL and a locked SQLite', () => {
    for (const error of [
      withCode('ECONNREFUSED'), withCode('ECONNRESET'), withCode('57P01'), withCode('57P03'), withCode('08006'), withCode('57014'),
      Object.assign(new Error('connect ENOENT /tmp/s/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' }),
      new Error('timeout exceeded when trying to connect'), new Error('Connection terminated unexpectedly'), new Error('Query read timeout'),
      withCode('SQLITE_BUSY'), withCode('SQLITE_BUSY_SNAPSHOT'), withCode('SQLITE_LOCKED'),
    ]) expect(isDatabaseUnavailable(error), String((error as { code?: string }).code ?? error.message)).toBe(true);
  });

  it('leaves bugs and constraint violations alone', () => {
    for (const error of [new Error('boom'), withCode('23505'), withCode('42P01'), withCode('SQLITE_CONSTRAINT'), withCode('ENOENT'), undefined, 'text']) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
