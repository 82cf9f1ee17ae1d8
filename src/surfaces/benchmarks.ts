/**
 * The benchmark functions of the original DropGrad visualizations: Rastrigin, Ackley and Beale.
 * Each states its formula, its minimum and the region plotted. Value and gradient are one description each
 * (Rastrigin a sum of one-coordinate window terms, windowsum.ts; Ackley sums over its coordinates, coordsum.ts;
 * Beale a program, program.ts: the equations in the graph's text form), from which the fused CPU and GPU kernels are generated too; the Hessian and the term
 * structure (for the exact analysis) are written here.
 */
import { Matrix } from '../matrix.ts';
import { PROGRAM_MAX_D, type SurfaceProgram, textProgram } from './program.ts';
import { type WindowSumSpec, windowSum, windowSumProgram } from './windowsum.ts';
import { type CoordSumSpec, coordSum, coordSumProgram } from './coordsum.ts';
import { type Surface, type Term, generatedValue, requireDim } from './surface.ts';

/** Value and gradient of a surface from its program. */
const fromProgram = (p: SurfaceProgram): Pick<Surface, 'value' | 'gradient' | 'program'> => ({ program: p, ...generatedValue(p) });


/**
 * Rastrigin: f(x) = A d + Σ (x_i² − A cos 2πx_i), A = 10; minimum 0 at 0. One term per coordinate: a sum of
 * one-coordinate windows (windowsum.ts), run in loops for any d and unrolled as a program for d ≤ 128 (the same
 * operations in the same order).
 */
export function rastrigin(dim = 2, A = 10): Surface {
  requireDim('dim', dim);
  const w = 2 * Math.PI;
  const terms: Term[] = Array.from({ length: dim }, (_, i) => ({
    coords: [i],
    value: (x: Float64Array) => A + x[i] * x[i] - A * Math.cos(w * x[i]),
  }));
  const spec: WindowSumSpec = {
    name: 'rastrigin',
    dim,
    width: 1,
    init: A * dim,
    constants: { A, W: w },
    lines: ['t = u0 * u0 - A * cos(W * u0)', 'd0 = 2 * u0 + A * W * sin(W * u0)'],
  };
  const c = windowSum(spec);
  return {
    name: dim === 2 ? 'Rastrigin' : `Rastrigin (d = ${dim})`,
    dim,
    terms,
    minimizer: new Float64Array(dim),
    defaultStart: Float64Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? 2.3 : -1.7)),
    bounds: Array.from({ length: dim }, () => [-5.12, 5.12] as [number, number]),
    windowSum: c,
    program: dim <= PROGRAM_MAX_D ? windowSumProgram(spec) : undefined,
    ...generatedValue(c),
    hessian(x) {
      return Matrix.diag(Array.from(x, (v) => 2 + A * w * w * Math.cos(w * v)));
    },
  };
}

/**
 * Ackley: f(x) = −a exp(−b √(Σx_i²/d)) − exp(Σ cos(c x_i)/d) + a + e, a = 20, b = 0.2, c = 2π; minimum 0 at 0.
 * Not separable: a single term reading every coordinate. At x = 0 the first part is not differentiable;
 * its gradient there is taken as 0 (the subgradient of minimal norm) and its Hessian as the limit along the axes is unbounded,
 * so `hessian(0)` returns the second part only and marks nothing: avoid evaluating curvature exactly at the minimum.
 */
