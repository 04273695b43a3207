import type { ExchangeRequest, ExchangeResponse, MessageBody, NameValue } from './exchange.js';
import { MASK } from './masking.js';
import { literal, shellWord, UnquotableText, type ShellPiece, type ShellWord } from './shell-words.js';

/**
 * An exchange as raw HTTP/1.1 text, and its request as a curl command line. Both are rebuilt from
 * what the playground recorded, so they show what it shows: the headers that matter (plus Host),
 * the body as parsed, and every secret the page masks still masked. Values the page only shortens
 * (tokens, codes, long URLs) are written in full, as they were sent.
 */

/** RFC 9110 §5.1: a field name is a token; anything else is not written as a header at all. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The value as sent: the whole of a shortened one. */
function sent(value: NameValue): string {
  return value.full ?? value.value;
}

/**
 * One line of the raw view. Control characters are written as escapes (\r, \n, \x00), so that a
 * hostile value can never look like a second header or the end of the message.
 */
export function visibleLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Form or query parameters, encoded as they were sent; a masked value stays the mask (unencoded, so it reads as one). */
function encodedParams(params: readonly NameValue[]): string {
  return params.map((param) => {
    const name = new URLSearchParams([[param.name, '']]).toString().slice(0, -1);
    return param.masked ? `${name}=${MASK}` : new URLSearchParams([[param.name, sent(param)]]).toString();
  }).join('&');
}

function requestTarget(request: ExchangeRequest): { host: string; target: string } {
  const url = new URL(request.url);
  const query = encodedParams(request.query);
  return { host: url.host, target: `${url.pathname}${query === '' ? '' : `?${query}`}` };
}

function bodyText(body: MessageBody, indent: boolean): string {
  if (body.type === 'form') return encodedParams(body.params);
  if (body.type === 'json') return indent ? JSON.stringify(body.value, null, 2) : JSON.stringify(body.value);
  return body.text;
}

function headerLines(headers: readonly NameValue[]): string[] {
  return headers.filter((header) => TOKEN.test(header.name)).map((header) => visibleLine(`${header.name}: ${sent(header)}`));
}

/** The request as an HTTP/1.1 message (RFC 9112 §3): request line, Host, the recorded headers, a blank line, the body. */
export function rawRequest(request: ExchangeRequest): string {
  const { host, target } = requestTarget(request);
  const lines = [visibleLine(`${request.method} ${target} HTTP/1.1`), visibleLine(`Host: ${host}`), ...headerLines(request.headers)];
  return `${lines.join('\n')}\n${request.body ? `\n${bodyText(request.body, true)}` : ''}`;
}

/** The response as an HTTP/1.1 message (RFC 9112 §4): status line, the recorded headers, a blank line, the body. */
export function rawResponse(response: ExchangeResponse): string {
  const lines = [visibleLine(`HTTP/1.1 ${response.status} ${response.statusText}`), ...headerLines(response.headers)];
  return `${lines.join('\n')}\n${response.body ? `\n${bodyText(response.body, true)}` : ''}`;
}

/** A shell variable the curl line reads instead of a masked secret, and what to put in it. */
export interface CurlVariable {
  name: string;
  meaning: string;
}

export type CurlCommand =
  | { ok: true; command: string; variables: CurlVariable[] }
  | { ok: false; reason: string };

const VARIABLE_MEANINGS: Record<string, string> = {
  CLIENT_SECRET: 'the client\'s secret, form-urlencoded if it has special characters',
  PASSWORD: 'the user\'s password',
  BEARER_TOKEN: 'the token of this Authorization header',
  AUTHORIZATION: 'the Authorization header\'s value',
};

/** The variable of a masked parameter: CLIENT_SECRET, PASSWORD, or the name in capitals. */
function variableFor(name: string): string {
  const upper = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z_]/.test(upper) ? upper : `SECRET_${upper}`;
}

