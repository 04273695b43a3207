import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * package.json says Node >=20: no installed package may exclude Node 20, or `npm ci` warns
 * EBADENGINE on it (cookie@2 wants Node 22; package.json overrides it with cookie@1.1.1, whose
 * parseCookie/stringifySetCookie are the ones @fastify/cookie and light-my-request call).
 */
function lowestMajor(alternative: string): number | undefined {
  const match = /(?:>=|\^|~|=)?\s*v?(\d+)/.exec(alternative.trim());
  if (match === null) return undefined;
  // ">20" or "<..." alone would need more; none is in the lock today.
  return alternative.trim().startsWith('<') ? 0 : Number(match[1]);
}

function allowsNode20(range: string): boolean {
  if (range.trim() === '*' || range.trim() === '') return true;
  return range.split('||').some((alternative) => {
    const major = lowestMajor(alternative);
    if (major === undefined) return true;
    // ^N and ~N stay within major N.
    if (/^\s*[\^~]/.test(alternative)) return major === 20;
    const upper = /<\s*(\d+)/.exec(alternative);
    return major <= 20 && (upper === null || Number(upper[1]) > 20);
  });
}

describe('the installed packages and Node 20', () => {
  it('no package in package-lock.json excludes Node 20', () => {
    const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } }> };
    const excluding = Object.entries(lock.packages)
      .filter(([, entry]) => entry.engines?.node !== undefined && !allowsNode20(entry.engines.node))
      .map(([path, entry]) => `${path}@${entry.version} (node ${entry.engines?.node})`);
    expect(excluding).toEqual([]);
  });

  it('reads engine ranges as npm would for Node 20', () => {
    expect(allowsNode20('>=22')).toBe(false);
    expect(allowsNode20('>=18')).toBe(true);
    expect(allowsNode20('^20.19.0 || >=22.12.0')).toBe(true);
    expect(allowsNode20('^18.0.0 || ^22.0.0')).toBe(false);
    expect(allowsNode20('>= 12.0.0 < 20')).toBe(false);
  });
});
