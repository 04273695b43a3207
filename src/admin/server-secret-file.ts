import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, type SecretSource } from '../config.js';
import { ServerSecrets } from '../core/server-secrets.js';

/** A secret file anyone but its owner can read is refused: the secret protects every signing key. */
function readPrivateFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new ConfigError(`cannot read the server secret file "${path}"; check --secret-file.`);
  }
  if ((mode & 0o077) !== 0) throw new ConfigError(`the server secret file "${path}" is readable by other users; run: chmod 600 ${path}`);
  return readFileSync(path, 'utf8');
}

function parseSecrets(text: string, where: string): ServerSecrets {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  try {
    return ServerSecrets.from(lines);
  } catch {
    throw new ConfigError(`${where} must hold at least one secret of at least 32 characters per line (make one with: head -c 32 /dev/urandom | base64).`);
  }
}

/**
 * The server secrets for `source`. For the embedded database the file beside it is created on
 * first start (0600, exclusively, so two processes starting at once agree on one secret).
 */
export function loadServerSecrets(source: SecretSource): ServerSecrets {
  switch (source.kind) {
    case 'ephemeral':
      return ServerSecrets.ephemeral();
    case 'value':
      try {
        return ServerSecrets.from(source.values);
      } catch {
        throw new ConfigError('TESSERA_SECRET must hold secrets of at least 32 characters, separated by commas.');
      }
    case 'file':
      return parseSecrets(readPrivateFile(source.path), `the server secret file "${source.path}"`);
    case 'beside-database': {
      mkdirSync(dirname(source.path), { recursive: true, mode: 0o700 });
      try {
        const fd = openSync(source.path, 'wx', 0o600);
        try {
          writeSync(fd, `${randomBytes(32).toString('base64url')}\n`);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      return parseSecrets(readPrivateFile(source.path), `the server secret file "${source.path}"`);
    }
  }
}
