import { COMMON_PASSWORDS } from './common-passwords.js';

/** NIST SP 800-63B §5.1.1.2: memorized secrets chosen by the subscriber SHALL be at least 8 characters. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * Why a password chosen for a user is refused, in one line that never repeats it; undefined when
 * it is acceptable. NIST SP 800-63B §5.1.1.2: at least 8 characters, each Unicode code point
 * counting as one; and not a value "known to be commonly-used, expected, or compromised",
 * including context-specific words such as the username. No composition rules (the same
 * section says verifiers SHOULD NOT impose them).
 */
export function passwordRefusal(password: string, username: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `the password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  const folded = password.normalize('NFKC').toLowerCase();
  if (COMMON_PASSWORDS.has(folded)) return 'that password is on the list of the most common passwords; choose another.';
  if (folded === username.normalize('NFKC').toLowerCase()) return 'the password must not be the username.';
  return undefined;
}
