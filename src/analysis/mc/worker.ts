/**
 * Engine worker thread (src/analysis/mc/pool.ts): runs the blocks it is sent and returns their statistics.
 * The problem is built once per job (the context is cached until a message of another job arrives).
 */
import { parentPort } from 'node:worker_threads';
import { type BlockContext, blockContext, kernelName, runBlock } from './block.ts';
import { BandSink } from './bands.ts';
import { type SimulationSpec, bandStepList } from './spec.ts';
import { statsBuffers } from './stats.ts';
import { type SharedKernel, adoptKernel, prepareWasm } from './wasm/kernel.ts';

// A job's first message carries the kernel the caller compiled (adoptKernel): it runs at once, and the worker never
// loads the WebAssembly assembler (15 ms of a thread's start). A job sent without one waits for the assembler. No
// top-level await (the browser build's worker is a classic script); one promise chain keeps the messages in the
// order they were sent.
let ready: Promise<boolean> | null = null;
let queue: Promise<unknown> = Promise.resolve();
/** Jobs whose kernel came with their first message. */
const kernelJobs = new Set<number>();

let cached: { job: number; ctx: BlockContext } | null = null;
/** Band counts per job, until the job's flush (jobs may interleave on one worker). */
const sinks = new Map<number, BandSink>();

type Message = { job: number; spec: SimulationSpec; indices: number[]; kernel?: SharedKernel } | { job: number; flush: true };

parentPort!.on('message', (msg: Message) => {
  if ('flush' in msg) kernelJobs.delete(msg.job);
  else if (msg.kernel) {
    adoptKernel(msg.kernel);
    kernelJobs.add(msg.job);
  }
  const wait = 'flush' in msg || kernelJobs.has(msg.job) ? null : (ready ??= prepareWasm());
  queue = queue.then(() => wait).then(() => handle(msg));
});

function handle(msg: Message): void {
  const { job } = msg;
  try {
    if ('flush' in msg) {
      const hist = sinks.get(job)?.flush() ?? null;
      sinks.delete(job);
      parentPort!.postMessage({ job, flush: true, hist }, hist ? [hist.lo, hist.hi, hist.off, hist.counts].map((a) => a.buffer as ArrayBuffer) : []);
      return;
    }
    const { spec, indices } = msg;
    if (cached?.job !== job) cached = { job, ctx: blockContext(spec) };
    const ctx = cached.ctx;
    let sink = sinks.get(job);
    if (!sink) sinks.set(job, (sink = new BandSink(bandStepList(spec).length)));
    indices.forEach((index, k) => {
      const stats = runBlock(ctx, index, sink);
      parentPort!.postMessage({ job, index, stats, kernel: kernelName(ctx), last: k === indices.length - 1 }, statsBuffers(stats));
    });
  } catch (e) {
    sinks.delete(job);
    parentPort!.postMessage({ job, error: e instanceof Error ? e.message : String(e) });
  }
}
