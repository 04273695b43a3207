import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenHash } from '../../src/oidc/token-hash.js';

describe('at_hash (OpenID Connect Core 3.1.3.6)', () => {
  it('matches the examples of OpenID Connect Core Appendix A (RS256: left half of SHA-256, base64url)', () => {
    // Core A.3/A.4: access_token and its at_hash; A.4 code and its c_hash (the same rule).
    expect(tokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
    expect(tokenHash('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk', 'RS256')).toBe('LDktKdoQak3Pk0cnXxCltA');
  });

  it('ES256 uses SHA-256 too; EdDSA (Ed25519) the left half of SHA-512', () => {
    const token = 'eyJhbGciOiJFUzI1NiJ9.e30.sig';
    expect(tokenHash(token, 'ES256')).toBe(tokenHash(token, 'RS256'));
    const sha512 = createHash('sha512').update(token).digest();
    expect(tokenHash(token, 'EdDSA')).toBe(sha512.subarray(0, 32).toString('base64url'));
    expect(Buffer.from(tokenHash(token, 'EdDSA'), 'base64url')).toHaveLength(32);
  });

  it('differs for different tokens', () => {
    expect(tokenHash('a', 'RS256')).not.toBe(tokenHash('b', 'RS256'));
  });
});
