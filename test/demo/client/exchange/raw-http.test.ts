import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExchangeRequest } from '../../../../src/demo/client/exchange/exchange.js';
import { exchangeResponse, messageBody, requestHeaders } from '../../../../src/demo/client/exchange/http-message.js';
import { MASK, maskedParams } from '../../../../src/demo/client/exchange/masking.js';
import { curlCommand, rawRequest, rawResponse, visibleLine } from '../../../../src/demo/client/exchange/raw-http.js';
import { quoteLiteral, shellWord } from '../../../../src/demo/client/exchange/shell-words.js';

/**
 * A reference reader of the POSIX shell words the curl lines use (XCU 2.2 Quoting, 2.6.2
 * parameter expansion of "$NAME" and $NAME, backslash-newline continuation), written
 * independently of shell-words.ts: what it reads back must be exactly the argv we meant.
 * test/demo/client/exchange/curl-shell.http.test.ts checks the same against /bin/sh itself.
 */
function readShellWords(line: string, env: Readonly<Record<string, string>> = {}): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let i = 0;
  const variableAt = (start: number): [string, number] => {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(start));
    if (!match) throw new Error(`bad $ at ${start}`);
    return [env[match[0]] ?? '', start + match[0].length];
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '\n') { i += 2; continue; }
    if (c === ' ' || c === '\t' || c === '\n') {
      if (current !== undefined) words.push(current);
      current = undefined;
      i++;
      continue;
    }
    current ??= '';
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      current += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (line[i] !== '"') {
        if (i >= line.length) throw new Error('unterminated double quote');
        if (line[i] === '$') { const [value, next] = variableAt(i + 1); current += value; i = next; continue; }
        if (line[i] === '\\' || line[i] === '`') throw new Error('unexpected escape in double quotes');
        current += line[i];
        i++;
      }
      i++;
    } else if (c === '\\') {
      current += line[i + 1] ?? '';
      i += 2;
    } else if (/[A-Za-z0-9_\-./:=@%+,]/.test(c)) {
      current += c;
      i++;
    } else {
      throw new Error(`unquoted special character ${JSON.stringify(c)} at ${i}`);
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** Strings meant to break quoting: quotes, $, backticks, backslashes, newlines, unicode, curl's own @ and {}. */
const HOSTILE = ["it's", '"quoted"', '$(touch /tmp/pwned)', '`id`', '\\', 'a\nb', 'a\r\nSet-Cookie: x=1', '$HOME', "'; rm -rf / #", '@/etc/passwd', '{a,b}[1-2]', 'é 漢字 🙂', '\u202etxt', '-X', ''];
const NO_NUL = fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0'));

describe('shell quoting of the curl lines', () => {
  it('reads back exactly the text it quoted, whatever the text (property)', () => {
    fc.assert(fc.property(NO_NUL, (text) => {
      expect(readShellWords(quoteLiteral(text))).toEqual([text]);
    }), { numRuns: 500 });
    for (const text of HOSTILE) expect(readShellWords(quoteLiteral(text))).toEqual([text]);
  });

  it('joins literal text and variables into one word, the variable only ever expanded', () => {
    fc.assert(fc.property(NO_NUL, NO_NUL, (before, after) => {
      const word = shellWord([{ literal: before }, { variable: 'CLIENT_SECRET' }, { literal: after }]);
      expect(readShellWords(word, { CLIENT_SECRET: 's3cr$t' })).toEqual([`${before}s3cr$t${after}`]);
    }), { numRuns: 300 });
  });

  it('refuses a NUL, which no argv can carry, and names no variable that is not a plain name', () => {
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
    expect(() => shellWord([{ variable: 'X; rm' }])).toThrow();
    expect(() => shellWord([{ variable: '$(id)' }])).toThrow();
  });
});

function tokenRequest(body: URLSearchParams, authorization?: string): ExchangeRequest {
  const headers: [string, string][] = [['content-type', 'application/x-www-form-urlencoded;charset=UTF-8'], ['accept', 'application/json']];
  if (authorization) headers.unshift(['authorization', authorization]);
  return { method: 'POST', url: 'http://127.0.0.1:9000/token', query: [], headers: requestHeaders(headers), body: messageBody(body, 'application/x-www-form-urlencoded') };
}

describe('copy as curl', () => {
  it('never puts a masked client secret or password in the command: the shell fills them in', () => {
    const basic = `Basic ${Buffer.from('playground-intranet:playground-intranet-secret').toString('base64')}`;
    const request = tokenRequest(new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'wonderland', scope: 'read write' }), basic);
    const curl = curlCommand(request);
    if (!curl.ok) throw new Error(curl.reason);
    expect(curl.command).not.toContain('playground-intranet-secret');
    expect(curl.command).not.toContain('wonderland');
    expect(curl.command).not.toContain(basic.slice(6));
    expect(curl.command).not.toContain(MASK);
    expect(curl.variables.map((variable) => variable.name)).toEqual(['CLIENT_SECRET', 'PASSWORD']);
    expect(readShellWords(curl.command, { CLIENT_SECRET: 'S', PASSWORD: 'P w' })).toEqual([
      'curl', '-i', '--url', 'http://127.0.0.1:9000/token',
      '-u', 'playground-intranet:S',
      '-H', 'Content-Type: application/x-www-form-urlencoded;charset=UTF-8', '-H', 'Accept: application/json',
      '--data-raw', 'grant_type=password', '--data-raw', 'username=alice', '--data-urlencode', 'password=P w', '--data-raw', 'scope=read+write',
    ]);
  });

  it('writes a shortened token in full, as it was sent', () => {
    const token = `eyJ${'a'.repeat(200)}.b.c`;
    const request: ExchangeRequest = { method: 'GET', url: 'http://127.0.0.1:9001/api/resources', query: [], headers: requestHeaders([['authorization', `Bearer ${token}`]]) };
    const curl = curlCommand(request);
    if (!curl.ok) throw new Error(curl.reason);
    expect(readShellWords(curl.command)).toEqual(['curl', '-i', '--url', 'http://127.0.0.1:9001/api/resources', '-H', `Authorization: Bearer ${token}`]);
    expect(curl.variables).toEqual([]);
  });

  it('keeps hostile header values, parameters and JSON bodies as one argument each', () => {
    for (const hostile of HOSTILE) {
      const request: ExchangeRequest = {
        method: 'POST', url: 'http://127.0.0.1:9001/api/resources', query: maskedParams(new URLSearchParams({ q: hostile })),
        headers: [{ name: 'Origin', value: hostile }, { name: 'Content-Type', value: 'application/json' }],
        body: { type: 'json', value: { title: hostile } },
      };
      const curl = curlCommand(request);
      if (!curl.ok) throw new Error(curl.reason);
      const argv = readShellWords(curl.command);
      expect(argv).toEqual(['curl', '-i', '--url', `http://127.0.0.1:9001/api/resources?q=${new URLSearchParams({ q: hostile }).toString().slice(2)}`,
        '-H', `Origin: ${hostile}`, '-H', 'Content-Type: application/json', '--data-raw', JSON.stringify({ title: hostile })]);
    }
  });

  it('names a method curl would not guess, turns globbing off for an IPv6 host, and skips a header name that is not a token', () => {
    const request: ExchangeRequest = {
      method: 'DELETE', url: 'http://[::1]:9000/register/abc', query: [],
      headers: [{ name: 'Authorization', value: `Bearer ${MASK}`, masked: true }, { name: '@/etc/passwd', value: 'x' }],
    };
    const curl = curlCommand(request);
    if (!curl.ok) throw new Error(curl.reason);
    expect(readShellWords(curl.command, { BEARER_TOKEN: 'T' })).toEqual(['curl', '-i', '-X', 'DELETE', '--globoff', '--url', 'http://[::1]:9000/register/abc', '-H', 'Authorization: Bearer T']);
    expect(curl.variables.map((variable) => variable.name)).toEqual(['BEARER_TOKEN']);
  });

  it('says so instead of writing a command when a value holds a NUL', () => {
    const request: ExchangeRequest = { method: 'GET', url: 'http://127.0.0.1:9001/', query: [], headers: [{ name: 'Origin', value: 'a\0b' }] };
    expect(curlCommand(request)).toEqual({ ok: false, reason: expect.stringContaining('NUL') });
  });
});

