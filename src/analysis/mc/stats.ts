/**
 * Streaming statistics of a block of trajectories, and their exact, ordered merge.
 *
 * Within a block every step's statistics are two-pass (mean, then centred sums) over the block's finite
 * trajectories, each sum as four interleaved partial sums (trajectory index mod 4); blocks are merged in block order with Chan et al.'s pairwise update
 * (mean_ab = mean_a + δ n_b/n, M2_ab = M2_a + M2_b + δδᵀ n_a n_b/n). The numbers therefore depend only on the
 * spec, never on how blocks were distributed over workers. Nothing grows with T except what is per step by
 * definition (means, variances, loss moments, divergence counts, band histograms at ≤ bandSteps steps).
 */
import type { BandSink } from './bands.ts';
import { type BandHistograms, HIST_BINS, addBands, binOf, emptyBands, packBands } from './histogram.ts';

export interface BlockStats {
  d: number;
  steps: number;
  /** Finite trajectories at step t (t = 0 … T). */
  n: Float64Array;
  /** Mean of x_t, (T+1)×d. */
  mean: Float64Array;
  /** Σ (x_t,i − mean)² per coordinate, (T+1)×d. */
  m2: Float64Array;
  /** Full centred cross-products per step, (T+1)×d×d (only with perStepCov). */
  cov: Float64Array | null;
  lossMean: Float64Array;
  lossM2: Float64Array;
  /** Trajectories that became non-finite at step t. */
  diverged: Float64Array;
  /**
   * Band steps and their loss histograms (stored over their touched bins only). Blocks leave `hist` empty: their
   * counts go to the thread's BandSink (src/analysis/mc/bands.ts), which the engine adds to the merged total once.
   */
  bandSteps: number[];
  hist: BandHistograms;
  /** Full centred cross-products of x_T, d×d. */
  finalM2: Float64Array;
  /** Update of the last step: count, mean, centred cross-products. */
  updN: number;
  updMean: Float64Array;
  updM2: Float64Array;
  /** Kept paths: count × (T+1) × d (NaN after divergence). */
  paths: Float64Array;
  pathCount: number;
  /** Final points of every trajectory of the block (keepFinal): count × d, NaN where it diverged. */
  final: Float64Array;
}

export function emptyStats(d: number, steps: number, bandSteps: number[], perStepCov: boolean): BlockStats {
  const T1 = steps + 1;
  // One buffer for all fixed-size arrays: a worker hands a block's statistics over by transferring it alone.
  const sizes = [T1, T1 * d, T1 * d, perStepCov ? T1 * d * d : 0, T1, T1, T1, d * d, d, d * d];
  const buf = new Float64Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  const take = (k: number) => buf.subarray(at, (at += k));
  const [n, mean, m2, cov, lossMean, lossM2, diverged, finalM2, updMean, updM2] = sizes.map(take);
  return {
    d,
    steps,
    n,
    mean,
    m2,
    cov: perStepCov ? cov : null,
    lossMean,
    lossM2,
    diverged,
    bandSteps,
    hist: emptyBands(bandSteps.length),
    finalM2,
    updN: 0,
    updMean,
    updM2,
    paths: new Float64Array(0),
    pathCount: 0,
    final: new Float64Array(0),
  };
}

/** The buffers that carry a block's statistics (to transfer to another thread). */
export const statsBuffers = (s: BlockStats): ArrayBuffer[] => [...new Set([s.n.buffer, s.paths.buffer, s.final.buffer] as ArrayBuffer[])];

/** This thread's full-size scratch histograms for the JavaScript paths (zero outside a block; see packBands). */
let scratch = new Uint32Array(0);

/** Accumulates one block: the kernels call `record` after every step with the batch state; `done` ends it. */
export class BlockRecorder {
  readonly stats: BlockStats;
  private readonly bandIndex: Map<number, number>;
  /** Per band, the scratch bins [histLo, histHi) this block touched. */
  private readonly histLo: Int32Array;
  private readonly histHi: Int32Array;
  private readonly mean: Float64Array;
  private readonly lanes: Float64Array;
  private readonly lossLanes = new Float64Array(4);
  private readonly outerLanes: Float64Array;

