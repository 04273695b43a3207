import { randomFillSync } from 'node:crypto';

/** Randomness is injected (DESIGN.md convention 4); production uses the CSPRNG. */
export interface RandomSource {
  /** `byteLength` random bytes, base64url-encoded. */
  token(byteLength: number): string;
}

// CSPRNG output is drawn in 4 KiB blocks and each byte handed out once, as node:crypto's own
// randomUUID does: one getrandom call per ~200 tokens instead of one per token (a system call
// costs several microseconds on a virtual machine). See docs/BENCHMARKS.md.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export const cryptoRandom: RandomSource = {
  token(byteLength) {
    if (byteLength > POOL_BYTES) return randomFillSync(Buffer.alloc(byteLength)).toString('base64url');
    if (offset + byteLength > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    const value = pool.toString('base64url', offset, offset + byteLength);
    // Used bytes are wiped, so that no later bug can hand them out twice.
    pool.fill(0, offset, offset + byteLength);
    offset += byteLength;
    return value;
  },
};
