/**
 * Runs a sweep: the cells of the grid (or of one shard) on a pool of worker threads, each result written
 * atomically as it finishes (sealed with its checksum), the manifest saved every 2 s and at the end. Running the same command again skips the
 * finished cells, so an interrupted sweep resumes where it stopped and ends with the same bits as an
 * uninterrupted one (cell seeds derive from (global seed, cell index); results hold no timings).
 */
import { Worker } from 'node:worker_threads';
import { ParameterError } from '../errors.ts';
import { defaultWorkers } from '../analysis/mc/index.ts';
import { checkWorkers } from '../analysis/mc/pool.ts';
import { type Cell, type SweepConfig, configHash, expandGrid } from './config.ts';
import { cellResult, cellSpec } from './cell.ts';
import { type GpuRunner, simulateGpuBatch } from '../gpu/simulate.ts';
import { gpuKernelSpec } from '../gpu/spec.ts';
import { buildProblem } from '../problem.ts';
import { DamagedManifest, cellPath, expectations, initDir, type Manifest, newManifest, readCell, readManifest, sealCell, writeAtomic, writeManifest } from './store.ts';
import { writeSummary } from './summary.ts';
import { workerScript } from '../workers.ts';

export interface Shard {
  k: number;
  n: number;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new ParameterError('--shard', s, 'k/n with 1 ≤ k ≤ n (e.g. 2/8)');
  return { k, n };
}

/** Cells of shard k of n: those whose index ≡ k − 1 (mod n). */
export const shardCells = (cells: Cell[], shard: Shard | null) => (shard ? cells.filter((c) => c.index % shard.n === shard.k - 1) : cells);

export interface SweepRunOptions {
  out: string;
  shard?: Shard | null;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** One-line notices: a damaged manifest rebuilt, a damaged cell file recomputed. */
  onNotice?: (line: string) => void;
  /** Resolves when the run should stop (SIGINT, SIGTERM): in-flight cells are abandoned, finished ones kept. */
  stop?: Promise<void>;
  /**
   * Runs the cells the WebGPU kernels cover on this device, batched by kernel (the rest on the CPU workers).
   * Results then carry "backend": "webgpu" (f32 on the device), so a sweep should not mix backends across resumes.
   */
  gpu?: GpuRunner | null;
}

export interface SweepRunSummary {
  total: number;
  skipped: number;
  ran: number;
  interrupted: boolean;
  seconds: number;
  manifest: Manifest;
}

/**
 * Runs a sweep's cells (or one shard's) into `o.out`, skipping cells already done: each cell is written when it
 * finishes, so an interrupted sweep resumes where it stopped and loses nothing computed.
 */
