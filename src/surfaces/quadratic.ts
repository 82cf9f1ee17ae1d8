/**
 * Quadratic f(x) = ½(x − x*)ᵀH(x − x*) + c (docs/theory.md §2, §3), with the factories the analysis studies.
 * Terms: ½H_ii e_i² per coordinate and H_ij e_i e_j per non-zero off-diagonal pair (i < j), e = x − x*,
 * plus the constant c.
 */
import { Matrix } from '../matrix.ts';
import { ParameterError, requireFinite, requireFiniteVector, requireVectorLength } from '../errors.ts';
import { type Surface, type Term, type Vec, requireDim } from './surface.ts';

export interface QuadraticSurface extends Surface {
  readonly H: Matrix;
  readonly xStar: Vec;
  readonly c: number;
}

export interface QuadraticOptions {
  H: number[][] | Matrix;
  xStar?: ArrayLike<number>;
  c?: number;
  name?: string;
}

/** f(x) = ½(x − x*)ᵀH(x − x*) + c for a symmetric H (validated; not necessarily definite). */
export function quadratic({ H, xStar, c = 0, name = 'quadratic' }: QuadraticOptions): QuadraticSurface {
  const Hm = H instanceof Matrix ? H.clone() : checkMatrix(H);
  const d = Hm.rows;
  if (Hm.columns !== d) throw new ParameterError('H', `${Hm.rows}×${Hm.columns}`, 'a square matrix');
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const v = Hm.get(i, j);
      if (!Number.isFinite(v)) throw new ParameterError(`H[${i}][${j}]`, v, 'a finite number');
      if (Math.abs(v - Hm.get(j, i)) > 1e-12 * (1 + Math.abs(v))) {
        throw new ParameterError(`H[${i}][${j}]`, v, `a symmetric matrix: H[${j}][${i}] = ${Hm.get(j, i)}`);
      }
    }
  }
  const xs = xStar === undefined ? new Float64Array(d) : Float64Array.from(xStar);
  requireVectorLength('xStar', xs, d);
  requireFiniteVector('xStar', xs);
  requireFinite('c', c);
  const h = Hm.to2DArray();
  const terms: Term[] = [];
  for (let i = 0; i < d; i++) {
    if (h[i][i] !== 0) terms.push({ coords: [i], value: (x) => 0.5 * h[i][i] * (x[i] - xs[i]) ** 2 });
    for (let j = i + 1; j < d; j++) {
      if (h[i][j] !== 0) terms.push({ coords: [i, j], value: (x) => h[i][j] * (x[i] - xs[i]) * (x[j] - xs[j]) });
    }
  }
  if (c !== 0) terms.push({ coords: [], value: () => c });
  const flat = Float64Array.from(h.flat());
  const e = new Float64Array(d);
  const span = Math.max(2, ...Array.from(xs, (v) => Math.abs(v) + 2));
  return {
    name,
    dim: d,
    H: Hm,
    xStar: xs,
    c,
    terms,
    minimizer: xs,
    defaultStart: Float64Array.from(xs, (v, i) => v + (i % 2 === 0 ? 1 : -1)),
    bounds: Array.from(xs, (v) => [v - span, v + span] as [number, number]),
    value(x) {
      let s = 0;
      for (let i = 0; i < d; i++) e[i] = x[i] - xs[i];
      for (let i = 0; i < d; i++) {
        let r = 0;
        for (let j = 0; j < d; j++) r += flat[i * d + j] * e[j];
        s += e[i] * r;
      }
      return 0.5 * s + c;
    },
    gradient(x, out = new Float64Array(d)) {
      for (let i = 0; i < d; i++) e[i] = x[i] - xs[i];
      for (let i = 0; i < d; i++) {
        let r = 0;
        for (let j = 0; j < d; j++) r += flat[i * d + j] * e[j];
        out[i] = r;
      }
      return out;
    },
    hessian: () => Hm.clone(),
  };
}

function checkMatrix(H: number[][]): Matrix {
  if (!Array.isArray(H) || H.length === 0 || !H.every((r) => Array.isArray(r) && r.length === H.length)) {
    throw new ParameterError('H', H, 'a non-empty square matrix given as an array of rows');
  }
  return new Matrix(H);
}

