/**
 * The benchmark functions of the original DropGrad visualizations: Rastrigin, Ackley and Beale.
 * Each states its formula, its minimum and the region plotted.
 */
import { Matrix } from 'ml-matrix';
import { type Surface, type Term, requireDim } from './surface.ts';

/** Rastrigin: f(x) = A d + Σ (x_i² − A cos 2πx_i), A = 10; minimum 0 at 0. One term per coordinate. */
export function rastrigin(dim = 2, A = 10): Surface {
  requireDim('dim', dim);
  const w = 2 * Math.PI;
  const terms: Term[] = Array.from({ length: dim }, (_, i) => ({
    coords: [i],
    value: (x: Float64Array) => A + x[i] * x[i] - A * Math.cos(w * x[i]),
  }));
  return {
    name: dim === 2 ? 'Rastrigin' : `Rastrigin (d = ${dim})`,
    dim,
    terms,
    minimizer: new Float64Array(dim),
    defaultStart: Float64Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? 2.3 : -1.7)),
    bounds: Array.from({ length: dim }, () => [-5.12, 5.12] as [number, number]),
    value(x) {
      let s = A * dim;
      for (let i = 0; i < dim; i++) s += x[i] * x[i] - A * Math.cos(w * x[i]);
      return s;
    },
    gradient(x, out = new Float64Array(dim)) {
      for (let i = 0; i < dim; i++) out[i] = 2 * x[i] + A * w * Math.sin(w * x[i]);
      return out;
    },
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
  const value = (x: Float64Array) => {
    const { r, E } = parts(x);
    return -a * Math.exp(-b * r) - E + a + Math.E;
  };
  return {
    name: dim === 2 ? 'Ackley' : `Ackley (d = ${dim})`,
    dim,
    terms: [{ coords: Array.from({ length: dim }, (_, i) => i), value }],
    minimizer: new Float64Array(dim),
    defaultStart: Float64Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? 2.5 : -1.9)),
    bounds: Array.from({ length: dim }, () => [-5, 5] as [number, number]),
    value,
    gradient(x, out = new Float64Array(dim)) {
      const { r, A, E } = parts(x);
      for (let i = 0; i < dim; i++) {
        const g1 = r > 0 ? (A * x[i]) / r : 0;
        out[i] = g1 + ((E * c) / dim) * Math.sin(c * x[i]);
      }
      return out;
    },
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

/** Beale (2-D): f = Σ_{k=1..3} (c_k − x + x y^k)², c = (1.5, 2.25, 2.625); minimum 0 at (3, 0.5). Three terms reading (x, y). */
export function beale(): Surface {
  const C = [1.5, 2.25, 2.625];
  const term = (k: number) => (x: Float64Array) => (C[k - 1] - x[0] + x[0] * x[1] ** k) ** 2;
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
    value: (x) => term(1)(x) + term(2)(x) + term(3)(x),
    gradient(x, out = new Float64Array(2)) {
      const [u, y] = x;
      out[0] = 0;
      out[1] = 0;
      for (let k = 1; k <= 3; k++) {
        const r = C[k - 1] - u + u * y ** k;
        out[0] += 2 * r * (y ** k - 1);
        out[1] += 2 * r * k * u * y ** (k - 1);
      }
      return out;
    },
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
