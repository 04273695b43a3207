import type { UserClaims } from '../store/types.js';

/**
 * OpenID Connect Core 1.0 §5.1 standard claims, by JSON type. `sub` is not among them: it is the
 * user's id (or a pairwise value), never stored as a claim.
 */
const STRING_CLAIMS = [
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number',
] as const;
const BOOLEAN_CLAIMS = ['email_verified', 'phone_number_verified'] as const;
/** Core §5.1.1: the members of the address claim, all strings. */
export const ADDRESS_MEMBERS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'] as const;
const URL_CLAIMS = new Set(['profile', 'picture', 'website']);

/** Every standard claim this server can hold for a user, `sub` first (discovery's claims_supported). */
export const STANDARD_CLAIMS: readonly string[] = ['sub', ...STRING_CLAIMS, ...BOOLEAN_CLAIMS, 'address', 'updated_at'];

/** The claims an administrator may set (updated_at is maintained by the server). */
export const SETTABLE_CLAIMS: readonly string[] = [...STRING_CLAIMS, ...BOOLEAN_CLAIMS, 'address'];

/** Core §5.4: the claims each scope value requests. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
    'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** A claim value that is not what Core §5.1 says it is; the message names the claim, never echoes the value. */
export class InvalidUserClaims extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUserClaims';
  }
}

// Core §5.1 birthdate: ISO 8601 YYYY-MM-DD, YYYY alone, or 0000-MM-DD when the year is withheld.
const BIRTHDATE = /^\d{4}(-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))?$/;
// Core §5.1 locale: a BCP47 language tag (RFC 5646), e.g. en-US or fr-CA; OpenID also shows en_US.
const LOCALE = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/;
// Core §5.1 zoneinfo: a zoneinfo time zone name, e.g. Europe/Paris.
const ZONEINFO = /^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/;
const MAX_LENGTH = 1_000;

function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_LENGTH) {
    throw new InvalidUserClaims(`claim "${name}" must be a non-empty string of at most ${MAX_LENGTH} characters.`);
  }
  if (/[\u0000-\u001F\u007F]/.test(value) && name !== 'formatted') throw new InvalidUserClaims(`claim "${name}" must not contain control characters.`);
  if (URL_CLAIMS.has(name)) {
    let url: URL | undefined;
    try { url = new URL(value); } catch { url = undefined; }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new InvalidUserClaims(`claim "${name}" must be an http(s) URL (OpenID Connect Core section 5.1).`);
  }
  if (name === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) throw new InvalidUserClaims('claim "email" must be an e-mail address (RFC 5322 addr-spec).');
  if (name === 'birthdate' && !BIRTHDATE.test(value)) throw new InvalidUserClaims('claim "birthdate" must be YYYY-MM-DD, YYYY or 0000-MM-DD (OpenID Connect Core section 5.1).');
  if (name === 'locale' && !LOCALE.test(value)) throw new InvalidUserClaims('claim "locale" must be a BCP47 language tag such as en-US.');
  if (name === 'zoneinfo' && !ZONEINFO.test(value)) throw new InvalidUserClaims('claim "zoneinfo" must be a time zone name such as Europe/Paris.');
  // Core §5.1: E.164 is RECOMMENDED for phone_number, e.g. +1 (425) 555-1212; extensions allowed.
  if (name === 'phone_number' && !/^\+?[0-9 ().\-]{3,32}(;ext=[0-9]{1,10})?$/.test(value)) throw new InvalidUserClaims('claim "phone_number" must be a telephone number such as +1 425 555 1212.');
  return value;
}

/**
 * Validates claims an administrator sets (seed file, `tessera user create|update`): only the
 * settable standard claims, each of its Core §5.1 type. Returns a new object without `updated_at`.
 */
export function validateUserClaims(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidUserClaims('claims must be a JSON object.');
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (name === 'updated_at') throw new InvalidUserClaims('claim "updated_at" is maintained by the server; do not set it.');
    if (name === 'sub') throw new InvalidUserClaims('claim "sub" is the user\'s id; it cannot be set.');
    if ((STRING_CLAIMS as readonly string[]).includes(name)) claims[name] = checkString(name, value);
    else if ((BOOLEAN_CLAIMS as readonly string[]).includes(name)) {
      if (typeof value !== 'boolean') throw new InvalidUserClaims(`claim "${name}" must be true or false.`);
      claims[name] = value;
    } else if (name === 'address') claims[name] = validateAddress(value);
    else throw new InvalidUserClaims(`"${name.slice(0, 40).replace(/[^\x20-\x7E]/g, '?')}" is not a standard claim; expected one of ${SETTABLE_CLAIMS.join(', ')}.`);
  }
  return claims;
}

function validateAddress(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidUserClaims('claim "address" must be a JSON object (OpenID Connect Core section 5.1.1).');
  const address: Record<string, string> = {};
  for (const [member, part] of Object.entries(value as Record<string, unknown>)) {
    if (!(ADDRESS_MEMBERS as readonly string[]).includes(member)) throw new InvalidUserClaims(`claim "address" may only have the members ${ADDRESS_MEMBERS.join(', ')}.`);
    address[member] = checkString(member, part);
  }
  if (Object.keys(address).length === 0) throw new InvalidUserClaims('claim "address" must have at least one member.');
  return address;
}

/**
 * The claims to store: `next` (validated) with `updated_at` (Core §5.1: the time the information
 * was last updated) kept when nothing changed, set to `now` when something did.
 */
export function withUpdatedAt(previous: UserClaims, next: Record<string, unknown>, now: number): Record<string, unknown> {
  const { updated_at: previousUpdatedAt, ...previousRest } = previous;
  const changed = JSON.stringify(sortKeys(previousRest)) !== JSON.stringify(sortKeys(next));
  if (Object.keys(next).length === 0 && !changed) return {};
  return { ...next, updated_at: changed || typeof previousUpdatedAt !== 'number' ? now : previousUpdatedAt };
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(value).sort().map((key) => {
    const member = value[key];
    return [key, typeof member === 'object' && member !== null && !Array.isArray(member) ? sortKeys(member as Record<string, unknown>) : member];
  }));
}