/** The masked Basic header says `Basic base64("<client_id>:••••••••")` (masking.ts). */
function basicClientId(display: string): string | undefined {
  const match = /^Basic base64\("([\s\S]*):••••••••"\)$/.exec(display);
  return match?.[1];
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before they are joined for Basic. */
function formEncoded(text: string): string {
  return new URLSearchParams([['', text]]).toString().slice(1);
}

/**
 * The request as a curl command that sends it again. Masked values become shell variables
 * ("$CLIENT_SECRET"), which the command never contains; every other value is single-quoted, so
 * no character in it (quotes, $, backticks, newlines) means anything to the shell. curl's own
 * syntax is kept out of the way too: --url for the URL, --globoff when it holds [ ] { }, and
 * --data-raw, which never reads a file for a leading @.
 */
export function curlCommand(request: ExchangeRequest): CurlCommand {
  const variables = new Map<string, string>();
  const use = (name: string): string => {
    variables.set(name, VARIABLE_MEANINGS[name] ?? 'the value the page masks');
    return name;
  };
  const args: ShellWord[] = [literal('curl'), literal('-i')];
  const method = request.method.toUpperCase();
  const hasBody = request.body !== undefined;
  if (method !== 'GET' && !(method === 'POST' && hasBody)) args.push(literal('-X'), literal(method));

  const url = new URL(request.url);
  const base = `${url.origin}${url.pathname}`;
  const pieces: ShellPiece[] = [{ literal: base }];
  request.query.forEach((param, index) => {
    const separator = index === 0 ? '?' : '&';
    const name = formEncoded(param.name);
    if (param.masked) pieces.push({ literal: `${separator}${name}=` }, { variable: use(variableFor(param.name)) });
    else pieces.push({ literal: `${separator}${name}=${formEncoded(sent(param))}` });
  });
  if (/[[\]{}]/.test(base)) args.push(literal('--globoff'));
  args.push(literal('--url'), pieces);

  for (const header of request.headers) {
    if (!TOKEN.test(header.name)) continue;
    if (header.masked && header.name.toLowerCase() === 'authorization') {
      const clientId = basicClientId(header.value);
      if (clientId !== undefined) {
        // curl -u builds the Basic header itself from "user:password".
        args.push(literal('-u'), [{ literal: `${formEncoded(clientId)}:` }, { variable: use('CLIENT_SECRET') }]);
      } else if (/^Bearer /i.test(header.value)) {
        args.push(literal('-H'), [{ literal: 'Authorization: Bearer ' }, { variable: use('BEARER_TOKEN') }]);
      } else {
        args.push(literal('-H'), [{ literal: 'Authorization: ' }, { variable: use('AUTHORIZATION') }]);
      }
      continue;
    }
    if (header.masked) {
      args.push(literal('-H'), [{ literal: `${header.name}: ` }, { variable: use(variableFor(header.name)) }]);
      continue;
    }
    args.push(literal('-H'), literal(`${header.name}: ${sent(header)}`));
  }

  const body = request.body;
  if (body?.type === 'form') {
    for (const param of body.params) {
      const name = formEncoded(param.name);
      // --data-urlencode 'name='"$VAR": curl encodes what the shell put after the first '=' (the name has none: it is encoded).
      if (param.masked) args.push(literal('--data-urlencode'), [{ literal: `${name}=` }, { variable: use(variableFor(param.name)) }]);
      else args.push(literal('--data-raw'), literal(`${name}=${formEncoded(sent(param))}`));
    }
  } else if (body) {
    args.push(literal('--data-raw'), literal(bodyText(body, false)));
  }

  try {
    const words = args.map(shellWord);
    return { ok: true, command: joinArguments(words), variables: [...variables].map(([name, meaning]) => ({ name, meaning })) };
  } catch (error) {
    if (error instanceof UnquotableText) return { ok: false, reason: 'This request holds a NUL character, which no command line can carry.' };
    throw error;
  }
}

/** One option and its value per line, continued with a backslash, so that the command reads like a request. */
function joinArguments(words: readonly string[]): string {
  const lines: string[] = [];
  let current = words[0] ?? '';
  for (const word of words.slice(1)) {
    if (word.startsWith('-') && word !== '-i') {
      lines.push(current);
      current = `  ${word}`;
    } else {
      current += ` ${word}`;
    }
  }
  lines.push(current);
  return lines.join(' \\\n');
}
