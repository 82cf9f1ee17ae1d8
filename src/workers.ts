/**
 * Where a module's worker thread starts. Compiled (dist/), the worker is the module's sibling `worker.js`; run from
 * the TypeScript sources (tests, tsx), it is the sibling `worker-entry.mjs`, which registers tsx in the new thread
 * first (a loader registered on the main thread does not reach workers on Node 20).
 */
export function workerScript(moduleUrl: string): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', moduleUrl);
}
