/**
 * A pool of engine worker threads kept for the life of the process: starting one costs 0.08 s from the CLI's bundle
 * (measured: start to first block back; 0.5 s from the TypeScript sources through tsx), more than many whole
 * simulations take, so successive `simulate` calls (a report, a notebook, a bench) reuse them. Idle workers are unref'd and never
 * keep the process alive; a worker that fails is dropped and replaced on the next call.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SimulationSpec } from './spec.ts';
import type { SharedKernel } from './wasm/kernel.ts';
import type { BandHistograms } from './histogram.ts';
import type { BlockStats } from './stats.ts';
import { ParameterError } from '../../errors.ts';
import { workerScript } from '../../workers.ts';

export type WorkerReply =
  | { job: number; index: number; stats: BlockStats; kernel: string; last: boolean }
  | { job: number; flush: true; hist: BandHistograms | null }
  | { job: number; error: string };

interface JobHandlers {
  onReply: (msg: WorkerReply) => void;
  onFail: (e: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  /** The jobs this worker serves now, by job id (several `simulate` calls may share a worker at once). */
  jobs: Map<number, JobHandlers>;
}

/**
 * Work (trajectories × steps × coordinates) from which `simulate` starts the pool by default: starting a worker
 * costs 0.1–0.3 s, more than smaller jobs take on one core (once the pool runs, 2e6: see simulate.ts).
 */
export const POOL_WORK = 1e8;

/** Most worker threads a job may ask for: each costs about 10 MB and a start-up, and a thread per core is enough. */
export const MAX_WORKERS = 256;

/** Checks a requested worker count (0: the calling thread). */
export function checkWorkers(n: number | undefined, name = 'workers'): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > MAX_WORKERS)) throw new ParameterError(name, n, `an integer in [0, ${MAX_WORKERS}]`);
}

/** The engine's default worker count: the CPUs, at most 16. */
export const defaultWorkers = () => Math.min(16, os.availableParallelism?.() ?? os.cpus().length);

const workers: PoolWorker[] = [];
let nextJob = 1;

function spawn(): PoolWorker {
  const pw: PoolWorker = { worker: new Worker(workerScript(import.meta.url, 'engine-worker')), jobs: new Map() };
  const drop = (e: Error) => {
    const k = workers.indexOf(pw);
    if (k >= 0) workers.splice(k, 1);
    for (const h of pw.jobs.values()) h.onFail(e);
  };
  pw.worker.on('message', (msg: WorkerReply) => pw.jobs.get(msg.job)?.onReply(msg));
  pw.worker.on('error', drop);
  pw.worker.on('exit', (code) => drop(new Error(`engine worker exited with code ${code}`)));
  pw.worker.unref();
  return pw;
}

/**
 * Borrows `n` workers (starting the missing ones: `started`) for one job; `listen` routes a worker's replies
 * for this job; `release` hands the workers back.
 */
export function borrow(n: number): {
  job: number;
  workers: PoolWorker[];
  started: number;
  listen: (w: PoolWorker, h: JobHandlers) => void;
  release: () => void;
} {
  const started = Math.max(0, n - workers.length);
  while (workers.length < n) workers.push(spawn());
  const mine = workers.slice(0, n);
  for (const w of mine) w.worker.ref();
  const job = nextJob++;
  return {
    job,
    workers: mine,
    started,
    listen: (w, h) => w.jobs.set(job, h),
    release: () => {
      for (const w of mine) {
        w.jobs.delete(job);
        if (w.jobs.size === 0) w.worker.unref();
      }
    },
  };
}

/**
 * Sends blocks of a job's spec to a worker (the worker caches the spec's context per job), with the job's compiled
 * kernel the first time (the worker adopts it instead of assembling and compiling its own).
 */
export function sendBlocks(w: PoolWorker, job: number, spec: SimulationSpec, indices: number[], kernel?: SharedKernel): void {
  w.worker.postMessage(kernel ? { job, spec, indices, kernel } : { job, spec, indices });
}

/** Asks a worker for the band counts of all the blocks of a job it ran (null if none), and to forget the job. */
export function sendFlush(w: PoolWorker, job: number): void {
  w.worker.postMessage({ job, flush: true });
}

/**
 * Starts workers up to `n` now, before any job: a worker takes 0.15–0.3 s to load its modules, which the CLI
 * overlaps with loading its own and parsing the command line. Started workers do not keep the process alive.
 */
export function prestart(n: number): void {
  while (workers.length < n) workers.push(spawn());
}

/** Workers started and alive. */
export const poolSize = () => workers.length;

/** Stops every pool worker (tests, or a host that wants its threads back). */
export async function closePool(): Promise<void> {
  const all = workers.splice(0);
  await Promise.all(all.map((w) => w.worker.terminate()));
}
