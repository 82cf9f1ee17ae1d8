/**
 * The bundles of `npm run build` (after tsc has written dist/), made by esbuild:
 *
 * The CLI, dist/node/: src/cli/main.ts and the two worker entries (engine-worker.js, sweep-worker.js) with code
 * splitting, every chunk in that one folder (so that src/workers.ts finds a worker beside any chunk), packages left
 * to Node. A process and each worker thread then load a few files instead of about 80 modules: measured, importing
 * the engine's block runner takes 17 ms bundled against 39 ms as tsc's modules, paid by the main thread and by every
 * worker at start. bin/dropgrad.js runs dist/node/cli.js; the library (dist/index.js) stays tsc's modules.
 * dist/node/ lies two folders below the package's root, as src/AREA/ does, so the sources' few paths relative to
 * their module ('../../package.json', '../../.vendor/…') name the same files from the bundle.
 *
 * The browser build, dist/browser/: src/browser.ts as
 *   dropgrad-lab.js         an ES module, for bundlers and pages served over http(s);
 *   dropgrad-lab.global.js  a classic script defining `globalThis.DropGrad`, for pages opened from disk (file://),
 *                           where browsers refuse to load ES modules and worker scripts from files.
 * The engine's worker (src/analysis/mc/worker.ts) is bundled first, as a classic script, and its source embedded
 * in both: workers start from a Blob of it (src/browser/node/worker_threads.ts). Node's modules are replaced by
 * the shims in src/browser/node/, and a module X.ts by its sibling X.browser.ts where one exists (lazy loading,
 * ml-matrix, the kernel cache). `import.meta.url` has no meaning in a classic script; it is set to a placeholder,
 * which only names worker scripts that the shim ignores. The browser bundles are minified, without source maps
 * (they would add 19 MB to the package, mostly mathjs and wabt).
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'browser');
const NODE_OUT = join(ROOT, 'dist', 'node');
const SHIMS = join(ROOT, 'src', 'browser');
const NODE_SHIMS = ['fs', 'os', 'path', 'url', 'v8', 'module', 'worker_threads'];

/** Node's modules → src/browser/node/NAME.ts; X.ts → X.browser.ts; `webgpu` → a stub; the worker's source → text. */
const browserPlugin = (workerSource) => ({
  name: 'dropgrad-browser',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_0-9]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (NODE_SHIMS.includes(name)) return { path: join(SHIMS, 'node', `${name}.ts`) };
      if (name === 'webgpu') return { path: join(SHIMS, 'webgpu.ts') };
      if (args.path.startsWith('node:')) return { errors: [{ text: `${args.path} has no browser shim (imported by ${args.importer})` }] };
      return undefined;
    });
    build.onResolve({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith('.')) return undefined;
      const file = resolve(args.resolveDir, args.path);
      const swap = file.replace(/\.ts$/, '.browser.ts');
      return { path: existsSync(swap) ? swap : file };
    });
    build.onResolve({ filter: /^dropgrad:worker-source$/ }, () => ({ path: 'worker-source', namespace: 'dropgrad' }));
    build.onLoad({ filter: /.*/, namespace: 'dropgrad' }, () => ({ contents: workerSource, loader: 'text' }));
  },
});

const common = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
  inject: [join(SHIMS, 'globals.ts')],
  define: { 'import.meta.url': '"https://dropgrad-lab.invalid/"' },
  // mathjs and wabt carry Node branches that a page never takes.
  logOverride: { 'empty-import-meta': 'silent' },
};

export async function buildBrowser() {
  mkdirSync(OUT, { recursive: true });
  const worker = await esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/analysis/mc/worker.ts')], format: 'iife', write: false, plugins: [browserPlugin('')] });
  const workerSource = worker.outputFiles[0].text;
  const entry = join(ROOT, 'src/browser.ts');
  await esbuild.build({ ...common, entryPoints: [entry], format: 'esm', outfile: join(OUT, 'dropgrad-lab.js'), plugins: [browserPlugin(workerSource)] });
  await esbuild.build({ ...common, entryPoints: [entry], format: 'iife', globalName: 'DropGrad', outfile: join(OUT, 'dropgrad-lab.global.js'), plugins: [browserPlugin(workerSource)] });
  // The Explorer's script: a classic script over the global build (DropGrad) and plotly.js (Plotly).
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/explorer/app.ts')], format: 'iife', outfile: join(OUT, 'explorer.js'), plugins: [browserPlugin('')] });
  return { workerBytes: workerSource.length, esmBytes: statSync(join(OUT, 'dropgrad-lab.js')).size, globalBytes: statSync(join(OUT, 'dropgrad-lab.global.js')).size };
}

export async function buildNode() {
  rmSync(NODE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { cli: join(ROOT, 'src/cli/main.ts'), 'engine-worker': join(ROOT, 'src/analysis/mc/worker.ts'), 'sweep-worker': join(ROOT, 'src/sweep/worker.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: NODE_OUT,
    chunkNames: '[name]-[hash]',
    sourcemap: true,
    define: { DROPGRAD_BUNDLE: 'true' },
    logLevel: 'warning',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await buildNode();
  const sizes = await buildBrowser();
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`bundles: dist/node/ (the CLI and its workers); dist/browser/dropgrad-lab.js ${mb(sizes.esmBytes)}, dropgrad-lab.global.js ${mb(sizes.globalBytes)} (worker ${mb(sizes.workerBytes)} inside each); ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
