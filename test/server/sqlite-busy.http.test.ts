import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { basic, postForm } from '../helpers/oauth-client.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * Another process holding SQLite's write lock past the busy timeout (5 s): 503
 * temporarily_unavailable with Retry-After, not 500; and 200 once the lock is released.
 */
describe('a SQLite database locked by another process', () => {
  let server: RunningServer;
  let path: string;

  beforeAll(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'tessera-busy-')), 't.db');
    server = await startServer({
      store: new SqliteStore(path),
      clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token'], scope: 'read' }],
      users: [{ username: 'pat', password: 'pat-password' }],
    });
  });
  afterAll(() => server?.close());

  it('answers 503 with Retry-After after the busy timeout, then 200 when the lock is gone', async () => {
    const signIn = () => postForm(`${server.issuer}/token`, 'grant_type=password&username=pat&password=pat-password', { authorization: basic('app', 'app-secret') });
    expect((await signIn()).status).toBe(200);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = Date.now();
      const locked = await signIn();
      expect(locked.status).toBe(503);
      expect(locked.json.error).toBe('temporarily_unavailable');
      expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await signIn()).status).toBe(200);
  }, 30_000);
});
