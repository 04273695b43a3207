/**
 * POSIX shell words for the "copy as curl" lines. A word is a list of pieces: literal text, which
 * is single-quoted (nothing is special inside '...' in a POSIX shell, not even a backslash or a
 * newline; a quote is written '\'' ), and variable references, written "$NAME", so that a secret
 * the page masks is never in the command: the shell fills it in from the learner's environment.
 */

export type ShellPiece = { literal: string } | { variable: string };

/** A word of one or more pieces, joined without spaces ('id:'"$CLIENT_SECRET"). */
export type ShellWord = readonly ShellPiece[];

/** A byte a command line cannot carry: argv strings end at NUL. */
export class UnquotableText extends Error {
  constructor() {
    super('text with a NUL character cannot be a shell argument');
    this.name = 'UnquotableText';
  }
}

const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Characters that mean nothing to a POSIX shell in an argument after the command name (no quote,
 * expansion, glob, operator, space or leading tilde), so a word of only these is left bare: `curl -i`.
 */
const BARE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/** Literal text as one shell word: bare when nothing in it is special, else single-quoted. */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new UnquotableText();
  if (BARE.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A variable reference; the name is ours, never input, and checked so that "$NAME" expands to exactly one variable. */
export function quoteVariable(name: string): string {
  if (!VARIABLE_NAME.test(name)) throw new Error(`not a shell variable name: ${name}`);
  return `"$${name}"`;
}

export function shellWord(word: ShellWord): string {
  if (word.length === 0) return `''`;
  return word.map((piece) => ('literal' in piece ? quoteLiteral(piece.literal) : quoteVariable(piece.variable))).join('');
}

/** Shorthand for a word that is all literal text. */
export function literal(text: string): ShellWord {
  return [{ literal: text }];
}
