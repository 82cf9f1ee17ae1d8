/**
 * Held-out statistics of a Monte-Carlo run on a data-set surface (least-squares, logistic): the test loss (and,
 * for a classifier, the test accuracy) of every trajectory's final iterate, summarised by mean ± standard error
 * and median over the trajectories that did not diverge.
 */
import { ParameterError } from '../errors.ts';
import type { Surface } from '../surfaces/surface.ts';

export interface HeldOutSurface extends Surface {
  testLoss?(w: ArrayLike<number>): number;
  testAccuracy?(w: ArrayLike<number>): number;
}

export interface Summary {
  mean: number;
  stderr: number;
  median: number;
  /** Trajectories summarised (the finite ones). */
  count: number;
}

export interface HeldOutStats {
  testLoss: Summary;
  testAccuracy?: Summary;
}

export const hasHeldOut = (s: Surface): s is HeldOutSurface => typeof (s as HeldOutSurface).testLoss === 'function';

/** Mean, standard error of the mean, median and count of a sample (NaN statistics when it is empty). */
export function summarizeSample(values: number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, stderr: Number.NaN, median: Number.NaN, count: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  return { mean, stderr: Math.sqrt(variance / n), median, count: n };
}

/** Per-trajectory test loss (and accuracy) of the final points (samples × d, NaN rows diverged). */
export function heldOutValues(surface: HeldOutSurface, points: Float64Array): { loss: number[]; accuracy?: number[] } {
  const testLoss = surface.testLoss;
  if (!testLoss) throw new ParameterError('test', undefined, `test rows for ${surface.name} (a data-set surface given --test)`);
  const d = surface.dim;
  const loss: number[] = [];
  const accuracy: number[] | undefined = surface.testAccuracy ? [] : undefined;
  for (let k = 0; k * d < points.length; k++) {
    const w = points.subarray(k * d, (k + 1) * d);
    if (!w.every(Number.isFinite)) continue;
    loss.push(testLoss(w));
    accuracy?.push(surface.testAccuracy!(w));
  }
  return { loss, accuracy };
}

/** Summaries of the test loss (and accuracy) over the final points of an ensemble. */
export function heldOutStats(surface: HeldOutSurface, points: Float64Array): HeldOutStats {
  const v = heldOutValues(surface, points);
  return { testLoss: summarizeSample(v.loss), ...(v.accuracy ? { testAccuracy: summarizeSample(v.accuracy) } : {}) };
}
