/**
 * Text a client chooses about itself (client_name) and the server shows to users. Control
 * characters (Cc: NUL, newlines, escape...), format characters (Cf, which include the bidi
 * embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069) and the line/paragraph
 * separators would let a name hide or reorder what the page says around it (a right-to-left
 * override turns "evil.example" into text that reads otherwise; Unicode Technical Report #36 §2.4),
 * so such a name is refused rather than cleaned up.
 */
const HIDDEN_OR_REORDERING = /[\p{Cc}\p{Cf}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Whether `text` has no character that is invisible or reorders the text around it. */
export function isDisplayableText(text: string): boolean {
  return !HIDDEN_OR_REORDERING.test(text);
}

/** The client_id of a self-registered (RFC 7591) client starts with this (core/dynamic-registration.ts). */
export const SELF_REGISTERED_CLIENT_ID_PREFIX = 'dyn_';
