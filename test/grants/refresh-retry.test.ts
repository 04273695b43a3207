import { describe, expect, it } from 'vitest';
import { openSuccessor, sealSuccessor } from '../../src/grants/refresh-retry.js';
import type { TokenResponse } from '../../src/grants/types.js';

const PRESENTED = 'tsr_rt_presented-refresh-token-with-256-random-bits-0123456789';
const RESPONSE: TokenResponse = { access_token: 'eyJhbGciOiJFUzI1NiJ9.payload.signature', token_type: 'Bearer', expires_in: 300, scope: 'read write', refresh_token: 'tsr_rt_successor' };
const NOW = 1_800_000_000;

describe('sealed successor tokens of a refresh rotation (finding 15)', () => {
  const sealed = sealSuccessor(PRESENTED, 'app', RESPONSE, NOW + 300);

  it('open, for the presented token and its client, as the same tokens with the remaining lifetime', () => {
    expect(openSuccessor(PRESENTED, 'app', sealed, NOW + 12)).toEqual({ ...RESPONSE, expires_in: 288 });
  });

  it('hold no token readable', () => {
    const bytes = Buffer.from(sealed, 'base64url').toString('latin1');
    for (const part of ['tsr_rt_successor', 'successor', 'signature', 'payload', 'read write']) expect(bytes).not.toContain(part);
    // A fresh nonce each time: sealing the same tokens twice gives different ciphertexts.
    expect(sealSuccessor(PRESENTED, 'app', RESPONSE, NOW + 300)).not.toBe(sealed);
  });

  it('do not open for another token, another client, or when altered', () => {
    expect(openSuccessor(`${PRESENTED}x`, 'app', sealed, NOW)).toBeUndefined();
    expect(openSuccessor(PRESENTED, 'other', sealed, NOW)).toBeUndefined();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[20] = (bytes[20] as number) ^ 1;
    expect(openSuccessor(PRESENTED, 'app', bytes.toString('base64url'), NOW)).toBeUndefined();
    expect(openSuccessor(PRESENTED, 'app', 'short', NOW)).toBeUndefined();
  });

  it('do not open once the access token has expired', () => {
    expect(openSuccessor(PRESENTED, 'app', sealed, NOW + 299)?.expires_in).toBe(1);
    expect(openSuccessor(PRESENTED, 'app', sealed, NOW + 300)).toBeUndefined();
  });
});
