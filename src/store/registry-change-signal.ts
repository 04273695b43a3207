/**
 * Tells the caches of this process, at once, that a client or resource server was written through
 * this store object (after the write committed). Other processes learn of it from the registry
 * version the write bumped (RegistryVersionStore), within one poll interval.
 */
export class RegistryChangeSignal {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after every committed registry write made through this store; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  announce(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Runs a registry write and announces it once it has committed, or failed (a needless
   * announcement only costs the caches a few reads; a missed one would leave them stale).
   */
  async afterWrite<T>(write: () => T | Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.announce();
    }
  }
}
