import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CookieSeal } from '../../src/server/cookie-seal.js';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);

describe('CookieSeal', () => {
  it('opens what it sealed, and the sealed value shows nothing of it', () => {
    const seal = new CookieSeal([newKey], 'label');
    const sealed = seal.seal('csrf-token-value');
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('csrf-token-value');
    expect(seal.open(sealed)).toBe('csrf-token-value');
    expect(seal.seal('csrf-token-value')).not.toBe(sealed);
  });

  it('refuses any changed byte, another label, another key, and junk', () => {
    const seal = new CookieSeal([newKey], 'label');
    const bytes = Buffer.from(seal.seal('value'), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = (changed[i] as number) ^ 1;
      expect(seal.open(changed.toString('base64url')), `byte ${i}`).toBeUndefined();
    }
    expect(new CookieSeal([newKey], 'other label').open(bytes.toString('base64url'))).toBeUndefined();
    expect(new CookieSeal([oldKey], 'label').open(bytes.toString('base64url'))).toBeUndefined();
    for (const junk of ['', 'a', 'not base64url!', 'A'.repeat(40), '%00']) expect(seal.open(junk)).toBeUndefined();
  });

  it('seals with the first key and opens with any, so that the secret can rotate', () => {
    const before = new CookieSeal([oldKey], 'label').seal('value');
    const rotated = new CookieSeal([newKey, oldKey], 'label');
    expect(rotated.open(before)).toBe('value');
    expect(new CookieSeal([newKey], 'label').open(rotated.seal('value'))).toBe('value');
  });
});