describe('the raw HTTP view', () => {
  it('writes the request line, Host, headers and the form body, secrets masked', () => {
    const basic = `Basic ${Buffer.from('playground-service:playground-service-secret').toString('base64')}`;
    const text = rawRequest(tokenRequest(new URLSearchParams({ grant_type: 'client_credentials', client_secret: 'playground-service-secret', scope: 'read' }), basic));
    expect(text).toBe([
      'POST /token HTTP/1.1', 'Host: 127.0.0.1:9000', `Authorization: Basic base64("playground-service:${MASK}")`,
      'Content-Type: application/x-www-form-urlencoded;charset=UTF-8', 'Accept: application/json', '',
      `grant_type=client_credentials&client_secret=${MASK}&scope=read`,
    ].join('\n'));
    expect(text).not.toContain('playground-service-secret');
  });

  it('cannot be made to show a second header or an early end of the message by a hostile value', () => {
    const request: ExchangeRequest = { method: 'GET', url: 'http://127.0.0.1:9001/', query: [], headers: [{ name: 'Origin', value: 'x\r\nSet-Cookie: a=1\n\nbody' }] };
    const lines = rawRequest(request).split('\n');
    expect(lines).toEqual(['GET / HTTP/1.1', 'Host: 127.0.0.1:9001', 'Origin: x\\r\\nSet-Cookie: a=1\\n\\nbody', '']);
    expect(visibleLine('a\u0000b\u007fc\td')).toBe('a\\x00b\\x7fc\\td');
    expect(visibleLine('é 漢字 🙂')).toBe('é 漢字 🙂');
  });

  it('writes the response status line, headers and JSON body', () => {
    const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store', 'x-other': 'dropped' });
    const text = rawResponse(exchangeResponse(400, '', headers, '{"error":"invalid_grant","error_description":"bad \\"code\\""}'));
    expect(text).toBe(['HTTP/1.1 400 Bad Request', 'Content-Type: application/json', 'Cache-Control: no-store', '',
      JSON.stringify({ error: 'invalid_grant', error_description: 'bad "code"' }, null, 2)].join('\n'));
  });
});
