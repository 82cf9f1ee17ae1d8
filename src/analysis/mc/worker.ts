/** Worker thread: builds the problem once, then runs the blocks it is sent and returns their statistics. */
import { parentPort, workerData } from 'node:worker_threads';
import { blockContext, kernelName, runBlock } from './block.ts';
import type { SimulationSpec } from './spec.ts';
import { prepareWasm } from './wasm/kernel.ts';

await prepareWasm();

const ctx = blockContext((workerData as { spec: SimulationSpec }).spec);
parentPort!.on('message', ({ indices }: { indices: number[] }) => {
  try {
    indices.forEach((index, k) => {
      const stats = runBlock(ctx, index);
      const buffers = [stats.n, stats.mean, stats.m2, stats.cov, stats.lossMean, stats.lossM2, stats.diverged, stats.hist, stats.histLo, stats.histHi, stats.finalM2, stats.updMean, stats.updM2, stats.paths]
        .filter((a): a is Float64Array | Uint32Array | Int32Array => a !== null)
        .map((a) => a.buffer as ArrayBuffer);
      parentPort!.postMessage({ index, stats, kernel: kernelName(ctx), last: k === indices.length - 1 }, buffers);
    });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
