/**
 * A pool of engine worker threads kept for the life of the process: starting one costs about 0.6 s (the
 * TypeScript loader, the module graph, the WebAssembly kernels), more than many whole simulations take, so
 * successive `simulate` calls (a report, a notebook, a bench) reuse them. Idle workers are unref'd and never
 * keep the process alive; a worker that fails is dropped and replaced on the next call.
 */
import { Worker } from 'node:worker_threads';
import type { SimulationSpec } from './spec.ts';
import type { BlockStats } from './stats.ts';

export type WorkerReply = { job: number; index: number; stats: BlockStats; kernel: string; last: boolean } | { job: number; error: string };

interface PoolWorker {
  worker: Worker;
  /** Receives this worker's replies for the job in progress. */
  onReply: ((msg: WorkerReply) => void) | null;
  onFail: ((e: Error) => void) | null;
}

const workers: PoolWorker[] = [];
let nextJob = 1;

function spawn(): PoolWorker {
  const pw: PoolWorker = { worker: new Worker(new URL('./worker-entry.mjs', import.meta.url)), onReply: null, onFail: null };
  const drop = (e: Error) => {
    const k = workers.indexOf(pw);
    if (k >= 0) workers.splice(k, 1);
    pw.onFail?.(e);
  };
  pw.worker.on('message', (msg: WorkerReply) => pw.onReply?.(msg));
  pw.worker.on('error', drop);
  pw.worker.on('exit', (code) => drop(new Error(`engine worker exited with code ${code}`)));
  pw.worker.unref();
  return pw;
}

/** Borrows `n` workers (starting the missing ones: `started`) for one job; `release` hands them back. */
export function borrow(n: number): { job: number; workers: PoolWorker[]; started: number; release: () => void } {
  const started = Math.max(0, n - workers.length);
  while (workers.length < n) workers.push(spawn());
  const mine = workers.slice(0, n);
  for (const w of mine) w.worker.ref();
  const job = nextJob++;
  return {
    job,
    workers: mine,
    started,
    release: () => {
      for (const w of mine) {
        w.onReply = null;
        w.onFail = null;
        w.worker.unref();
      }
    },
  };
}

/** Sends blocks of a job's spec to a worker (the worker caches the spec's context per job). */
export function sendBlocks(w: PoolWorker, job: number, spec: SimulationSpec, indices: number[]): void {
  w.worker.postMessage({ job, spec, indices });
}

/** Workers started and alive. */
export const poolSize = () => workers.length;

/** Stops every pool worker (tests, or a host that wants its threads back). */
export async function closePool(): Promise<void> {
  const all = workers.splice(0);
  await Promise.all(all.map((w) => w.worker.terminate()));
}
