import { access, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The playground's browser scripts (browser/*.ts), each bundled with what it imports. */
export const BROWSER_ENTRIES = ['playground-page', 'implicit-spa'] as const;
export type BrowserEntry = typeof BROWSER_ENTRIES[number];

const here = new URL('./', import.meta.url);

async function exists(url: URL): Promise<boolean> {
  return access(url).then(() => true, () => false);
}

/**
 * The bundles scripts/bundle-browser.mjs wrote beside this module (dist/demo/client/assets/, by
 * `npm run build` and `npm run prepare`). When they are missing, as when a test runs the
 * playground from src/, they are bundled here, in memory, with the same options, from the
 * sources beside this module: esbuild is a dev dependency, present wherever src/ is.
 */
async function loadBundles(): Promise<Record<BrowserEntry, string>> {
  const built = BROWSER_ENTRIES.map((name) => new URL(`assets/${name}.js`, here));
  if ((await Promise.all(built.map(exists))).every(Boolean)) {
    const bodies = await Promise.all(built.map((url) => readFile(url, 'utf8')));
    return Object.fromEntries(BROWSER_ENTRIES.map((name, i) => [name, bodies[i] ?? ''])) as Record<BrowserEntry, string>;
  }
  const sources = await Promise.all(BROWSER_ENTRIES.map(async (name) => {
    const ts = new URL(`browser/${name}.ts`, here);
    return fileURLToPath(await exists(ts) ? ts : new URL(`browser/${name}.js`, here));
  }));
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('The playground\'s browser bundle is missing (dist/demo/client/assets/): run `npm run build`.');
  }
  const result = await esbuild.build({
    entryPoints: sources, outdir: fileURLToPath(new URL('assets/', here)), write: false,
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', legalComments: 'none', logLevel: 'silent',
  });
  const byName = new Map(result.outputFiles.map((file) => [file.path.split(/[\\/]/).pop()?.replace(/\.js$/, ''), file.text]));
  return Object.fromEntries(BROWSER_ENTRIES.map((name) => [name, byName.get(name) ?? ''])) as Record<BrowserEntry, string>;
}

let bundles: Promise<Record<BrowserEntry, string>> | undefined;

/** The bundles, loaded (or built) once per process. */
export function browserBundles(): Promise<Record<BrowserEntry, string>> {
  bundles ??= loadBundles().catch((error: unknown) => {
    bundles = undefined;
    throw error;
  });
  return bundles;
}
