/**
 * A double well with two minima of equal depth and different sharpness: the surface of the regularization
 * question (which minimum survives DropGrad?).
 *
 *   f(x) = d·w(m) + ½ Σᵢ (xᵢ − m)²,   m = (1/d) Σᵢ xᵢ,   w(s) = (s² − 1)² (1 + K (s + 1)²) / 8,   K = (r − 1)/4.
 *
 * w ≥ 0 vanishes only at s = ±1, with w''(−1) = 1 and w''(1) = r, and has one maximum in between for every r ≥ 1.
 * So f has exactly two minima, x = −𝟙 (flat) and x = +𝟙 (sharp), both of value 0, and one saddle between.
 * Along u = 𝟙/√d the curvature is w''(m); across it, 1:
 *
 *   ∇f = w'(m) 𝟙 + (x − m𝟙),   ∇²f = w''(m) uuᵀ + (I − uuᵀ).
 *
 * The flat minimum's Hessian is I; the sharp one's, I + (r − 1)uuᵀ, is dense for d ≥ 2, so DropGrad's
 * coordinate-wise masks act on it differently from a rescaled learning rate. r is the sharpness ratio
 * (largest Hessian eigenvalue, sharp over flat). d = 1 is the plain one-dimensional well.
 */
import { Matrix } from '../matrix.ts';
import { ParameterError } from '../errors.ts';
import { PROGRAM_MAX_D } from './program.ts';
import { type CoordSumSpec, coordSum, coordSumProgram } from './coordsum.ts';
import { type Surface, generatedValue, requireDim } from './surface.ts';

/** w''(s) of the well profile (see above), for the Hessian. */
function curvature(s: number, K: number): number {
  const u = s * s - 1;
  const v = 1 + K * (s + 1) ** 2;
  return (8 * s * s * v + 4 * u * v + 16 * K * s * u * (s + 1) + 2 * K * u * u) / 8;
}

export interface DoubleWellSurface extends Surface {
  /** Sharpness ratio r ≥ 1: the sharp minimum's largest Hessian eigenvalue over the flat one's. */
  readonly sharpness: number;
  /** The flat (−𝟙) and the sharp (+𝟙) minimum. */
  readonly minima: { flat: Float64Array; sharp: Float64Array };
}

export const MAX_SHARPNESS = 1e6;

/** The double well of this module's comment in `dim` coordinates, with the sharp minimum `sharpness` times as curved as the flat one. */
export function doubleWell(dim = 2, sharpness = 10): DoubleWellSurface {
  requireDim('dim', dim);
  if (!(sharpness >= 1 && sharpness <= MAX_SHARPNESS)) throw new ParameterError('sharpness', sharpness, `a number in [1, ${MAX_SHARPNESS}] (the sharp minimum's curvature over the flat one's)`);
  const K = (sharpness - 1) / 4;
  // w'(s) = (s² − 1)[4s(1 + K(s + 1)²) + 2K(s² − 1)(s + 1)] / 8.
  const spec: CoordSumSpec = {
    name: 'doublewell',
    dim,
    constants: { K, D: dim, IN: 1 / dim },
    stages: [
      { sums: { sx: 'u' }, lines: ['m = sx * IN', 'uu = m * m - 1', 'v = 1 + K * (m + 1) * (m + 1)', 'dw = uu * (4 * m * v + 2 * K * uu * (m + 1)) / 8'] },
      { sums: { sq: '(u - m) * (u - m)' }, lines: [] },
    ],
    loss: 'f = D * (uu * uu * v / 8) + 0.5 * sq',
    grad: 'g = dw + (u - m)',
  };
  const sums = coordSum(spec);
  const own = generatedValue(sums);
  const flat = new Float64Array(dim).fill(-1);
  const sharp = new Float64Array(dim).fill(1);
  return {
    name: dim === 2 ? `double well (r = ${sharpness})` : `double well (d = ${dim}, r = ${sharpness})`,
    dim,
    sharpness,
    minima: { flat, sharp },
    terms: [{ coords: Array.from({ length: dim }, (_, i) => i), value: own.value }],
    minimizer: flat,
    // Near the sharp minimum, off its axis: plain gradient descent below 2/r stays there.
    defaultStart: Float64Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? 1.1 : 0.95)),
    bounds: Array.from({ length: dim }, () => [-2, 2] as [number, number]),
    coordSum: sums,
    program: dim <= PROGRAM_MAX_D ? coordSumProgram(spec) : undefined,
    ...own,
    hessian(x) {
      let m = 0;
      for (let i = 0; i < dim; i++) m += x[i];
      m /= dim;
      const c = curvature(m, K);
      // w''(m) uuᵀ + I − uuᵀ, uuᵀ = 𝟙𝟙ᵀ/d.
      return Matrix.eye(dim, dim).add(Matrix.ones(dim, dim).mul((c - 1) / dim));
    },
  };
}
