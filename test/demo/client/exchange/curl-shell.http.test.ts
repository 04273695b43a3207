import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExchangeRequest } from '../../../../src/demo/client/exchange/exchange.js';
import { curlCommand } from '../../../../src/demo/client/exchange/raw-http.js';
import { maskedParams } from '../../../../src/demo/client/exchange/masking.js';

/**
 * The curl lines run by /bin/sh itself, with `curl` replaced by a function that prints its
 * arguments NUL-separated: the shell must hand curl exactly the arguments we meant, and expand
 * nothing but the placeholders of masked secrets. (A child process: so this is an http-project file.)
 */
function argvOf(command: string, env: Record<string, string>): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}\n`;
  const out = execFileSync('/bin/sh', ['-c', script], { env: { PATH: '/usr/bin:/bin', ...env } });
  return out.toString('utf8').split('\0').slice(0, -1);
}

const TEXT = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\0'));
const BINARYISH = fc.string({ unit: 'binary-ascii', maxLength: 40 }).filter((s) => !s.includes('\0'));

describe('copy as curl, read by /bin/sh', () => {
  it('gives curl one argument per value, whatever the value, and the secret only from the environment', () => {
    fc.assert(fc.property(fc.oneof(TEXT, BINARYISH), fc.oneof(TEXT, BINARYISH), (value, secret) => {
      const request: ExchangeRequest = {
        method: 'POST', url: 'http://127.0.0.1:9000/token', query: [],
        headers: [{ name: 'Origin', value }],
        body: { type: 'form', params: maskedParams(new URLSearchParams({ state: value, client_secret: 'never-shown' })) },
      };
      const curl = curlCommand(request);
      if (!curl.ok) throw new Error(curl.reason);
      expect(curl.command).not.toContain('never-shown');
      const form = new URLSearchParams({ state: value }).toString();
      expect(argvOf(curl.command, { CLIENT_SECRET: secret })).toEqual([
        '-i', '--url', 'http://127.0.0.1:9000/token', '-H', `Origin: ${value}`,
        '--data-raw', form, '--data-urlencode', `client_secret=${secret}`,
      ]);
    }), { numRuns: 60 });
  });
});