export async function runSweep(config: SweepConfig, o: SweepRunOptions): Promise<SweepRunSummary> {
  const t0 = performance.now();
  const hash = configHash(config);
  const shard = o.shard ?? null;
  const cells = shardCells(expandGrid(config), shard);
  initDir(o.out);
  let existing: Manifest | null = null;
  try {
    existing = readManifest(o.out);
  } catch (e) {
    if (!(e instanceof DamagedManifest)) throw e;
    // The cell files are checked one by one below, so a manifest is rebuilt from the config without loss.
    o.onNotice?.(`${e.message}; rebuilt from the config`);
  }
  if (existing && existing.configHash !== hash) {
    throw new ParameterError('--out', o.out, `an empty directory or one holding this sweep: it holds another config (hash ${existing.configHash.slice(0, 12)}…, this one ${hash.slice(0, 12)}…)`);
  }
  if (existing && JSON.stringify(existing.shard) !== JSON.stringify(shard)) {
    throw new ParameterError('--shard', shard ? `${shard.k}/${shard.n}` : 'none', `the shard this directory was started with (${existing.shard ? `${existing.shard.k}/${existing.shard.n}` : 'none'})`);
  }
  const manifest = existing ?? newManifest(config, hash, cells, shard);
  for (const e of expectations(manifest)) {
    const r = readCell(o.out, e);
    e.cell.status = r.ok ? 'done' : 'pending';
    if (!r.ok && !r.missing) o.onNotice?.(`${r.file} is damaged (${r.why}): recomputing cell ${e.cell.id}`);
  }
  writeManifest(o.out, manifest);
  // The manifest (O(cells) bytes) is rewritten at most every 2 s and at the end, not after every cell: the cell
  // files are the record of what is done, and every run checks them.
  let saved = performance.now();
  const saveManifest = (force = false) => {
    if (!force && performance.now() - saved < 2000) return;
    writeManifest(o.out, manifest);
    saved = performance.now();
  };
  const byId = new Map(manifest.cells.map((c) => [c.id, c]));
  let todo = cells.filter((c) => byId.get(c.id)!.status !== 'done');
  const skipped = cells.length - todo.length;
  let done = skipped;
  o.onProgress?.(done, cells.length);
  let interrupted = false;
  const finish = (id: string, json: string, seconds: number) => {
    writeAtomic(cellPath(o.out, id), json);
    const entry = byId.get(id)!;
    entry.status = 'done';
    entry.seconds = seconds;
    saveManifest();
    done++;
    o.onProgress?.(done, cells.length);
  };
  if (o.gpu) {
    // Batch the cells the kernels cover, grouped by kernel; batches of at most 64 cells so progress is saved often.
    const run = { samples: config.samples, steps: config.steps };
    const groups = new Map<string, Cell[]>();
    for (const c of todo) {
      const k = gpuKernelSpec(buildProblem(c.problem), cellSpec(c, run));
      if (typeof k === 'string') continue;
      const key = JSON.stringify(k);
      const g = groups.get(key);
      if (g) g.push(c);
      else groups.set(key, [c]);
    }
    let stopped = false;
    o.stop?.then(() => {
      stopped = true;
    });
    for (const group of groups.values()) {
      for (let i = 0; i < group.length && !stopped; i += 64) {
        const batch = group.slice(i, i + 64);
        const t1 = performance.now();
        const results = await simulateGpuBatch(batch.map((c) => cellSpec(c, run)), o.gpu);
        if (stopped) break;
        const each = (performance.now() - t1) / 1000 / batch.length;
        batch.forEach((c, k) => finish(c.id, sealCell(cellResult(c, run, results[k])), each));
      }
    }
    interrupted = stopped;
    todo = todo.filter((c) => byId.get(c.id)!.status !== 'done');
  }
  if (todo.length > 0 && !interrupted) {
    checkWorkers(o.workers);
    const n = Math.max(1, Math.min(o.workers ?? defaultWorkers(), todo.length));
    const pool = Array.from({ length: n }, () => new Worker(workerScript(import.meta.url, 'sweep-worker')));
    let next = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        let outstanding = 0;
        o.stop?.then(() => {
          interrupted = true;
          resolve();
        });
        const send = (w: Worker) => {
          if (interrupted || next >= todo.length) return;
          outstanding++;
          w.postMessage({ cell: todo[next++], samples: config.samples, steps: config.steps });
        };
        for (const w of pool) {
          w.on('message', (msg: { id: string; json: string; seconds: number } | { id: string; error: string }) => {
            outstanding--;
            if ('error' in msg) {
              reject(new ParameterError(`cell ${msg.id}`, '', 'a cell that runs', msg.error));
              return;
            }
            if (interrupted) return;
            finish(msg.id, msg.json, msg.seconds);
            if (next < todo.length) send(w);
            else if (outstanding === 0) resolve();
          });
          w.on('error', reject);
          send(w);
        }
      });
    } finally {
      await Promise.all(pool.map((w) => w.terminate()));
    }
  }
  saveManifest(true);
  if (!interrupted) writeSummary(o.out, manifest);
  return { total: cells.length, skipped, ran: done - skipped, interrupted, seconds: (performance.now() - t0) / 1000, manifest };
}
