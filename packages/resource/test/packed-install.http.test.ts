import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm install @tessera/resource` in an empty folder pulls no native module: the package is packed
 * as npm would publish it (the dist/ that the install's prepare or `npm run build` compiled), and
 * the tarball is installed into an empty project the way a user installs it from the registry.
 * The installed tree must be the package and jose alone, with nothing to compile or run at
 * install: no binding.gyp, no .node file, no (pre|post)install script.
 *
 * It runs npm as a child process (so it sits in the http project, beside the other tests that
 * start processes); npm prefers its local cache and reaches the registry only for a jose it lacks.
 */

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The environment of the npm that runs this test (`npm test`) would leak its settings into ours. */
function npmEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: npmEnvironment(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface InstalledPackage {
  name: string;
  dir: string;
  manifest: { name?: string; scripts?: Record<string, string>; gypfile?: boolean; dependencies?: Record<string, string> };
}

/** Every package under node_modules, nested ones included. */
function installedPackages(nodeModules: string): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? readdirSync(join(nodeModules, entry)).map((name) => join(nodeModules, entry, name))
      : [join(nodeModules, entry)];
    for (const dir of dirs) {
      const manifestFile = join(dir, 'package.json');
      if (!existsSync(manifestFile)) continue;
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as InstalledPackage['manifest'];
      found.push({ name: manifest.name ?? dir, dir, manifest });
      found.push(...installedPackages(join(dir, 'node_modules')));
    }
  }
  return found;
}

/** Files of a package that make it native: a gyp build or a compiled addon. */
function nativeFiles(dir: string): string[] {
  const hits: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (entry === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (entry === 'binding.gyp' || entry.endsWith('.node')) hits.push(path);
    }
  };
  walk(dir);
  return hits;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

describe('npm install @tessera/resource in an empty folder', () => {
  let work: string;
  let consumer: string;
  let tarball: string;
  let packages: InstalledPackage[];

  beforeAll(async () => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error('packages/resource/dist is missing: run `npm run build` (npm install builds it) before this test');
    }
    work = mkdtempSync(join(tmpdir(), 'tessera-resource-pack-'));
    // --ignore-scripts: pack the dist/ built before the run; rebuilding it here could race the
    // other test files that import it.
    const [packed] = JSON.parse(await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], packageDir)) as { filename: string }[];
    tarball = join(work, packed!.filename);

    consumer = join(work, 'consumer');
    await run('mkdir', [consumer]);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    // --ignore-scripts: nothing of it runs here; the scripts are looked for below instead.
    await npm(['install', tarball, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], consumer);
    packages = installedPackages(join(consumer, 'node_modules'));
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs the package and jose, nothing else', () => {
    expect(packages.map((p) => p.name).sort()).toEqual(['@tessera/resource', 'jose']);
    const own = packages.find((p) => p.name === '@tessera/resource');
    expect(Object.keys(own?.manifest.dependencies ?? {})).toEqual(['jose']);
  });

  it('installs no native module: no binding.gyp, no .node file, no install script', () => {
    for (const { name, dir, manifest } of packages) {
      expect(nativeFiles(dir), name).toEqual([]);
      expect(manifest.gypfile ?? false, name).toBe(false);
      expect(Object.keys(manifest.scripts ?? {}).filter((script) => INSTALL_SCRIPTS.includes(script)), name).toEqual([]);
    }
    const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    expect(Object.entries(lock.packages).filter(([, entry]) => entry.hasInstallScript).map(([path]) => path)).toEqual([]);
  });

  it('ships compiled JavaScript and type declarations, and loads without fastify installed', async () => {
    const own = packages.find((p) => p.name === '@tessera/resource')!;
    expect(existsSync(join(own.dir, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(own.dir, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(own.dir, 'src'))).toBe(false);
    expect(existsSync(join(own.dir, 'test'))).toBe(false);
    const script = "const m = await import('@tessera/resource'); console.log(Object.keys(m).sort().join(' '));";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    expect(stdout.trim().split(' ')).toEqual(expect.arrayContaining([
      'BearerError', 'createBearerVerifier', 'fastifyBearerAuth', 'requireToken', 'verifyBearer',
      'protectedResourceMetadata', 'fastifyProtectedResourceMetadata', 'protectedResourceMetadataHandler',
    ]));
  });
});
