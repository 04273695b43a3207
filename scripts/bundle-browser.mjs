// Bundles the playground's browser code (src/demo/client/browser/*.ts, which import the same views
// and content as the server) into dist/demo/client/assets/, where the demo's Client serves them
// from. Run by `npm run prepare` (so by `npm install`) and `npm run build`, after tsc.
// The same entries and options as src/demo/client/browser-assets.ts, which bundles in memory
// when a test runs the playground from src/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = ['playground-page', 'implicit-spa'];

await build({
  absWorkingDir: root,
  entryPoints: entries.map((name) => `src/demo/client/browser/${name}.ts`),
  outdir: 'dist/demo/client/assets',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`bundled ${entries.map((name) => `${name}.js`).join(', ')} into dist/demo/client/assets/`);
