import { hkdfSync, randomBytes } from 'node:crypto';

/**
 * The server secret(s), from `--secret-file` / TESSERA_SECRET_FILE / TESSERA_SECRET. Every key the
 * server uses for its own data is derived from them with HKDF-SHA-256, one key per purpose, so a
 * key that leaks through one use says nothing about the others. The first secret makes new data;
 * the others are still accepted, so the secret can be rotated without invalidating anything.
 */
export class ServerSecrets {
  private readonly derived = new Map<string, readonly Buffer[]>();

  private constructor(private readonly secrets: readonly Buffer[]) {}

  /** At least one secret of at least 32 bytes (after decoding); the first is current. */
  static from(secrets: readonly (string | Buffer)[]): ServerSecrets {
    const buffers = secrets.map((secret) => (typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret));
    if (buffers.length === 0) throw new RangeError('at least one server secret is required');
    if (buffers.some((secret) => secret.length < 32)) throw new RangeError('a server secret must be at least 32 bytes');
    return new ServerSecrets(buffers);
  }

  /** A random secret for this process only: for tests and single-process embedding, never for workers. */
  static ephemeral(): ServerSecrets {
    return new ServerSecrets([randomBytes(32)]);
  }

  /** Keys for `purpose`, one per secret, the current first. */
  keys(purpose: string): readonly Buffer[] {
    let keys = this.derived.get(purpose);
    if (!keys) {
      keys = this.secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `tessera ${purpose}`, 32)));
      this.derived.set(purpose, keys);
    }
    return keys;
  }

  /** The key new data of `purpose` is made with. */
  currentKey(purpose: string): Buffer {
    return this.keys(purpose)[0] as Buffer;
  }
}
