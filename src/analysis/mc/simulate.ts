/**
 * The Monte-Carlo engine: N trajectories × T steps of any problem, in fixed blocks of BLOCK_SIZE trajectories,
 * on worker threads, merged in block order (so the bits do not depend on the worker count or chunking).
 */
import { type BlockContext, blockContext, kernelName, runBlock } from './block.ts';
import { prepareWasm, shareKernel, wasmReady } from './wasm/kernel.ts';
import { BandSink } from './bands.ts';
import type { BandHistograms } from './histogram.ts';
import { POOL_WORK, type WorkerReply, borrow, checkWorkers, defaultWorkers, poolSize, sendBlocks, sendFlush } from './pool.ts';
import { type SimulationResult, toResult } from './result.ts';
import { type SimulationSpec, bandStepList, blockCount, checkSpec } from './spec.ts';
import { type BlockStats, mergeStats } from './stats.ts';

/** How `simulate` runs (not what it computes: the result is the same bits for any of these). */
export interface SimulateOptions {
  /**
   * Worker threads; 0 runs in this thread. Default: the number of CPUs (at most 16) for jobs of at least
   * POOL_WORK = 1e8 trajectory-coordinate-steps, or 2e6 once the pool's workers are running (starting a worker
   * costs 0.1–0.3 s, more than smaller jobs take on one core; started workers are kept, src/analysis/mc/pool.ts),
   * this thread below that. The numbers are the same either way.
   */
  workers?: number;
  /** Blocks per message to a worker. Default 1. */
  chunkBlocks?: number;
  /** Called after each merged block. */
  onProgress?: (doneBlocks: number, totalBlocks: number) => void;
}

/**
 * A trajectory-step's cost in units of one coordinate of a fused kernel (what POOL_WORK counts): d, d² for a dense
 * quadratic (a matrix–vector product), rows × features for a surface on data read row by row (logistic
 * regression); the general path (the link chain per trajectory) costs about 30 times as much (measured: ~1e6
 * against ~1e8 trajectory-steps/s on 2-D Rosenbrock, less the fused kernels' fixed cost per step).
 */
function workPerStep(ctx: BlockContext): number {
  const s = ctx.problem.surface as { dim: number; design?: { X: { rows: number; columns: number } } };
  const f = ctx.fast;
  if (typeof f !== 'string') return f.surface.kind === 'quadratic' && !f.surface.diag ? s.dim * s.dim : s.design && f.surface.kind !== 'quadratic' ? s.design.X.rows * s.design.X.columns : s.dim;
  return 30 * (s.design ? s.design.X.rows * s.design.X.columns : s.dim);
}

function describePath(ctx: BlockContext): { path: 'fused' | 'general'; pathReason?: string; kernel: string } {
  return typeof ctx.fast === 'string' ? { path: 'general', pathReason: ctx.fast, kernel: 'general' } : { path: 'fused', kernel: kernelName(ctx) };
}

/** simulate's ensemble computed in the calling thread, blocking it: the same bits as `simulate`. */
export function simulateSync(spec: SimulationSpec, onProgress?: SimulateOptions['onProgress']): SimulationResult {
  checkSpec(spec);
  const t0 = performance.now();
  return runHere(spec, blockContext(spec), t0, onProgress);
}

/** The ensemble in this thread, from a built context (its time counted from t0). */
function runHere(spec: SimulationSpec, ctx: BlockContext, t0: number, onProgress?: SimulateOptions['onProgress']): SimulationResult {
  const n = blockCount(spec);
  const sink = new BandSink(bandStepList(spec).length);
  let total: BlockStats | null = null;
  for (let k = 0; k < n; k++) {
    const s = runBlock(ctx, k, sink);
    total = total ? mergeStats(total, s) : s;
    onProgress?.(k + 1, n);
  }
  total!.hist = sink.flush();
  return toResult(spec, total!, { ...describePath(ctx), seconds: (performance.now() - t0) / 1000 });
}

export { defaultWorkers };

/**
 * The Monte-Carlo ensemble of `spec`: `samples` seeded trajectories of `steps` steps (docs/theory.md §6), reduced in
 * blocks of 1024 merged in block order, so the result depends on (problem, samples, steps, seed) only, never on the
 * number of worker threads. Returns the iterate's and the update's mean and covariance with standard errors, the
 * loss, per-step records with quantile bands, and divergence counts (a trajectory that becomes non-finite, or
 * exceeds `divergenceLoss`, is counted at that step and stopped; statistics over no trajectory are null).
 */
