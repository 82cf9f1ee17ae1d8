/**
 * The Monte-Carlo engine on WebGPU: same problems, same random numbers, same outputs as src/analysis/mc.
 *
 * Work is cut into units — runs of up to `slot` trajectories of one cell, `slot` a multiple of the workgroup size —
 * and units go into plans that respect the limits (≤ 128 MiB per storage binding, ≤ 65,535 workgroups per
 * dispatch). A grid of cells that share a kernel (same surface, optimizer and options; any learning rates, drop
 * rates, schedules, seeds and starts) is batched into as few plans as the limits allow: every step of a plan is
 * one `step` and one `reduce` dispatch over all its cells. The device reduces each workgroup to count, mean and
 * centred sums, then (`fold`, after a plan's last step) merges each cell's workgroup records in workgroup order into
 * one per step (Chan et al., f32), carrying a cell's state from plan to plan: the host reads O(cells × steps)
 * numbers, and they depend neither on the chunking nor on the batching. Floats are f32 on the device.
 */
import { type SimulationSpec, bandStepList, checkSpec } from '../analysis/mc/spec.ts';
import { HIST_BINS, addBands, packBands, touchedRanges } from '../analysis/mc/histogram.ts';
import { type SimulationResult, toResult } from '../analysis/mc/result.ts';
import { type BlockStats, emptyStats } from '../analysis/mc/stats.ts';
import { ConstantSchedule } from '../optimizers/index.ts';
import { type Problem, buildProblem } from '../problem.ts';
import { threshold } from '../rng/keyed.ts';
import { fromBase64, toBase64 } from '../base64.ts';
import type { GpuPlan } from './types.ts';
import { type KernelSpec, MULTI_STEP_MAX_D, WG, finalSize, foldSize, kernelWgsl, recordSize } from './kernel.wgsl.ts';
import { stateSlots } from './rule.wgsl.ts';
import { isSoftwareAdapter } from './device.ts';
import { gpuKernelSpec } from './spec.ts';

/** What simulateGpu throws for a problem the WGSL kernels do not cover; the message says what. */
export class GpuUnsupported extends Error {}

export interface GpuSimulationResult extends SimulationResult {
  backend: 'webgpu';
  adapter: string;
  /** Plans (dispatch batches) the cell took part in, and the units it was cut into. */
  chunks: number;
}

/** Runs a plan on some WebGPU device (Node's Dawn, or a browser page) and returns the reads as base64. */
export interface GpuRunner {
  adapter: string;
  limits: { maxComputeWorkgroupsPerDimension: number; minUniformBufferOffsetAlignment: number };
  run(plan: GpuPlan): Promise<string[]>;
}

export interface GpuSimulateOptions {
  /** Largest unit of trajectories (rounded down to a multiple of the workgroup size). */
  maxChunk?: number;
  /** Many steps per dispatch with in-workgroup reductions (d ≤ 8). Default: on hardware adapters only. */
  multiStep?: boolean;
  /** Bytes per storage binding (default and maximum: 128 MiB, what every adapter allows; lower in tests). */
  maxBindingBytes?: number;
  onProgress?: (done: number, total: number) => void;
}

const MAX_BINDING = 128 * 1024 * 1024;
const STEP_BYTES = 64;
const STEPS_PER_SUBMISSION = 32;

interface Cell {
  spec: SimulationSpec;
  problem: Problem;
  stats: BlockStats;
  /** The device's folded state after the plans so far (kernel.wgsl.ts `fold`), carried into the next plan. */
  carry: Float32Array | null;
  units: number;
  plans: Set<number>;
}

