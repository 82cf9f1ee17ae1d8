/**
 * Where a module's worker thread starts: `name` is the worker's file in the CLI's bundle (dist/node/, built by
 * scripts/bundle.mjs, where every entry and chunk lies in one folder); compiled by tsc (dist/), the worker is the
 * module's sibling `worker.js`; run from the TypeScript sources (tests, tsx), it is the sibling `worker-entry.mjs`,
 * which registers tsx in the new thread first (a loader registered on the main thread does not reach workers on
 * Node 20).
 */
declare const DROPGRAD_BUNDLE: boolean | undefined;

export function workerScript(moduleUrl: string, name: 'engine-worker' | 'sweep-worker'): URL {
  if (typeof DROPGRAD_BUNDLE !== 'undefined') return new URL(`./${name}.js`, moduleUrl);
  return new URL(moduleUrl.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', moduleUrl);
}