export async function simulate(spec: SimulationSpec, options: SimulateOptions = {}): Promise<SimulationResult> {
  checkSpec(spec);
  checkWorkers(options.workers);
  const n = blockCount(spec);
  await prepareWasm();
  const t0 = performance.now();
  const ctx = blockContext(spec); // validates the problem here, so errors surface in the caller's thread
  const work = spec.samples * spec.steps * workPerStep(ctx);
  const threshold = poolSize() >= defaultWorkers() ? 2e6 : POOL_WORK;
  const workers = Math.min(options.workers ?? (work >= threshold ? defaultWorkers() : 0), n);
  if (workers <= 0 || n === 1) return runHere(spec, ctx, t0, options.onProgress);
  const chunk = Math.max(1, Math.floor(options.chunkBlocks ?? 1));
  const lease = borrow(workers);
  const sink = new BandSink(bandStepList(spec).length); // band counts of the blocks this thread runs
  const pending = new Map<number, BlockStats>();
  let nextToMerge = 0;
  let nextToSend = 0;
  let total: BlockStats | null = null;
  const kernels = new Set<string>();
  let flushed = false;
  const flush = () => {
    flushed = true;
    for (const w of lease.workers) sendFlush(w, lease.job);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let workersUp = lease.started === 0;
      const accept = (index: number, stats: BlockStats, kernel: string) => {
        pending.set(index, stats);
        kernels.add(kernel);
        while (pending.has(nextToMerge)) {
          const s = pending.get(nextToMerge)!;
          pending.delete(nextToMerge);
          total = total ? mergeStats(total, s) : s;
          nextToMerge++;
          options.onProgress?.(nextToMerge, n);
        }
        // Every block merged: each worker hands over the band counts of all the blocks it ran, once.
        if (nextToMerge === n) flush();
      };
      let handedOver = 0;
      const bandsIn = (hist: BandHistograms | null) => {
        if (hist) sink.add(hist);
        if (++handedOver === lease.workers.length) {
          total!.hist = sink.flush();
          resolve();
        }
      };
      const shared = typeof ctx.fast !== 'string' && wasmReady() ? shareKernel(ctx.fast, ctx.problem.drop.fullUpdateDrop !== undefined) : undefined;
      const given = new Set<(typeof lease.workers)[number]>();
      const send = (w: (typeof lease.workers)[number]) => {
        if (nextToSend >= n) return;
        const indices: number[] = [];
        for (let k = 0; k < chunk && nextToSend < n; k++) indices.push(nextToSend++);
        sendBlocks(w, lease.job, spec, indices, given.has(w) ? undefined : shared);
        given.add(w);
      };
      for (const w of lease.workers) {
        const onReply = (msg: WorkerReply) => {
          if ('error' in msg) {
            reject(new Error(msg.error));
            return;
          }
          if ('flush' in msg) {
            bandsIn(msg.hist);
            return;
          }
          workersUp = true;
          accept(msg.index, msg.stats, msg.kernel);
          if (nextToMerge < n && msg.last) send(w);
        };
        lease.listen(w, { onReply, onFail: reject });
        send(w);
        send(w); // a second message queued, so the worker never waits for the next one
      }
      // While freshly started workers load (0.1–0.5 s), this thread runs blocks itself, one per event-loop turn,
      // until the first worker result arrives; the merge is by block index, so the numbers do not change.
      const local = () => {
        if (workersUp || nextToSend >= n || nextToMerge === n) return;
        const k = nextToSend++;
        try {
          accept(k, runBlock(ctx, k, sink), kernelName(ctx));
        } catch (e) {
          reject(e);
          return;
        }
        setImmediate(local);
      };
      if (lease.started > 0) setImmediate(local);
    });
  } finally {
    // A failed job still tells its workers to drop what they hold for it.
    if (!flushed) flush();
    lease.release();
  }
  return toResult(spec, total!, { ...describePath(ctx), kernel: [...kernels].sort().join('+'), seconds: (performance.now() - t0) / 1000 });
}
