/**
 * Dense linear algebra for the exact analysis. ml-matrix does the symmetric eigen-decomposition; the
 * O(d³) kernels that the moment recursions call every step are written as contiguous dot products over
 * Float64Array rows (about 3× faster than generic matrix products here, see `npm run bench`).
 */
import { EigenvalueDecomposition, Matrix } from '../matrix.ts';

/** Symmetric eigen-decomposition H = U Λ Uᵀ; `U` row-major (U[i·d + k] = U_ik), `UT` its transpose. */
export interface Eigh {
  d: number;
  values: Float64Array;
  U: Float64Array;
  UT: Float64Array;
}

export function eigh(H: Matrix): Eigh {
  const d = H.rows;
  const e = new EigenvalueDecomposition(H, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  const values = Float64Array.from(e.realEigenvalues);
  const U = new Float64Array(d * d);
  const UT = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      U[i * d + k] = V.get(i, k);
      UT[k * d + i] = V.get(i, k);
    }
  }
  return { d, values, U, UT };
}

/** Σ_{i<n} a[ao + i]·b[bo + i], four-way unrolled. */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < n; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + s2 + s3;
}

/**
 * Uᵀ diag(v) U (symmetric, d × d, row-major) for the eigenvector matrix of `e`: a diagonal matrix given in the
 * original basis, expressed in the eigenbasis. Cost d³/2.
 */
export function diagToEigen(e: Eigh, v: Float64Array, out: Float64Array = new Float64Array(e.d * e.d)): Float64Array {
  const { d, UT } = e;
  const row = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < d; i++) row[i] = UT[k * d + i] * v[i];
    for (let l = k; l < d; l++) {
      const s = dot(row, 0, UT, l * d, d);
      out[k * d + l] = s;
      out[l * d + k] = s;
    }
  }
  return out;
}

/** diag(U Y Uᵀ) for symmetric Y (row-major): the diagonal, in the original basis, of a matrix given in the eigenbasis. Cost d³. */
export function diagFromEigen(e: Eigh, Y: Float64Array, out: Float64Array = new Float64Array(e.d)): Float64Array {
  const { d, U } = e;
  const uy = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    // (U Y)_ik = Σ_l U_il Y_lk = Σ_l U_il Y_kl (Y symmetric): a dot product of row i of U with row k of Y.
    for (let k = 0; k < d; k++) uy[k] = dot(U, i * d, Y, k * d, d);
    out[i] = dot(uy, 0, U, i * d, d);
  }
  return out;
}

/** U Y Uᵀ for symmetric Y given in the eigenbasis: back to the original basis (used for outputs only). */
export function fromEigen(e: Eigh, Y: Float64Array): number[][] {
  const { d, U } = e;
  const UY = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) UY[i * d + k] = dot(U, i * d, Y, k * d, d);
  const out: number[][] = Array.from({ length: d }, () => new Array<number>(d));
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const s = dot(UY, i * d, U, j * d, d);
      out[i][j] = s;
      out[j][i] = s;
    }
  }
  return out;
}

/** Uᵀ A U for a symmetric matrix A in the original basis (row-major result). */
export function toEigen(e: Eigh, A: Matrix): Float64Array {
  const { d, UT } = e;
  const a = Float64Array.from(A.to1DArray());
  const AU = new Float64Array(d * d); // (A U)ᵀ rows: (AU)_ik stored at [k·d + i]
  for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) AU[k * d + i] = dot(a, i * d, UT, k * d, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) out[k * d + l] = dot(UT, k * d, AU, l * d, d);
  return out;
}

/** Uᵀ x. */
export function vecToEigen(e: Eigh, x: ArrayLike<number>): Float64Array {
  const xs = Float64Array.from(x);
  return Float64Array.from({ length: e.d }, (_, k) => dot(e.UT, k * e.d, xs, 0, e.d));
}

/** U y. */
export function vecFromEigen(e: Eigh, y: Float64Array): Float64Array {
  return Float64Array.from({ length: e.d }, (_, i) => dot(e.U, i * e.d, y, 0, e.d));
}

export { Matrix };