/** A cell's statistics from its folded state (layout: kernel.wgsl.ts `foldSize`). */
function fromFold(s: BlockStats, f: Float32Array, d: number, T: number, R: number): void {
  const F = finalSize(d);
  const counts = (T + 1) * R + F;
  const count = (k: number) => f[counts + 2 * k] + 65536 * f[counts + 2 * k + 1];
  for (let r = 0; r <= T; r++) {
    const n = count(r);
    s.n[r] = n;
    if (n === 0) continue;
    const o = r * R;
    for (let i = 0; i < d; i++) {
      s.mean[r * d + i] = f[o + 1 + i];
      s.m2[r * d + i] = f[o + 1 + d + i];
    }
    s.lossMean[r] = f[o + 1 + 2 * d];
    s.lossM2[r] = f[o + 2 + 2 * d];
    if (s.cov) for (let q = 0; q < d * d; q++) s.cov[r * d * d + q] = f[o + 3 + 2 * d + q];
  }
  const fo = (T + 1) * R;
  if (s.n[T] > 0) for (let q = 0; q < d * d; q++) s.finalM2[q] = f[fo + q];
  s.updN = T === 0 ? 0 : count(T + 1);
  if (s.updN > 0) {
    for (let i = 0; i < d; i++) s.updMean[i] = f[fo + d * d + 1 + i];
    for (let q = 0; q < d * d; q++) s.updM2[q] = f[fo + d * d + 1 + d + q];
  }
}

interface UnitRef {
  cell: number;
  first: number;
  count: number;
}

/**
 * The Monte-Carlo ensemble of `spec` on a WebGPU device: the same trajectories and random decisions as the CPU
 * engine (the same Philox stream), in float32; the statistics are reduced on the device. Throws GpuUnsupported
 * for what the WGSL kernels do not cover (the CLI then runs the CPU engine).
 */
export async function simulateGpu(spec: SimulationSpec, gpu: GpuRunner, o: GpuSimulateOptions = {}): Promise<GpuSimulationResult> {
  return (await simulateGpuBatch([spec], gpu, o))[0];
}

/**
 * Several cells in as few dispatch batches as the limits allow. All cells must share the kernel (surface,
 * optimizer and its options, variant), the number of steps, the band steps and the divergence threshold.
 */
