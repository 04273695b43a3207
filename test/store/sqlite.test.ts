import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeConformance } from './conformance.js';

storeConformance('SQLite :memory:', async () => new SqliteStore(':memory:'));

// A file adds what memory skips: WAL, and a database that other processes could open.
const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'));
let files = 0;
storeConformance('SQLite file', async () => new SqliteStore(join(dir, `store-${++files}.db`)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
