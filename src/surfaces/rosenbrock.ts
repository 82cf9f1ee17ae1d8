/**
 * Chained N-dimensional Rosenbrock: f(x) = Σ_{i<d−1} [b(x_{i+1} − x_i²)² + (a − x_i)²], a = 1, b = 100.
 * Terms: one per i, reading (x_i, x_{i+1}). Minimum 0 at (a, a², …) for a = 1: all ones. Value and gradient are one
 * window sum (windowsum.ts: the window's term and its two partial derivatives), from which every fused kernel is generated
 * too; the Hessian and the terms (for the exact analysis) are written here.
 */
import { Matrix } from '../matrix.ts';
import { requireFinite } from '../errors.ts';
import { type Surface, type Term, generatedValue, requireDim } from './surface.ts';
import { windowSum } from './windowsum.ts';

/** The chained Rosenbrock surface with its constants. */
export interface RosenbrockSurface extends Surface {
  readonly a: number;
  readonly b: number;
}

/** f(x) = Σ_\{i \< d−1\} [b(x_\{i+1\} − x_i²)² + (a − x_i)²] in `dim` ≥ 2 coordinates. */
export function rosenbrock(dim = 2, a = 1, b = 100): RosenbrockSurface {
  requireDim('dim', dim, 2);
  requireFinite('a', a);
  requireFinite('b', b);
  const terms: Term[] = [];
  for (let i = 0; i < dim - 1; i++) {
    terms.push({ coords: [i, i + 1], value: (x) => b * (x[i + 1] - x[i] * x[i]) ** 2 + (a - x[i]) ** 2 });
  }
  // r = x_{i+1} − x_i², t = b r² + (a − x_i)², ∂t/∂x_i = −4b x_i r − 2(a − x_i), ∂t/∂x_{i+1} = 2b r.
  const c = windowSum({
    name: 'rosenbrock',
    dim,
    width: 2,
    constants: { A: a, B: b },
    lines: ['r = u1 - u0 * u0', 'q = A - u0', 't = B * r * r + q * q', 'd0 = -4 * B * u0 * r - 2 * (A - u0)', 'd1 = 2 * B * r'],
  });
  const minimizer = new Float64Array(dim);
  minimizer[0] = a;
  for (let i = 1; i < dim; i++) minimizer[i] = minimizer[i - 1] ** 2;
  return {
    name: dim === 2 ? 'Rosenbrock' : `Rosenbrock (d = ${dim})`,
    dim,
    a,
    b,
    terms,
    minimizer,
    defaultStart: Float64Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? -1.5 : 2)),
    bounds: Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? [-2, 2] : [-1, 3]) as [number, number]),
    windowSum: c,
    ...generatedValue(c),
    hessian(x) {
      const H = Matrix.zeros(dim, dim);
      for (let i = 0; i < dim - 1; i++) {
        H.set(i, i, H.get(i, i) + 12 * b * x[i] * x[i] - 4 * b * x[i + 1] + 2);
        H.set(i + 1, i + 1, H.get(i + 1, i + 1) + 2 * b);
        H.set(i, i + 1, H.get(i, i + 1) - 4 * b * x[i]);
        H.set(i + 1, i, H.get(i + 1, i) - 4 * b * x[i]);
      }
      return H;
    },
  };
}
