/**
 * A loss surface: value, gradient, Hessian and its term structure (docs/theory.md §2).
 *
 * The term structure is an additive decomposition f = Σ_k f_k where term k reads only the
 * coordinates `coords`. The exact expected loss after one DropGrad step enumerates the 2^|coords|
 * kept/dropped outcomes of each term (src/analysis), so a surface whose terms are small (quadratic,
 * Rosenbrock: 2 coordinates each) has an exact answer without sampling.
 */
import type { Matrix } from '../matrix.ts';
import { ParameterError, requireFiniteVector, requireVectorLength } from '../errors.ts';
import type { SurfaceProgram } from './program.ts';
import type { WindowSum } from './windowsum.ts';
import type { RowSum } from './rowsum.ts';
import type { CoordSum } from './coordsum.ts';

import type { Vec } from '../optimizers/transform.ts';

export type { Vec };

export interface Term {
  /** Coordinates the term reads (sorted, distinct). */
  readonly coords: readonly number[];
  /** The term's value at x (reads only x[coords]). */
  value(x: Vec): number;
}

/** A loss surface: value, gradient and Hessian, its terms, a conventional start and plotting bounds. */
export interface Surface {
  readonly name: string;
  readonly dim: number;
  value(x: Vec): number;
  /** ∇f(x), written into `out` when given. */
  gradient(x: Vec, out?: Vec): Vec;
  /** ∇²f(x). */
  hessian(x: Vec): Matrix;
  /** f = Σ terms. */
  readonly terms: readonly Term[];
  /** A global minimiser when known. */
  readonly minimizer?: Vec;
  /** A conventional starting point for demonstrations. */
  readonly defaultStart: Vec;
  /** A box [lo, hi] per coordinate that frames the interesting region (plots). */
  readonly bounds: readonly [number, number][];
  /**
   * Value and gradient as one program (program.ts), when the surface has one: then `value` and `gradient` are its.
   */
  readonly program?: SurfaceProgram;
  /** Value and gradient as a sum of window terms (windowsum.ts), when the surface is one (the fused kernels run it for any d). */
  readonly windowSum?: WindowSum;
  /** Value and gradient as a sum over data rows (rowsum.ts), when the surface is one. */
  readonly rowSum?: RowSum;
  /** Value and gradient as sums over the coordinates (coordsum.ts), when the surface is built so (any d). */
  readonly coordSum?: CoordSum;
}

/** What a generated description (a program, or a window, row or coordinate sum) computes at offset o of x. */
export interface Generated {
  readonly dim: number;
  value(x: ArrayLike<number>, o: number): number;
  gradient(x: ArrayLike<number>, o: number, out: Float64Array): void;
}

/** A surface's value and gradient: its generated description's, at offset 0. */
export function generatedValue(g: Generated): Pick<Surface, 'value' | 'gradient'> {
  return {
    value: (x) => g.value(x, 0),
    gradient(x, out = new Float64Array(g.dim)) {
      g.gradient(x, 0, out);
      return out;
    },
  };
}

/** Checks a point has the surface's dimension and finite entries. */
export function checkPoint(surface: Surface, x: ArrayLike<number>, name = 'x0'): Vec {
  requireVectorLength(name, x, surface.dim);
  requireFiniteVector(name, x);
  return Float64Array.from(x);
}

/** Largest dimension of any surface: a million coordinates (8 MB per point; every step of every command reads them all). */
export const MAX_DIM = 1_000_000;

export function requireDim(name: string, dim: number, min = 1, max = MAX_DIM, why = 'a million coordinates'): number {
  if (!Number.isInteger(dim) || dim < min || dim > max) throw new ParameterError(name, dim, `an integer in [${min}, ${max}]`, dim > max ? `at most ${why}` : undefined);
  return dim;
}
