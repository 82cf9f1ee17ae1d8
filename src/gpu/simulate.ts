/**
 * The Monte-Carlo engine on WebGPU: same problems, same random numbers, same outputs as src/analysis/mc.
 *
 * Trajectories run in chunks (multiples of 256, sized so that no storage binding exceeds 128 MiB and no dispatch
 * exceeds 65,535 workgroups); within a chunk every step is one `step` dispatch and one `reduce` dispatch, all
 * recorded in a single command buffer (the step index travels in a dynamically offset uniform). The device reduces
 * each workgroup of 256 trajectories to count, mean and centred sums; the host merges those records in order in
 * float64 (Chan et al.), so the numbers do not depend on the chunking. Floats are f32 on the device.
 */
import { type SimulationSpec, bandStepList, checkSpec } from '../analysis/mc/spec.ts';
import { HIST_BINS } from '../analysis/mc/histogram.ts';
import { type SimulationResult, toResult } from '../analysis/mc/result.ts';
import { type BlockStats, emptyStats } from '../analysis/mc/stats.ts';
import { ConstantSchedule, DEFAULT_LR } from '../optimizers/index.ts';
import { buildProblem } from '../problem.ts';
import { threshold } from '../rng/keyed.ts';
import type { GpuPlan } from './execute.ts';
import { WG, finalSize, kernelWgsl, recordSize, stateSlots } from './kernel.wgsl.ts';
import { gpuKernelSpec } from './spec.ts';

export class GpuUnsupported extends Error {}

export interface GpuSimulationResult extends SimulationResult {
  backend: 'webgpu';
  adapter: string;
  chunks: number;
}

const MAX_BINDING = 128 * 1024 * 1024;
const STEP_BYTES = 64;

/** Runs a plan on some WebGPU device (Node's Dawn, or a browser page) and returns the reads as base64. */
export interface GpuRunner {
  adapter: string;
  limits: { maxComputeWorkgroupsPerDimension: number; minUniformBufferOffsetAlignment: number };
  run(plan: GpuPlan): Promise<string[]>;
}

const b64 = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const fromB64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

export interface GpuSimulateOptions {
  /** Largest chunk of trajectories (rounded down to a multiple of 256); default: as large as the limits allow. */
  maxChunk?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Chan et al.'s merge of one record (n, mean, m2) into the running totals at `off`. */
function merge(tot: { n: number }, mean: Float64Array, m2: Float64Array, off: number, n: number, mb: ArrayLike<number>, m2b: ArrayLike<number>, k: number, outers?: [Float64Array, ArrayLike<number>][]): void {
  if (n === 0) return;
  const na = tot.n;
  const nt = na + n;
  const delta = new Float64Array(k);
  for (let i = 0; i < k; i++) delta[i] = mb[i] - mean[off + i];
  for (let i = 0; i < k; i++) {
    m2[off + i] += m2b[i] + (na === 0 ? 0 : (delta[i] * delta[i] * na * n) / nt);
    mean[off + i] = na === 0 ? mb[i] : mean[off + i] + (delta[i] * n) / nt;
  }
  for (const [target, src] of outers ?? []) {
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) target[i * k + j] += src[i * k + j] + (na === 0 ? 0 : (delta[i] * delta[j] * na * n) / nt);
  }
  tot.n = nt;
}

