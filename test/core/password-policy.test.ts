import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../src/core/common-passwords.js';
import { MIN_PASSWORD_LENGTH, passwordRefusal } from '../../src/core/password-policy.js';

describe('password policy (NIST SP 800-63B §5.1.1.2)', () => {
  it('refuses fewer than 8 characters, counting each code point once', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(8);
    expect(passwordRefusal('x7#kq!a', 'alice')).toMatch(/at least 8 characters/);
    expect(passwordRefusal('x7#kq!aZ', 'alice')).toBeUndefined();
    // Seven emoji are 14 UTF-16 units but 7 characters.
    expect(passwordRefusal('🦊🦊🦊🦊🦊🦊🦊', 'alice')).toMatch(/at least 8 characters/);
    expect(passwordRefusal('🦊🦊🦊🦊🦊🦊🦊🐻', 'alice')).toBeUndefined();
  });

  it('refuses common passwords whatever their case, and the username', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(300);
    for (const common of ['password', 'Password1', 'QWERTYUIOP', 'iloveyou1', 'welcome2024', 'tessera123']) {
      expect(passwordRefusal(common, 'alice'), common).toMatch(/most common passwords/);
    }
    expect(passwordRefusal('CarolDanvers', 'caroldanvers')).toMatch(/must not be the username/);
  });

  it('never repeats the password in its message', () => {
    for (const password of ['short', 'password123', 'samename1']) {
      expect(passwordRefusal(password, 'samename1')).not.toContain(password);
    }
  });
});