export function ackley(dim = 2, a = 20, b = 0.2, c = 2 * Math.PI): Surface {
  requireDim('dim', dim);
  /** r = √(Σx²/d), A = a·b·e^{−b r}/d, E = e^{Σcos(c x_i)/d}: the pieces of the value, gradient and Hessian. */
  const parts = (x: Float64Array) => {
    let s2 = 0;
    let sc = 0;
    for (let i = 0; i < dim; i++) {
      s2 += x[i] * x[i];
      sc += Math.cos(c * x[i]);
    }
    const r = Math.sqrt(s2 / dim);
    return { r, A: (a * b * Math.exp(-b * r)) / dim, E: Math.exp(sc / dim) };
  };
  const spec: CoordSumSpec = {
    name: 'ackley',
    dim,
    constants: { A: a, B: b, C: c, D: dim, EU: Math.E },
    stages: [
      {
        sums: { s2: 'u * u', sc: 'cos(C * u)' },
        // The first part's gradient (A·b·e^{−b r}/(d r))·x_i is taken as 0 at r = 0.
        lines: ['r = sqrt(s2 / D)', 'ea = exp(-B * r)', 'ec = exp(sc / D)', 'k = r > 0 ? A * B * ea / D / r : 0'],
      },
    ],
    loss: 'f = -A * ea - ec + A + EU',
    grad: 'g = k * u + ec * C / D * sin(C * u)',
  };
  const sums = coordSum(spec);
  const own = generatedValue(sums);
  return {
    name: dim === 2 ? 'Ackley' : `Ackley (d = ${dim})`,
    dim,
    terms: [{ coords: Array.from({ length: dim }, (_, i) => i), value: own.value }],
    minimizer: new Float64Array(dim),
    defaultStart: Float64Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? 2.5 : -1.9)),
    bounds: Array.from({ length: dim }, () => [-5, 5] as [number, number]),
    coordSum: sums,
    program: dim <= PROGRAM_MAX_D ? coordSumProgram(spec) : undefined,
    ...own,
    hessian(x) {
      // H1_ij = A[δ_ij/r − x_i x_j/(d r³) − b x_i x_j/(d r²)],  H2_ij = −E (c/d)² sin_i sin_j + δ_ij E (c²/d) cos_i.
      const { r, A, E } = parts(x);
      const H = Matrix.zeros(dim, dim);
      for (let i = 0; i < dim; i++) {
        for (let j = 0; j < dim; j++) {
          let h1 = 0;
          if (r > 0) h1 = A * ((i === j ? 1 / r : 0) - (x[i] * x[j]) / (dim * r ** 3) - (b * x[i] * x[j]) / (dim * r * r));
          const h2 = -E * (c / dim) ** 2 * Math.sin(c * x[i]) * Math.sin(c * x[j]) + (i === j ? ((E * c * c) / dim) * Math.cos(c * x[i]) : 0);
          H.set(i, j, h1 + h2);
        }
      }
      return H;
    },
  };
}

/** Beale (2-D): f = Σ_\{k=1..3\} (c_k − x + x y^k)², c = (1.5, 2.25, 2.625); minimum 0 at (3, 0.5). Three terms reading (x, y). */
export function beale(): Surface {
  const C = [1.5, 2.25, 2.625];
  const term = (k: number) => (x: Float64Array) => (C[k - 1] - x[0] + x[0] * x[1] ** k) ** 2;
  // r_k = c_k − x + x y^k; f = Σ r_k², ∂f/∂x = Σ 2 r_k (y^k − 1), ∂f/∂y = Σ 2 r_k k x y^{k−1}.
  const program = textProgram('beale', ['x', 'y'], { C1: C[0], C2: C[1], C3: C[2] }, [
    'y2 = y * y',
    'y3 = y2 * y',
    'r1 = C1 - x + x * y',
    'r2 = C2 - x + x * y2',
    'r3 = C3 - x + x * y3',
    'f = r1 * r1 + r2 * r2 + r3 * r3',
    'g0 = 2 * r1 * (y - 1) + 2 * r2 * (y2 - 1) + 2 * r3 * (y3 - 1)',
    'g1 = 2 * r1 * x + 2 * r2 * 2 * x * y + 2 * r3 * 3 * x * y2',
  ]);
  return {
    name: 'Beale',
    dim: 2,
    terms: [1, 2, 3].map((k) => ({ coords: [0, 1], value: term(k) })),
    minimizer: Float64Array.from([3, 0.5]),
    defaultStart: Float64Array.from([1, 1.5]),
    bounds: [
      [-4.5, 4.5],
      [-4.5, 4.5],
    ],
    ...fromProgram(program),
    hessian(x) {
      // Σ 2(∇r_k ∇r_kᵀ + r_k ∇²r_k),  ∇r_k = (y^k − 1, k x y^{k−1}),  ∇²r_k = [[0, k y^{k−1}], [k y^{k−1}, k(k−1) x y^{k−2}]].
      const [u, y] = x;
      let hxx = 0;
      let hxy = 0;
      let hyy = 0;
      for (let k = 1; k <= 3; k++) {
        const r = C[k - 1] - u + u * y ** k;
        const gx = y ** k - 1;
        const gy = k * u * y ** (k - 1);
        hxx += 2 * gx * gx;
        hxy += 2 * (gx * gy + r * k * y ** (k - 1));
        hyy += 2 * (gy * gy + r * k * (k - 1) * u * (k >= 2 ? y ** (k - 2) : 0));
      }
      return new Matrix([
        [hxx, hxy],
        [hxy, hyy],
      ]);
    },
  };
}
