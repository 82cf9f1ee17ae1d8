/**
 * Engine worker thread (src/analysis/mc/pool.ts): runs the blocks it is sent and returns their statistics.
 * The problem is built once per job (the context is cached until a message of another job arrives).
 */
import { parentPort } from 'node:worker_threads';
import { type BlockContext, blockContext, kernelName, runBlock } from './block.ts';
import type { SimulationSpec } from './spec.ts';
import { prepareWasm } from './wasm/kernel.ts';

await prepareWasm();

let cached: { job: number; ctx: BlockContext } | null = null;
parentPort!.on('message', ({ job, spec, indices }: { job: number; spec: SimulationSpec; indices: number[] }) => {
  try {
    if (cached?.job !== job) cached = { job, ctx: blockContext(spec) };
    const ctx = cached.ctx;
    indices.forEach((index, k) => {
      const stats = runBlock(ctx, index);
      const buffers = [stats.n, stats.mean, stats.m2, stats.cov, stats.lossMean, stats.lossM2, stats.diverged, stats.hist.lo, stats.hist.hi, stats.hist.off, stats.hist.counts, stats.finalM2, stats.updMean, stats.updM2, stats.paths]
        .filter((a): a is Float64Array | Uint32Array | Int32Array => a !== null)
        .map((a) => a.buffer as ArrayBuffer);
      parentPort!.postMessage({ job, index, stats, kernel: kernelName(ctx), last: k === indices.length - 1 }, buffers);
    });
  } catch (e) {
    parentPort!.postMessage({ job, error: e instanceof Error ? e.message : String(e) });
  }
});
