/**
 * What a Monte-Carlo run computes: N trajectories × T steps of a problem (src/problem.ts) under the keyed
 * random stream of `seed`. Trajectory k uses the stream (seed, firstTrajectory + k), so a result depends on
 * nothing but the spec: not on worker count, chunking or backend.
 */
import { ParameterError } from '../../errors.ts';
import { checkSeed } from '../../rng/keyed.ts';
import type { ProblemConfig } from '../../problem.ts';

/** Trajectories are reduced in fixed blocks of this size, merged in block order: part of the numbers' definition. */
export const BLOCK_SIZE = 1024;

/** A Monte-Carlo run: `samples` trajectories of `steps` steps of a problem; trajectory i's randomness is keyed by (seed, i). */
export interface SimulationSpec {
  /** The problem, as plain data (it travels to worker threads and GPUs). */
  problem: ProblemConfig;
  /** Trajectories. */
  samples: number;
  /** Steps per trajectory, T. */
  steps: number;
  /** The run's seed: the same seed gives the same bits on every back end and thread count. */
  seed: number;
  /** Index of the first trajectory (shards of one large run use consecutive ranges). Default 0. */
  firstTrajectory?: number;
  /** Keep the full covariance of the iterate at every step (d² per step); default: only at the end. */
  perStepCov?: boolean;
  /** Number of steps (evenly spaced, plus the last) at which loss histograms for quantile bands are kept. Default 50. */
  bandSteps?: number;
  /** Keep the first `keepPaths` trajectories' full paths (for fan plots). Default 0. */
  keepPaths?: number;
  /** Keep every trajectory's final point x_T (NaN where it diverged), e.g. to assign each to a basin. Default false. */
  keepFinal?: boolean;
  /**
   * A trajectory whose loss exceeds this value is counted as diverged at that step and stopped, like one that
   * became non-finite. Default: Infinity (only non-finite values count).
   */
  divergenceLoss?: number;
  /** Force the general (chain-by-chain) path even when a fused kernel exists. */
  general?: boolean;
}

export function checkSpec(spec: SimulationSpec): void {
  const int = (name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ParameterError(name, v, `an integer in [${min}, ${max}]`);
  };
  int('samples', spec.samples, 1, 2 ** 32 - 1);
  int('steps', spec.steps, 0, 2 ** 32 - 1);
  checkSeed(spec.seed);
  if (spec.firstTrajectory !== undefined) int('firstTrajectory', spec.firstTrajectory, 0, 2 ** 32 - 1 - spec.samples);
  if (spec.bandSteps !== undefined) int('bandSteps', spec.bandSteps, 0, 10_000);
  if (spec.divergenceLoss !== undefined && (typeof spec.divergenceLoss !== 'number' || Number.isNaN(spec.divergenceLoss))) {
    throw new ParameterError('divergenceLoss', spec.divergenceLoss, 'a number (a loss above it counts as divergence)');
  }
  if (spec.keepPaths !== undefined) int('keepPaths', spec.keepPaths, 0, Math.min(spec.samples, 10_000));
}

/** Most final-point coordinates a run keeps with keepFinal (8 bytes each: 800 MB). */
export const MAX_KEPT_FINAL = 1e8;

/** Refuses a keepFinal run whose final points (samples × d numbers) would not fit, naming the samples flag. */
export function checkKeptFinal(samples: number, d: number, parameter = 'samples'): void {
  if (samples * d > MAX_KEPT_FINAL) throw new ParameterError(parameter, samples, `an integer ≤ ${Math.floor(MAX_KEPT_FINAL / d)} (every final point is kept: samples × d ≤ ${MAX_KEPT_FINAL.toExponential(0)})`);
}

/** Steps (0 … T) at which loss histograms are kept. */
export function bandStepList(spec: SimulationSpec): number[] {
  const k = spec.bandSteps ?? 50;
  if (k === 0 || spec.steps === 0) return k === 0 ? [] : [0];
  const set = new Set<number>();
  for (let i = 0; i <= k; i++) set.add(Math.round((i * spec.steps) / k));
  return [...set].sort((a, b) => a - b);
}

export function blockCount(spec: SimulationSpec): number {
  return Math.ceil(spec.samples / BLOCK_SIZE);
}
