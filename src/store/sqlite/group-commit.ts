/**
 * Group commit for SQLite writes on the request path. Writes that arrive in the same turn of the
 * event loop share one transaction: one set of locks and one WAL commit for all of them instead
 * of one each (on a busy server, this is most of the cost of storing a token).
 *
 * Nothing is answered early: each caller's promise resolves only once the transaction that holds
 * its rows has committed. If the shared transaction fails, each caller's rows are written again in
 * a transaction of their own, so that one bad row fails only its own request.
 */
export class GroupCommit<T> {
  private pending: { items: readonly T[]; resolve: () => void; reject: (error: unknown) => void }[] = [];

  /** `writeAll` writes its items in one transaction (a better-sqlite3 `db.transaction`). */
  constructor(private readonly writeAll: (items: readonly T[]) => void) {}

  /** Resolves when `items` are committed, all of them or none (they are in one transaction). */
  write(items: readonly T[]): Promise<void> {
    return new Promise((resolve, reject) => {
      // setImmediate runs after the I/O callbacks of this turn: every request read in it joins.
      if (this.pending.push({ items, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.writeAll(batch.length === 1 ? (batch[0] as (typeof batch)[0]).items : batch.flatMap((entry) => entry.items));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1) {
        (batch[0] as (typeof batch)[0]).reject(error);
        return;
      }
      for (const entry of batch) {
        try {
          this.writeAll(entry.items);
          entry.resolve();
        } catch (own) {
          entry.reject(own);
        }
      }
    }
  }
}
