import type { Command } from 'commander';
import type { UserClaims } from '../store/types.js';

/** The `tessera user create|update` flag of each settable standard claim (OpenID Connect Core §5.1). */
const STRING_CLAIM_FLAGS: readonly [flag: string, claim: string][] = [
  ['name', 'name'], ['given-name', 'given_name'], ['family-name', 'family_name'], ['middle-name', 'middle_name'],
  ['nickname', 'nickname'], ['preferred-username', 'preferred_username'], ['profile', 'profile'], ['picture', 'picture'],
  ['website', 'website'], ['email', 'email'], ['gender', 'gender'], ['birthdate', 'birthdate'], ['zoneinfo', 'zoneinfo'],
  ['locale', 'locale'], ['phone-number', 'phone_number'],
];
const BOOLEAN_CLAIM_FLAGS: readonly [flag: string, claim: string][] = [['email-verified', 'email_verified'], ['phone-number-verified', 'phone_number_verified']];

/** A flag value the command refuses, with a message that says what to give. */
export class InvalidClaimFlag extends Error {}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

/** Adds a flag per standard claim, `--address JSON`, and `--unset CLAIM` (repeatable). */
export function withClaimFlags(command: Command): Command {
  for (const [flag, claim] of STRING_CLAIM_FLAGS) command.option(`--${flag} <value>`, `the ${claim} claim`);
  for (const [flag, claim] of BOOLEAN_CLAIM_FLAGS) command.option(`--${flag} <true|false>`, `the ${claim} claim`);
  command.option('--address <json>', 'the address claim, a JSON object of formatted, street_address, locality, region, postal_code, country');
  command.option('--unset <claim>', 'remove a claim (repeat for several)', (value: string, previous: string[] = []) => [...previous, value]);
  return command;
}

/**
 * The user's claims after the flags: `current` (without updated_at, which the server maintains)
 * with each given claim set and each --unset claim removed; undefined when no claim flag was given.
 * Validation of the values is oidc/standard-claims.ts's, by the caller.
 */
export function claimsFromFlags(options: Record<string, unknown>, current: UserClaims): Record<string, unknown> | undefined {
  const { updated_at: _updatedAt, ...kept } = current;
  const claims: Record<string, unknown> = { ...kept };
  let given = false;
  for (const [flag, claim] of STRING_CLAIM_FLAGS) {
    const value = options[camel(flag)];
    if (typeof value === 'string') { claims[claim] = value; given = true; }
  }
  for (const [flag, claim] of BOOLEAN_CLAIM_FLAGS) {
    const value = options[camel(flag)];
    if (typeof value !== 'string') continue;
    if (value !== 'true' && value !== 'false') throw new InvalidClaimFlag(`--${flag} must be true or false.`);
    claims[claim] = value === 'true';
    given = true;
  }
  if (typeof options.address === 'string') {
    try {
      claims.address = JSON.parse(options.address) as unknown;
    } catch {
      throw new InvalidClaimFlag('--address must be a JSON object, e.g. \'{"locality":"Oxford","country":"GB"}\'.');
    }
    given = true;
  }
  for (const claim of (options.unset as string[] | undefined) ?? []) {
    delete claims[claim];
    given = true;
  }
  return given ? claims : undefined;
}
