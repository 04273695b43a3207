import { readFileSync } from 'node:fs';

/**
 * The version in package.json, read at run time so that it cannot drift from the package: this
 * module is src/cli/ or dist/cli/, two levels below package.json either way (and npm always
 * packs package.json).
 */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('package.json has no version');
  return manifest.version;
}
