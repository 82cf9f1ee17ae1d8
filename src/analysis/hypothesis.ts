/**
 * Tests of an estimate against its closed form (docs/theory.md §6): the z-score of a scalar, Hotelling's T² of a
 * vector (its coordinates tested jointly, with their sample covariance), and the same for two independent samples;
 * p-values from @stdlib/stats' normal and F distributions.
 */
import normalCdf from '@stdlib/stats/base/dists/normal/cdf/lib/index.js';
import fCdf from '@stdlib/stats/base/dists/f/cdf/lib/index.js';
import { Matrix, solve } from '../matrix.ts';

/** Two-sided p-value of a standard normal z. */
export const zPValue = (z: number) => 2 * (1 - normalCdf(Math.abs(z), 0, 1));

export interface JointTest {
  /** Hotelling's T² = n·(m̂ − μ)ᵀ S⁻¹ (m̂ − μ). */
  t2: number;
  /** T²·(n − d)/(d·(n − 1)), F(d, n − d) under the null hypothesis (normal data; large n: any finite variance). */
  f: number;
  df1: number;
  df2: number;
  p: number;
}

/**
 * One sample: mean `estimate` of n draws with sample covariance `cov`, against the exact mean `exact`. Coordinates
 * whose variance is 0 (a coordinate DropGrad never moves) are left out (they must equal the exact value; a
 * difference there is reported as p = 0).
 */
export function hotelling(estimate: readonly number[], exact: readonly number[], cov: readonly (readonly number[])[], n: number): JointTest {
  const keep = cov.map((row, i) => row[i] > 0).map((v, i) => (v ? i : -1)).filter((i) => i >= 0);
  const d = keep.length;
  const still = estimate.some((m, i) => !keep.includes(i) && m !== exact[i]);
  if (d === 0 || n <= d) return { t2: still ? Infinity : 0, f: still ? Infinity : 0, df1: d, df2: n - d, p: still ? 0 : 1 };
  const delta = Matrix.columnVector(keep.map((i) => estimate[i] - exact[i]));
  const S = new Matrix(keep.map((i) => keep.map((j) => cov[i][j])));
  const t2 = n * delta.transpose().mmul(solve(S, delta)).get(0, 0);
  const f = (t2 * (n - d)) / (d * (n - 1));
  return { t2, f, df1: d, df2: n - d, p: still ? 0 : 1 - fCdf(f, d, n - d) };
}

/**
 * Two independent samples (means a, b of na, nb draws, sample covariances ca, cb): the two-sample T² with the
 * pooled covariance, F(d, na + nb − d − 1) under equal means.
 */
export function hotellingTwo(a: readonly number[], ca: readonly (readonly number[])[], na: number, b: readonly number[], cb: readonly (readonly number[])[], nb: number): JointTest {
  const d = a.length;
  const pooled = ca.map((row, i) => row.map((v, j) => ((na - 1) * v + (nb - 1) * cb[i][j]) / (na + nb - 2)));
  const delta = Matrix.columnVector(a.map((v, i) => v - b[i]));
  const t2 = ((na * nb) / (na + nb)) * delta.transpose().mmul(solve(new Matrix(pooled), delta)).get(0, 0);
  const df2 = na + nb - d - 1;
  const f = (t2 * df2) / (d * (na + nb - 2));
  return { t2, f, df1: d, df2, p: 1 - fCdf(f, d, df2) };
}
