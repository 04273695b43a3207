// Types of the parts of bulk-load.mjs that the TypeScript tests import.
export declare function tokenHasher(secret: string): (value: string) => string;
export declare function loadSqlite(dbPath: string, rowsByTable: Record<string, Iterable<Record<string, unknown>>>): { rows: Record<string, number>; seconds: number };
export declare function backgroundRefreshTokens(count: number, audience: string): Generator<Record<string, unknown>>;
