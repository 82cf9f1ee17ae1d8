/** Turns merged block statistics into the result a user reads (means, covariances, standard errors, bands). */
import { bandQuantiles } from './histogram.ts';
import type { SimulationSpec } from './spec.ts';
import type { BlockStats } from './stats.ts';

export const BAND_QUANTILES = [0.025, 0.25, 0.5, 0.75, 0.975];

/** Statistics of an ensemble: the iterate's mean and covariance with standard errors, the loss, divergence counts, and per-step records and quantile bands. */
export interface SimulationResult {
  samples: number;
  steps: number;
  seed: number;
  dim: number;
  /** 'fused' (a hot-case kernel) or 'general' (chain by chain), and why when general. */
  path: 'fused' | 'general';
  pathReason?: string;
  /** Implementation that ran: the WebAssembly or JavaScript fused kernel, or the general path. */
  kernel: string;
  seconds: number;
  /**
   * The iterate after T steps, over the trajectories still finite; null when none is (every statistic that does not
   * exist — a mean of no trajectory, a variance of one — is null, never 0 or NaN).
   */
  mean: number[] | null;
  cov: number[][];
  stderrMean: number[];
  meanLoss: number;
  stderrLoss: number;
  /**
   * The median of f(x_T) over the finite trajectories, from the loss histogram at T (bins 1.6–3.1% wide): robust
   * where a few survivors on their way to overflow dominate the mean. Null without a band at T or a finite trajectory.
   */
  medianLoss: number | null;
  /** Trajectories that became non-finite, the fraction, and the first step at which one did. */
  diverged: number;
  divergedFraction: number;
  firstDivergence: number | null;
  /** The update of the last step (over trajectories finite at the end). */
  update: { mean: number[]; cov: number[][]; stderrMean: number[]; n: number };
  perStep: {
    n: number[];
    /** Per step; null at steps where no trajectory is finite. */
    mean: (number[] | null)[];
    variance: number[][];
    cov?: number[][][];
    lossMean: number[];
    lossStderr: number[];
    diverged: number[];
  };
  /** Loss quantiles (2.5, 25, 50, 75, 97.5 %) at the band steps, from histograms of 32 bins per octave (histogram.ts). */
  bands: { steps: number[]; quantiles: number[]; values: number[][] };
  /** Kept trajectories: paths[k][t] = x_t (null after divergence). */
  paths?: (number[] | null)[][];
  /** With keepFinal: x_T of every trajectory, samples × d in trajectory order (NaN where it diverged). */
  finalPoints?: Float64Array;
}

/** The median loss at step t from the bands, when t is a band step and n > 0 trajectories are finite there. */
function medianAt(bands: SimulationResult['bands'], t: number, n: number): number | null {
  const k = bands.steps.indexOf(t);
  const m = k >= 0 && n > 0 ? bands.values[k][bands.quantiles.indexOf(0.5)] : Number.NaN;
  return Number.isFinite(m) ? m : null;
}

export function toResult(spec: SimulationSpec, s: BlockStats, info: { path: 'fused' | 'general'; pathReason?: string; kernel: string; seconds: number }): SimulationResult {
  const d = s.d;
  const T = s.steps;
  const nT = s.n[T];
  const covOf = (m2: Float64Array, off: number, n: number) =>
    Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (n > 1 ? m2[off + i * d + j] / (n - 1) : Number.NaN)));
  const cov = covOf(s.finalM2, 0, nT);
  const mean = nT > 0 ? Array.from(s.mean.subarray(T * d, (T + 1) * d)) : null;
  const stderrMean = cov.map((row, i) => Math.sqrt(row[i] / nT));
  const lossVar = nT > 1 ? s.lossM2[T] / (nT - 1) : Number.NaN;
  let diverged = 0;
  let firstDivergence: number | null = null;
  for (let t = 0; t <= T; t++) {
    diverged += s.diverged[t];
    if (s.diverged[t] > 0 && firstDivergence === null) firstDivergence = t;
  }
  const updCov = covOf(s.updM2, 0, s.updN);
  const perStep: SimulationResult['perStep'] = {
    n: Array.from(s.n),
    mean: Array.from({ length: T + 1 }, (_, t) => (s.n[t] > 0 ? Array.from(s.mean.subarray(t * d, (t + 1) * d)) : null)),
    variance: Array.from({ length: T + 1 }, (_, t) => Array.from({ length: d }, (_, i) => (s.n[t] > 1 ? s.m2[t * d + i] / (s.n[t] - 1) : Number.NaN))),
    lossMean: Array.from(s.lossMean, (v, t) => (s.n[t] > 0 ? v : Number.NaN)),
    lossStderr: Array.from(s.lossM2, (v, t) => (s.n[t] > 1 ? Math.sqrt(v / (s.n[t] - 1) / s.n[t]) : Number.NaN)),
    diverged: Array.from(s.diverged),
  };
  if (s.cov) perStep.cov = Array.from({ length: T + 1 }, (_, t) => covOf(s.cov!, t * d * d, s.n[t]));
  const bands = {
    steps: s.bandSteps,
    quantiles: BAND_QUANTILES,
    values: s.bandSteps.map((_, k) => bandQuantiles(s.hist, k, BAND_QUANTILES)),
  };
  const result: SimulationResult = {
    samples: spec.samples,
    steps: T,
    seed: spec.seed,
    dim: d,
    path: info.path,
    ...(info.pathReason ? { pathReason: info.pathReason } : {}),
    kernel: info.kernel,
    seconds: info.seconds,
    mean,
    cov,
    stderrMean,
    meanLoss: nT > 0 ? s.lossMean[T] : Number.NaN,
    stderrLoss: Math.sqrt(lossVar / nT),
    medianLoss: medianAt(bands, T, nT),
    diverged,
    divergedFraction: diverged / spec.samples,
    firstDivergence,
    update: { mean: Array.from(s.updMean), cov: updCov, stderrMean: updCov.map((row, i) => Math.sqrt(row[i] / s.updN)), n: s.updN },
    perStep,
    bands,
  };
  if (spec.keepFinal) result.finalPoints = s.final;
  if (s.pathCount > 0) {
    const T1 = T + 1;
    result.paths = Array.from({ length: s.pathCount }, (_, k) =>
      Array.from({ length: T1 }, (_, t) => {
        const v = Array.from(s.paths.subarray((k * T1 + t) * d, (k * T1 + t + 1) * d));
        return v.every(Number.isFinite) ? v : null;
      }),
    );
  }
  return result;
}