export async function simulateGpuBatch(specs: SimulationSpec[], gpu: GpuRunner, o: GpuSimulateOptions = {}): Promise<GpuSimulationResult[]> {
  if (specs.length === 0) return [];
  const t0 = performance.now();
  const cells: Cell[] = specs.map((spec) => {
    checkSpec(spec);
    const problem = buildProblem(spec.problem);
    const stats = emptyStats(problem.surface.dim, spec.steps, bandStepList(spec), spec.perStepCov ?? false);
    return { spec, problem, stats, carry: null, units: 0, plans: new Set() };
  });
  const kernels = cells.map((c) => gpuKernelSpec(c.problem, c.spec));
  const bad = kernels.find((k) => typeof k === 'string');
  if (bad !== undefined) throw new GpuUnsupported(bad as string);
  const ks = kernels[0] as KernelSpec;
  const key = JSON.stringify(ks);
  const first = cells[0].spec;
  for (let c = 1; c < cells.length; c++) {
    const s = cells[c].spec;
    if (JSON.stringify(kernels[c]) !== key || s.steps !== first.steps || (s.bandSteps ?? 50) !== (first.bandSteps ?? 50) || s.divergenceLoss !== first.divergenceLoss) {
      throw new GpuUnsupported('a batch needs cells with the same kernel, steps, band steps and divergence threshold');
    }
  }
  const d = ks.d;
  const T = first.steps;
  const NS = stateSlots(ks.rule);
  const R = recordSize(d, ks.perStepCov);
  const F = finalSize(d);
  const bands = cells[0].stats.bandSteps;
  const limit = first.divergenceLoss ?? Number.POSITIVE_INFINITY;
  // Bytes per thread in the largest binding (aux: loss, last update, the per-workgroup records and, at most as
  // large, the folded ones).
  const perThread = 4 * Math.max(d * NS, d, 1 + d + (2 * ((T + 1) * R + F) + 2 * (T + 2)) / WG);
  const FS = foldSize(d, T, ks.perStepCov);
  const maxBinding = Math.min(MAX_BINDING, o.maxBindingBytes ?? MAX_BINDING);
  const maxThreads = Math.min(Math.floor(maxBinding / perThread / WG) * WG, gpu.limits.maxComputeWorkgroupsPerDimension * WG);
  if (maxThreads < WG) throw new GpuUnsupported(`${T} steps need more than ${maxBinding} bytes of statistics per ${WG} trajectories; use fewer steps or the CPU engine`);
  let slot = Math.min(maxThreads, Math.ceil(Math.max(...specs.map((s) => s.samples)) / WG) * WG);
  if (o.maxChunk) slot = Math.min(slot, Math.max(WG, Math.floor(o.maxChunk / WG) * WG));
  const units: UnitRef[] = [];
  cells.forEach((c, ci) => {
    for (let f = 0; f < c.spec.samples; f += slot) units.push({ cell: ci, first: f, count: Math.min(slot, c.spec.samples - f) });
  });
  // The counters binding holds, per unit, T + 1 divergence counts and a histogram per band step.
  const unitCounterBytes = 4 * (T + 1 + bands.length * HIST_BINS);
  if (unitCounterBytes > maxBinding) throw new GpuUnsupported(`${bands.length} band steps need more than ${maxBinding} bytes of histograms; use fewer band steps`);
  const unitsPerPlan = Math.max(1, Math.min(Math.floor(maxThreads / slot), Math.floor(maxBinding / unitCounterBytes)));
  // Many steps per dispatch on hardware GPUs (kernel.wgsl.ts MULTI_STEP_MAX_D explains why not on software ones).
  const multi = d <= MULTI_STEP_MAX_D && (o.multiStep ?? !isSoftwareAdapter(gpu.adapter));
  const wgsl = kernelWgsl(ks, multi);
  const align = Math.max(STEP_BYTES, gpu.limits.minUniformBufferOffsetAlignment);
  const plans = Math.ceil(units.length / unitsPerPlan);
  const lastUnit = cells.map(() => -1);
  units.forEach((u, k) => {
    lastUnit[u.cell] = k;
  });
  for (let pi = 0; pi < plans; pi++) {
    const pu = units.slice(pi * unitsPerPlan, (pi + 1) * unitsPerPlan);
    const planCells = [...new Set(pu.map((u) => u.cell))];
    const local = new Map(planCells.map((c, i) => [c, i]));
    const n = pu.length * slot;
    const wgs = n / WG;
    const partialOffset = n + n * d;
    const finalOffset = partialOffset + (T + 1) * wgs * R;
    const foldOffset = finalOffset + wgs * F;
    const auxLen = foldOffset + planCells.length * FS;
    // The cell this plan continues (its first units ran in an earlier plan) starts from the carried state.
    const carried = cells[planCells[0]].carry;
    // Per cell and step: learning rate, full-update drop threshold; drop rates per coordinate.
    // table: two 16-byte entries per unit, then one per (cell, step).
    // The multi-step kernel also reads each record's band from the table: one entry per step 0 … T.
    const bandTable = 2 * pu.length + planCells.length * T;
    // Then, for fold, per cell: (first workgroup, end, carried, 0).
    const foldTable = bandTable + (multi ? T + 1 : 0);
    const table = new ArrayBuffer(Math.max(16, (foldTable + planCells.length) * 16));
    // A cell's units in a plan are consecutive: its workgroups are those of its first unit to its last.
    planCells.forEach((ci, li) => {
      const firstUnit = pu.findIndex((u) => u.cell === ci);
      const count = pu.filter((u) => u.cell === ci).length;
      new Uint32Array(table, (foldTable + li) * 16, 4).set([firstUnit * (slot / WG), (firstUnit + count) * (slot / WG), li === 0 && carried ? 1 : 0, 0]);
    });
    if (multi) for (let r = 0; r <= T; r++) new Int32Array(table, (bandTable + r) * 16, 1)[0] = bands.indexOf(r);
    const cs = (li: number, t: number) => (2 * pu.length + li * T + t) * 16;
    const rates = new ArrayBuffer(Math.max(16, planCells.length * T * d * 16));
    planCells.forEach((ci, li) => {
      const p = cells[ci].problem;
      const lrSpec = p.resolved.lr;
      const lr = typeof lrSpec === 'number' ? new ConstantSchedule(lrSpec) : lrSpec;
      for (let t = 0; t < T; t++) {
        const desc = p.chain.describeDrop!(t, d)!;
        new Float32Array(table, cs(li, t), 1)[0] = lr.at(t);
        new Uint32Array(table, cs(li, t) + 4, 1)[0] = threshold(desc.skipRate);
        for (let i = 0; i < d; i++) {
          const pr = desc.rates[i];
          const r = ((li * T + t) * d + i) * 16;
          new Uint32Array(rates, r, 1)[0] = threshold(pr);
          new Float32Array(rates, r + 4, 2).set([1 / (1 - pr), Math.sqrt(pr / (1 - pr))]);
          new Uint32Array(rates, r + 12, 1)[0] = pr === 0 ? 1 : 0;
        }
      }
    });
    const unitWords = new Uint32Array(table, 0, pu.length * 8);
    pu.forEach((u, k) => {
      const seed = cells[u.cell].spec.seed;
      unitWords.set([local.get(u.cell)!, (cells[u.cell].spec.firstTrajectory ?? 0) + u.first, u.count, seed >>> 0, Math.floor(seed / 4294967296) >>> 0], k * 8);
    });
    const x = new Float32Array(n * d);
    const st = new Float32Array(Math.max(1, n * d * NS));
    const meta = new Uint32Array(2 * n);
    const aux = new Float32Array(auxLen);
    pu.forEach((u, k) => {
      const p = cells[u.cell].problem;
      const f0 = Math.fround(p.surface.value(p.x0));
      for (let j = 0; j < u.count; j++) {
        const b = k * slot + j;
        for (let i = 0; i < d; i++) x[i * n + b] = p.x0[i];
        meta[b] = 1;
        aux[b] = f0;
      }
    });
    ks.rule.stateInit.forEach((v0, k) => {
      for (let i = 0; i < d; i++) st.fill(v0, (i * NS + k) * n, (i * NS + k + 1) * n);
    });
    const stateZero = ks.rule.stateInit.every((v0) => v0 === 0);
    const q = cells[0].problem.surface as { H?: { to1DArray(): number[] }; xStar?: Float64Array };
    // H and x* (quadratics) or a row sum's data, then the rule's count tables (rule.wgsl.ts): T + 2 entries each.
    const countTables = ks.rule.countTable(T + 1);
    const carryAt = ks.tablesAt + countTables.length * (T + 2);
    const consts = new Float32Array(Math.max(4, carryAt + (carried ? FS : 0)));
    if (carried) consts.set(carried, carryAt);
    countTables.forEach((values, k) => consts.set(values, ks.tablesAt + k * (T + 2)));
    if (q.H && q.xStar) {
      consts.set(q.H.to1DArray());
      consts.set(q.xStar, d * d);
    }
    // A row sum's design (rows × features) and targets (gpu/rowsum.wgsl.ts).
    const rs = cells[0].problem.surface.rowSum;
    if (rs) {
      consts.set(rs.X);
      consts.set(rs.y, rs.X.length);
    }
    const perUnitCounters = T + 1;
    const histOffset = pu.length * perUnitCounters;
    const counters = new Uint32Array(histOffset + pu.length * bands.length * HIST_BINS);
    // Uniforms (struct Step in kernel.wgsl.ts): per step for the per-step kernels, per chunk of steps for runSteps.
    const chunks = Math.max(1, Math.ceil(T / STEPS_PER_SUBMISSION));
    const foldSlot = Math.max(T + 1, chunks);
    const uni = new ArrayBuffer((foldSlot + 1) * align);
    const writeStep = (k: number, t: number, flags: number, band: number, record: number, more: number[] = []) => {
      const u = new Uint32Array(uni, k * align, 16);
      u.set([t, T, flags, band >>> 0, 0, n, slot, record, histOffset, finalOffset, bands.length, 2 * pu.length, ...more]);
      new Float32Array(uni, k * align, 16)[4] = Math.min(limit, 3.4028234e38);
    };
    if (multi) {
      for (let c = 0; c < chunks; c++) {
        const t0 = c * STEPS_PER_SUBMISSION;
        // flag 8: write record 0 first; p1 = last step + 1, p2 = records' base, p3 = the band table.
        writeStep(c, t0, t0 === 0 ? 8 : 0, -1, 0, [Math.min(T, t0 + STEPS_PER_SUBMISSION), partialOffset, bandTable]);
      }
    } else for (let r = 0; r <= T; r++) writeStep(r, r, r === T ? 4 : 0, bands.indexOf(r), partialOffset + r * wgs * R);
    // fold: the records' base, then p1 = cells, p2 = their table entries, p3 = the output, p4 = the carried state.
    writeStep(foldSlot, 0, 0, -1, partialOffset, [planCells.length, foldTable, foldOffset, carryAt]);
    const plan: GpuPlan = {
      wgsl,
      // New buffers are zero-filled, so only the leading bytes that are not zero travel: aux's records and the
      // counters are zeros (1,000,000 × 100: 57 MB of aux would otherwise be encoded, sent and written).
      buffers: [uni, rates, x, st, meta, aux, counters, consts, table].map((a, i) => {
        const bytes = a instanceof ArrayBuffer ? new Uint8Array(a) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        const used = a === aux ? 4 * n : a === counters || (a === st && stateZero) ? 0 : bytes.byteLength;
        return { size: bytes.byteLength, ...(used > 0 ? { data: toBase64(bytes.subarray(0, used)) } : {}), uniform: i === 0 };
      }),
      bindings: [
        { binding: 0, type: 'uniform', buffer: 0, dynamic: true, size: STEP_BYTES },
        { binding: 1, type: 'read-only-storage', buffer: 1 },
        ...[2, 3, 4, 5, 6].map((i) => ({ binding: i, type: 'storage' as const, buffer: i })),
        ...[7, 8].map((i) => ({ binding: i, type: 'read-only-storage' as const, buffer: i })),
      ],
      // Up to STEPS_PER_SUBMISSION steps per submission (each step: the update, then its reduction); every
      // submission is awaited with its error scopes, so fewer of them wait less (measured on lavapipe, 262,144 × 40:
      // 1.27 s one per step, 1.15–1.21 s all in one).
      submissions: multi
        ? Array.from({ length: chunks }, (_, c) => [{ entry: 'runSteps', offset: c * align, workgroups: wgs }]).concat([[{ entry: 'fold', offset: foldSlot * align, workgroups: Math.ceil((planCells.length * (T + 1)) / 64) }]])
        : Array.from({ length: Math.ceil((T + 1) / STEPS_PER_SUBMISSION) }, (_, k) =>
            Array.from({ length: Math.min(STEPS_PER_SUBMISSION, T + 1 - k * STEPS_PER_SUBMISSION) }, (_, j) => k * STEPS_PER_SUBMISSION + j).flatMap((r) => [
              ...(r > 0 ? [{ entry: 'step', offset: (r - 1) * align, workgroups: wgs }] : []),
              { entry: 'reduce', offset: r * align, workgroups: Math.ceil(wgs / 64) },
            ]),
          ).concat([[{ entry: 'fold', offset: foldSlot * align, workgroups: Math.ceil((planCells.length * (T + 1)) / 64) }]]),
      reads: [
        { buffer: 5, offset: foldOffset * 4, size: planCells.length * FS * 4 },
        { buffer: 6, offset: 0, size: counters.byteLength },
      ],
    };
    const [partB64, ctrB64] = await gpu.run(plan);
    const part = new Float32Array(fromBase64(partB64));
    const ctr = new Uint32Array(fromBase64(ctrB64));
    planCells.forEach((ci, li) => {
      const c = cells[ci];
      c.carry = part.slice(li * FS, (li + 1) * FS);
      // The cell's last unit ran in this plan: its folded state is final.
      if (lastUnit[ci] < (pi + 1) * unitsPerPlan) {
        fromFold(c.stats, c.carry, d, T, R);
        c.carry = null;
      }
    });
    pu.forEach((u, k) => {
      const c = cells[u.cell];
      c.units++;
      c.plans.add(pi);
      const s = c.stats;
      for (let t = 1; t <= T; t++) s.diverged[t] += ctr[k * perUnitCounters + t];
      const h0 = histOffset + k * bands.length * HIST_BINS;
      s.hist = addBands(s.hist, packBands(ctr.subarray(h0, h0 + bands.length * HIST_BINS), ...touchedRanges(ctr, h0, bands.length)));
    });
    o.onProgress?.(pi + 1, plans);
  }
  const seconds = (performance.now() - t0) / 1000;
  return cells.map((c) => {
    const result = toResult(c.spec, c.stats, { path: 'fused', kernel: 'webgpu', seconds: seconds / cells.length });
    return { ...result, backend: 'webgpu' as const, adapter: gpu.adapter, chunks: c.units };
  });
}