/** Diagonal quadratic with the given eigenvalues. */
export function diagonalQuadratic(eigenvalues: ArrayLike<number>, xStar?: ArrayLike<number>): QuadraticSurface {
  const d = eigenvalues.length;
  requireDim('dim', d, 1, MAX_DENSE_DIM, `${MAX_DENSE_DIM} coordinates: a quadratic keeps its dense d×d Hessian (8·d² bytes)`);
  return quadratic({ H: Matrix.diag(Array.from(eigenvalues)), xStar, name: `diagonal quadratic (d = ${d})` });
}

/** Eigenvalues log-spaced from 1 to κ (condition number κ), as in the benchmark workloads. */
/** Largest dimension of a quadratic, which holds its Hessian as a dense d×d matrix (128 MB at 4096). */
export const MAX_DENSE_DIM = 4096;

/** `dim` eigenvalues spaced geometrically from 1 to `condition`. */
export function logSpaced(dim: number, condition: number): Float64Array {
  requireDim('dim', dim, 1, MAX_DENSE_DIM, `${MAX_DENSE_DIM} coordinates: a quadratic keeps its dense d×d Hessian (8·d² bytes)`);
  if (!(condition >= 1) || !Number.isFinite(condition)) throw new ParameterError('condition', condition, 'a finite number ≥ 1');
  return Float64Array.from({ length: dim }, (_, i) => (dim === 1 ? 1 : condition ** (i / (dim - 1))));
}

/** Diagonal quadratic with eigenvalues log-spaced in [1, κ]. */
export function conditionedQuadratic(dim: number, condition: number): QuadraticSurface {
  const q = diagonalQuadratic(logSpaced(dim, condition));
  return { ...q, name: `diagonal quadratic (d = ${dim}, κ = ${condition})` };
}

/**
 * Rotated narrow valley in 2-D: H = R(θ) diag(κ·s, s) R(θ)ᵀ, the valley's floor along the direction θ.
 * Zig-zag happens across the floor when η is close to 2/(κs).
 */
export function rotatedValley({ angle = Math.PI / 6, condition = 25, scale = 1 } = {}): QuadraticSurface {
  requireFinite('angle', angle);
  if (!(condition >= 1) || !Number.isFinite(condition)) throw new ParameterError('condition', condition, 'a finite number ≥ 1');
  if (!(scale > 0) || !Number.isFinite(scale)) throw new ParameterError('scale', scale, 'a finite number > 0');
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  // Steep direction n = (−sin θ, cos θ) (curvature κs), floor direction (cos θ, sin θ) (curvature s).
  const hi = condition * scale;
  const lo = scale;
  const H = [
    [lo * c * c + hi * s * s, (lo - hi) * c * s],
    [(lo - hi) * c * s, lo * s * s + hi * c * c],
  ];
  const q = quadratic({ H, name: `rotated valley (θ = ${angle.toFixed(3)}, κ = ${condition})` });
  return { ...q, defaultStart: Float64Array.from([-2 * c - 0.5 * s, -2 * s + 0.5 * c]), bounds: [[-3, 3], [-3, 3]] };
}

/** A quadratic form ½ wᵀA w − bᵀw + c with A symmetric positive semidefinite (a held-out loss, for one). */
export interface QuadraticForm {
  readonly A: Matrix;
  readonly b: Float64Array;
  readonly c: number;
}

/** ½wᵀAw − bᵀw + c. */
export function evaluateForm(q: QuadraticForm, w: ArrayLike<number>): number {
  const d = q.b.length;
  let s = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    for (let j = 0; j < d; j++) r += q.A.get(i, j) * w[j];
    s += w[i] * (0.5 * r - q.b[i]);
  }
  return s + q.c;
}

/** Whether a surface is a quadratic with a known Hessian and minimiser (the exact analysis and the fused kernels read these). */
export function isQuadratic(s: Surface): s is QuadraticSurface {
  const q = s as Partial<QuadraticSurface>;
  return q.H instanceof Matrix && q.xStar instanceof Float64Array && typeof q.c === 'number';
}