  constructor(
    d: number,
    steps: number,
    bandSteps: number[],
    perStepCov: boolean,
    readonly keepPaths: number,
    /** Where this block's band histograms go (the job's sink in this thread). */
    readonly sink: BandSink,
    /** Trajectories whose final point is kept (the block's B with keepFinal, else 0). */
    readonly keepFinal = 0,
  ) {
    this.stats = emptyStats(d, steps, bandSteps, perStepCov);
    this.bandIndex = new Map(bandSteps.map((s, i) => [s, i]));
    this.histLo = new Int32Array(bandSteps.length).fill(HIST_BINS);
    this.histHi = new Int32Array(bandSteps.length);
    if (scratch.length < bandSteps.length * HIST_BINS) scratch = new Uint32Array(bandSteps.length * HIST_BINS);
    this.mean = new Float64Array(d);
    this.lanes = new Float64Array(4 * d);
    this.outerLanes = new Float64Array(4 * d * d);
    if (keepPaths > 0) {
      this.stats.paths = new Float64Array(keepPaths * (steps + 1) * d).fill(Number.NaN);
      this.stats.pathCount = keepPaths;
    }
    if (keepFinal > 0) this.stats.final = new Float64Array(keepFinal * d).fill(Number.NaN);
  }

  /**
   * Statistics of step t over the alive trajectories (x: B×d, loss: B). Every sum over trajectories is four
   * interleaved partial sums (trajectory index mod 4) combined as (s₀ + s₁) + (s₂ + s₃): the order the
   * WebAssembly kernel's two-lane vectors give, written out here so that every path gives the same bits.
   */
  record(t: number, x: Float64Array, loss: Float64Array, alive: Uint8Array, B: number): void {
    const s = this.stats;
    const d = s.d;
    const lanes = this.lanes;
    const ll = this.lossLanes;
    lanes.fill(0);
    ll.fill(0);
    let n = 0;
    for (let b = 0; b < B; b++) {
      if (!alive[b]) continue;
      n++;
      const o = b * d;
      const k = (b & 3) * d;
      for (let i = 0; i < d; i++) lanes[k + i] += x[o + i];
      ll[b & 3] += loss[b];
    }
    const off = t * d;
    s.n[t] = n;
    if (n === 0) return;
    const mean = this.mean;
    for (let i = 0; i < d; i++) mean[i] = combine(lanes, i, d) / n;
    const lm = combine(ll, 0, 1) / n;
    lanes.fill(0);
    ll.fill(0);
    const cov = s.cov;
    const full = t === s.steps ? s.finalM2 : null;
    const outer = cov || full ? this.outerLanes.fill(0) : null;
    for (let b = 0; b < B; b++) {
      if (!alive[b]) continue;
      const o = b * d;
      const k = (b & 3) * d;
      for (let i = 0; i < d; i++) {
        const di = x[o + i] - mean[i];
        lanes[k + i] += di * di;
      }
      if (outer) addOuter(outer, (b & 3) * d * d, x, o, mean, d);
      const dl = loss[b] - lm;
      ll[b & 3] += dl * dl;
    }
    for (let i = 0; i < d; i++) {
      s.m2[off + i] = combine(lanes, i, d);
      s.mean[off + i] = mean[i];
    }
    if (outer) {
      for (let i = 0; i < d * d; i++) {
        const v = combine(outer, i, d * d);
        if (cov) cov[t * d * d + i] = v;
        if (full) full[i] = v;
      }
    }
    s.lossMean[t] = lm;
    s.lossM2[t] = combine(ll, 0, 1);
    this.finish(t, loss, alive, B, x, d, 1);
  }

  /**
   * The verdict on trajectory b after step t (the x of step t + 1): diverged when a coordinate or the loss is
   * non-finite or the loss exceeds `limit` (counted and stopped), otherwise its loss is kept.
   */
  settle(t: number, b: number, finite: boolean, l: number, limit: number, loss: Float64Array, alive: Uint8Array): void {
    if (!finite || !Number.isFinite(l) || l > limit) {
      alive[b] = 0;
      this.stats.diverged[t + 1]++;
    } else loss[b] = l;
  }

  /** Whether step t needs full cross-products (per-step covariance, or the last step). */
  needsCov(t: number): boolean {
    return this.stats.cov !== null || t === this.stats.steps;
  }

  /**
   * The same statistics computed elsewhere (the WebAssembly kernel, identical operations): copies them in.
   * `mean` and `m2` are read at `off` (d each); `cov` (d×d) when the step needs it.
   */
  recordComputed(t: number, n: number, mean: Float64Array, m2: Float64Array, off: number, lossMean: number, lossM2: number, cov: Float64Array | null): void {
    const s = this.stats;
    const d = s.d;
    s.n[t] = n;
    if (n === 0) return;
    for (let i = 0; i < d; i++) {
      s.mean[t * d + i] = mean[off + i];
      s.m2[t * d + i] = m2[off + i];
    }
    if (s.cov && cov) s.cov.set(cov, t * d * d);
    if (t === s.steps && cov) s.finalM2.set(cov);
    s.lossMean[t] = lossMean;
    s.lossM2[t] = lossM2;
  }

