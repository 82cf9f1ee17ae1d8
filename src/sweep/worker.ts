/** Sweep worker thread: runs whole cells and returns their results as sealed JSON text (store.ts `sealCell`). */
import { parentPort } from 'node:worker_threads';
import { prepareWasm } from '../analysis/mc/wasm/kernel.ts';
import { runCell } from './cell.ts';
import { sealCell } from './store.ts';
import type { Cell } from './config.ts';

await prepareWasm();
parentPort!.on('message', ({ cell, samples, steps }: { cell: Cell; samples: number; steps: number }) => {
  const t0 = performance.now();
  try {
    const result = runCell(cell, { samples, steps });
    parentPort!.postMessage({ id: cell.id, json: sealCell(result), seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    parentPort!.postMessage({ id: cell.id, error: e instanceof Error ? e.message : String(e) });
  }
});
