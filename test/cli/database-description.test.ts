import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDatabase, redactPostgresUrl } from '../../src/cli/database-description.js';

describe('the database tessera serve logs', () => {
  it('gives SQLite paths absolute', () => {
    expect(describeDatabase({ kind: 'sqlite', path: './data/x.db' })).toEqual({ kind: 'sqlite', path: resolve('data/x.db') });
    expect(describeDatabase({ kind: 'sqlite', path: ':memory:' })).toEqual({ kind: 'sqlite', path: ':memory:' });
  });

  it('never shows a PostgreSQL password', () => {
    const described = describeDatabase({ kind: 'postgres', url: 'postgres://app:s3cr%40t@db.example:5432/tessera?password=other&sslmode=require' });
    expect(described.url).toBe('postgres://app:***@db.example:5432/tessera?password=***&sslmode=require');
    expect(JSON.stringify(described)).not.toMatch(/s3cr|other/);
    expect(redactPostgresUrl('postgres://app@localhost/tessera')).toBe('postgres://app@localhost/tessera');
    expect(redactPostgresUrl('postgres://u:p@[bad')).toBe('postgres://(unparsable URL)');
  });
});