  /**
   * What stays in JavaScript after step t's statistics: the loss histogram on band steps and the kept paths.
   * x[b·bStride + i·iStride] is coordinate i of trajectory b.
   */
  finish(t: number, loss: Float64Array, alive: Uint8Array, B: number, x: Float64Array, bStride: number, iStride: number): void {
    const band = this.bandIndex.get(t);
    if (band !== undefined) {
      const h = band * HIST_BINS;
      let lo = this.histLo[band];
      let hi = this.histHi[band];
      for (let b = 0; b < B; b++) {
        if (!alive[b]) continue;
        const bin = binOf(loss[b]);
        scratch[h + bin]++;
        if (bin < lo) lo = bin;
        if (bin >= hi) hi = bin + 1;
      }
      this.histLo[band] = lo;
      this.histHi[band] = hi;
    }
    this.storePaths(t, alive, B, x, bStride, iStride);
  }

  /** Whether step t stores points (kept paths at every step, final points at the last). */
  storesPoints(t: number): boolean {
    return this.keepPaths > 0 || (this.keepFinal > 0 && t === this.stats.steps);
  }

  /** Stores the kept trajectories' points at step t (and, at the last step, the final points). */
  storePaths(t: number, alive: Uint8Array, B: number, x: Float64Array, bStride: number, iStride: number): void {
    const s = this.stats;
    const d = s.d;
    const T1 = s.steps + 1;
    if (t === s.steps) {
      for (let b = 0; b < Math.min(B, this.keepFinal); b++) {
        if (!alive[b]) continue;
        for (let i = 0; i < d; i++) s.final[b * d + i] = x[b * bStride + i * iStride];
      }
    }
    for (let b = 0; b < Math.min(B, this.keepPaths); b++) {
      if (!alive[b]) continue;
      for (let i = 0; i < d; i++) s.paths[(b * T1 + t) * d + i] = x[b * bStride + i * iStride];
    }
  }

  /**
   * Ends the block and returns its statistics. The band histograms the JavaScript paths filled go to the sink
   * (packed, clearing this thread's scratch); the block's own `hist` stays empty.
   */
  done(): BlockStats {
    if (this.histHi.some((h, k) => h > this.histLo[k])) this.sink.add(packBands(scratch, this.histLo, this.histHi));
    this.histHi.fill(0);
    return this.stats;
  }

  /** A block that failed: clears what it put in this thread's scratch, so that the next block starts clean. */
  abandon(): void {
    packBands(scratch, this.histLo, this.histHi);
    this.histHi.fill(0);
  }

  /** Index of step t among the band steps, or −1. */
  band(t: number): number {
    return this.bandIndex.get(t) ?? -1;
  }

  /** Moments of the last step's update over the trajectories alive at the end (u: B×d). */
  recordUpdate(u: Float64Array, alive: Uint8Array, B: number): void {
    const s = this.stats;
    const d = s.d;
    const lanes = this.lanes.fill(0);
    let n = 0;
    for (let b = 0; b < B; b++) {
      if (!alive[b]) continue;
      n++;
      const k = (b & 3) * d;
      for (let i = 0; i < d; i++) lanes[k + i] += u[b * d + i];
    }
    s.updN = n;
    if (n === 0) return;
    const mean = this.mean;
    for (let i = 0; i < d; i++) mean[i] = combine(lanes, i, d) / n;
    const outer = this.outerLanes.fill(0);
    for (let b = 0; b < B; b++) if (alive[b]) addOuter(outer, (b & 3) * d * d, u, b * d, mean, d);
    for (let i = 0; i < d * d; i++) s.updM2[i] = combine(outer, i, d * d);
    s.updMean.set(mean);
  }

  /** The same moments computed elsewhere (the WebAssembly kernel, identical operations). */
  recordUpdateComputed(n: number, mean: Float64Array, m2: Float64Array): void {
    const s = this.stats;
    s.updN = n;
    if (n === 0) return;
    s.updMean.set(mean);
    s.updM2.set(m2);
  }
}

/** (s₀ + s₁) + (s₂ + s₃) for the four partial sums of entry i (lane k at k·stride + i). */
const combine = (a: Float64Array, i: number, stride: number) => a[i] + a[stride + i] + (a[2 * stride + i] + a[3 * stride + i]);

function addOuter(target: Float64Array, off: number, x: Float64Array, o: number, mean: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    const di = x[o + i] - mean[i];
    for (let j = 0; j < d; j++) target[off + i * d + j] += di * (x[o + j] - mean[j]);
  }
}