export async function simulateGpu(spec: SimulationSpec, gpu: GpuRunner, o: GpuSimulateOptions = {}): Promise<GpuSimulationResult> {
  checkSpec(spec);
  const t0 = performance.now();
  const problem = buildProblem(spec.problem);
  const ks = gpuKernelSpec(problem, spec);
  if (typeof ks === 'string') throw new GpuUnsupported(ks);
  const d = ks.d;
  const T = spec.steps;
  const N = spec.samples;
  const NS = stateSlots(ks.optimizer);
  const R = recordSize(d);
  const F = finalSize(d);
  const bands = bandStepList(spec);
  // Chunk size: a multiple of the workgroup size (so workgroups, hence records, are the same for any chunking).
  const perTraj = 4 * Math.max(d, d * NS, 1 + d + ((T + 1) * R + F) / WG);
  let chunk = Math.floor(MAX_BINDING / perTraj / WG) * WG;
  chunk = Math.min(chunk, gpu.limits.maxComputeWorkgroupsPerDimension * WG, Math.ceil(N / WG) * WG);
  if (o.maxChunk) chunk = Math.min(chunk, Math.max(WG, Math.floor(o.maxChunk / WG) * WG));
  if (chunk < WG) throw new GpuUnsupported(`${T} steps need more than ${MAX_BINDING} bytes of statistics per ${WG} trajectories; use fewer steps or the CPU engine`);
  const wgsl = kernelWgsl(ks);
  // Per-step DropGrad rates and learning rates, shared by every chunk.
  const lrSpec = problem.optimizer.lr ?? DEFAULT_LR[problem.optimizer.name];
  const lrSched = typeof lrSpec === 'number' ? new ConstantSchedule(lrSpec) : lrSpec;
  const rates = new ArrayBuffer(Math.max(16, T * d * 16));
  const ru = new Uint32Array(rates);
  const rf = new Float32Array(rates);
  const skip: number[] = [];
  for (let t = 0; t < T; t++) {
    const desc = problem.chain.describeDrop!(t, d)!;
    skip.push(desc.skipRate);
    for (let i = 0; i < d; i++) {
      const p = desc.rates[i];
      const r = (t * d + i) * 4;
      ru[r] = threshold(p);
      rf[r + 1] = 1 / (1 - p);
      rf[r + 2] = Math.sqrt(p / (1 - p));
      ru[r + 3] = p === 0 ? 1 : 0;
    }
  }
  const q = problem.surface as { H?: { to1DArray(): number[] }; xStar?: Float64Array };
  const consts = new Float32Array(Math.max(4, d * d + d));
  if (q.H && q.xStar) {
    consts.set(q.H.to1DArray());
    consts.set(q.xStar, d * d);
  }
  const limit = spec.divergenceLoss ?? Number.POSITIVE_INFINITY;
  const f0 = Math.fround(problem.surface.value(problem.x0));
  const stats: BlockStats = emptyStats(d, T, bands, false);
  const tot = Array.from({ length: T + 1 }, () => ({ n: 0 }));
  const ltot = Array.from({ length: T + 1 }, () => ({ n: 0 }));
  const utot = { n: 0 };
  const chunks = Math.ceil(N / chunk);
  for (let c = 0; c < chunks; c++) {
    const first = c * chunk;
    const n = Math.min(chunk, N - first);
    const wgs = Math.ceil(n / WG);
    const partialOffset = n + n * d;
    const finalOffset = partialOffset + (T + 1) * wgs * R;
    const auxLen = finalOffset + wgs * F;
    const x = new Float32Array(n * d);
    for (let b = 0; b < n; b++) for (let i = 0; i < d; i++) x[b * d + i] = problem.x0[i];
    const st = new Float32Array(Math.max(1, n * d * NS));
    if (ks.optimizer.kind === 'adagrad') st.fill(ks.optimizer.initial);
    const meta = new Uint32Array(2 * n);
    for (let b = 0; b < n; b++) meta[2 * b] = 1;
    const aux = new Float32Array(auxLen);
    aux.fill(f0, 0, n);
    const counters = new Uint32Array(T + 2 + bands.length * HIST_BINS);
    const align = Math.max(STEP_BYTES, gpu.limits.minUniformBufferOffsetAlignment);
    const uni = new ArrayBuffer((T + 1) * align);
    for (let r = 0; r <= T; r++) {
      const u = new Uint32Array(uni, r * align, 16);
      const fl = new Float32Array(uni, r * align, 16);
      u[0] = r;
      fl[1] = r < T ? lrSched.at(r) : 0;
      u[2] = r < T ? threshold(skip[r]) : 0;
      u[3] = (r === T - 1 ? 1 : 0) | (r < T && skip[r] > 0 ? 2 : 0) | (r === T ? 4 : 0);
      new Int32Array(uni, r * align, 16)[4] = bands.indexOf(r);
      fl[5] = Math.min(limit, 3.4028234e38);
      u[6] = (spec.firstTrajectory ?? 0) + first;
      u[7] = n;
      u[8] = spec.seed >>> 0;
      u[9] = Math.floor(spec.seed / 4294967296) >>> 0;
      u[10] = partialOffset + r * wgs * R;
      u[11] = T + 2;
      u[12] = finalOffset;
    }
    // Buffers: 0 uniform steps, 1 rates, 2 x, 3 state, 4 meta, 5 aux, 6 counters, 7 consts.
    const plan: GpuPlan = {
      wgsl,
      buffers: [
        { size: uni.byteLength, data: b64(new Uint8Array(uni)), uniform: true },
        { size: rates.byteLength, data: b64(new Uint8Array(rates)) },
        { size: x.byteLength, data: b64(x) },
        { size: st.byteLength, data: b64(st) },
        { size: meta.byteLength, data: b64(meta) },
        { size: aux.byteLength, data: b64(aux) },
        { size: counters.byteLength, data: b64(counters) },
        { size: consts.byteLength, data: b64(consts) },
      ],
      bindings: [
        { binding: 0, type: 'uniform', buffer: 0, dynamic: true, size: STEP_BYTES },
        { binding: 1, type: 'read-only-storage', buffer: 1 },
        { binding: 2, type: 'storage', buffer: 2 },
        { binding: 3, type: 'storage', buffer: 3 },
        { binding: 4, type: 'storage', buffer: 4 },
        { binding: 5, type: 'storage', buffer: 5 },
        { binding: 6, type: 'storage', buffer: 6 },
        { binding: 7, type: 'read-only-storage', buffer: 7 },
      ],
      // One submission per step keeps every submission small (some drivers misbehave on very long passes).
      submissions: Array.from({ length: T + 1 }, (_, r) => [
        ...(r > 0 ? [{ entry: 'step', offset: (r - 1) * align, workgroups: wgs }] : []),
        { entry: 'reduce', offset: r * align, workgroups: wgs },
      ]),
      reads: [
        { buffer: 5, offset: partialOffset * 4, size: (auxLen - partialOffset) * 4 },
        { buffer: 6, offset: 0, size: counters.byteLength },
      ],
    };
    const [partB64, ctrB64] = await gpu.run(plan);
    const part = new Float32Array(fromB64(partB64));
    const ctr = new Uint32Array(fromB64(ctrB64));
    // Merge this chunk's workgroup records, in order, in float64.
    for (let r = 0; r <= T; r++) {
      for (let w = 0; w < wgs; w++) {
        const base = (r * wgs + w) * R;
        const nw = part[base];
        if (nw === 0) continue;
        const finalOuter: [Float64Array, ArrayLike<number>][] = r === T ? [[stats.finalM2, part.subarray((T + 1) * wgs * R + w * F, (T + 1) * wgs * R + w * F + d * d)]] : [];
        merge(tot[r], stats.mean, stats.m2, r * d, nw, part.subarray(base + 1, base + 1 + d), part.subarray(base + 1 + d, base + 1 + 2 * d), d, finalOuter);
        const lm = Float64Array.of(stats.lossMean[r]);
        const l2 = Float64Array.of(stats.lossM2[r]);
        merge(ltot[r], lm, l2, 0, nw, [part[base + 1 + 2 * d]], [part[base + 2 + 2 * d]], 1);
        stats.lossMean[r] = lm[0];
        stats.lossM2[r] = l2[0];
      }
    }
    for (let w = 0; w < wgs; w++) {
      const ub = (T + 1) * wgs * R + w * F + d * d;
      const nu = part[ub];
      if (T === 0 || nu === 0) continue;
      merge(utot, stats.updMean, new Float64Array(d), 0, nu, part.subarray(ub + 1, ub + 1 + d), new Float64Array(d), d, [[stats.updM2, part.subarray(ub + 1 + d, ub + 1 + d + d * d)]]);
    }
    for (let t = 1; t <= T; t++) stats.diverged[t] += ctr[t];
    for (let i = 0; i < stats.hist.length; i++) stats.hist[i] += ctr[T + 2 + i];
    o.onProgress?.(c + 1, chunks);
  }
  for (let r = 0; r <= T; r++) stats.n[r] = tot[r].n;
  stats.updN = utot.n;
  const result = toResult(spec, stats, { path: 'fused', kernel: 'webgpu', seconds: (performance.now() - t0) / 1000 });
  return { ...result, backend: 'webgpu', adapter: gpu.adapter, chunks };
}