/** Cross-product sums to merge alongside a mean: (target, source, target offset, source offset), each k×k. */
export type Outer = [Float64Array, ArrayLike<number>, number, number?];

/** Reused by mergeMoments (merges run once per block and step: allocation there was most of the merge's cost). */
let deltaScratch = new Float64Array(16);

/**
 * Chan et al.'s merge of (n_b, mean_b, M2_b) into (n_a, mean_a, M2_a): vectors of length k at `off` in the
 * target and at `offB` (default `off`; M2_b at `offM2B`, default `offB`) in the source. Shared by the CPU block merge and the WebGPU record merge.
 */
export function mergeMoments(
  na: number,
  nb: number,
  ma: Float64Array,
  mb: ArrayLike<number>,
  m2a: Float64Array,
  m2b: ArrayLike<number>,
  off: number,
  k: number,
  outers: Outer[] = [],
  offB = off,
  offM2B = offB,
): void {
  if (nb === 0) return;
  if (na === 0) {
    for (let i = 0; i < k; i++) {
      ma[off + i] = mb[offB + i];
      m2a[off + i] = m2b[offM2B + i];
    }
    for (const [oa, ob, oo, ooB = oo] of outers) for (let i = 0; i < k * k; i++) oa[oo + i] = ob[ooB + i];
    return;
  }
  const n = na + nb;
  const f = (na * nb) / n;
  if (deltaScratch.length < k) deltaScratch = new Float64Array(k);
  const delta = deltaScratch;
  for (let i = 0; i < k; i++) delta[i] = mb[offB + i] - ma[off + i];
  for (let i = 0; i < k; i++) {
    m2a[off + i] += m2b[offM2B + i] + delta[i] * delta[i] * f;
    ma[off + i] += (delta[i] * nb) / n;
  }
  for (const [oa, ob, oo, ooB = oo] of outers) {
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) oa[oo + i * k + j] += ob[ooB + i * k + j] + delta[i] * delta[j] * f;
  }
}

/**
 * mergeMoments without cross-products, for Float64Arrays at the same offset: the same operations in the same order
 * (so the same bits), monomorphic and allocation-free — it runs (T + 1) × 2 times per merged block.
 */
function mergeStep(na: number, nb: number, ma: Float64Array, mb: Float64Array, m2a: Float64Array, m2b: Float64Array, off: number, k: number): void {
  if (nb === 0) return;
  if (na === 0) {
    for (let i = off; i < off + k; i++) {
      ma[i] = mb[i];
      m2a[i] = m2b[i];
    }
    return;
  }
  const n = na + nb;
  const f = (na * nb) / n;
  for (let i = off; i < off + k; i++) {
    const delta = mb[i] - ma[i];
    m2a[i] += m2b[i] + delta * delta * f;
    ma[i] += (delta * nb) / n;
  }
}

/** Merges block b into the running total a (a is modified). Call in block order. */
export function mergeStats(a: BlockStats, b: BlockStats): BlockStats {
  const d = a.d;
  const T1 = a.steps + 1;
  for (let t = 0; t < T1; t++) {
    const na = a.n[t];
    const nb = b.n[t];
    if ((a.cov && b.cov) || t === T1 - 1) {
      const outers: Outer[] = [];
      if (a.cov && b.cov) outers.push([a.cov, b.cov, t * d * d]);
      if (t === T1 - 1) outers.push([a.finalM2, b.finalM2, 0]);
      mergeMoments(na, nb, a.mean, b.mean, a.m2, b.m2, t * d, d, outers);
    } else mergeStep(na, nb, a.mean, b.mean, a.m2, b.m2, t * d, d);
    mergeStep(na, nb, a.lossMean, b.lossMean, a.lossM2, b.lossM2, t, 1);
    a.n[t] = na + nb;
    a.diverged[t] += b.diverged[t];
  }
  a.hist = addBands(a.hist, b.hist);
  mergeMoments(a.updN, b.updN, a.updMean, b.updMean, new Float64Array(d), new Float64Array(d), 0, d, [[a.updM2, b.updM2, 0]]);
  a.updN += b.updN;
  if (b.pathCount > 0) {
    const merged = new Float64Array(a.paths.length + b.paths.length);
    merged.set(a.paths);
    merged.set(b.paths, a.paths.length);
    a.paths = merged;
    a.pathCount += b.pathCount;
  }
  if (b.final.length > 0) {
    const merged = new Float64Array(a.final.length + b.final.length);
    merged.set(a.final);
    merged.set(b.final, a.final.length);
    a.final = merged;
  }
  return a;
}
