/**
 * Linear dynamics of SGD, heavy ball and Nesterov on a quadratic in the eigenbasis of H (docs/theory.md §3).
 *
 * Error e = x − x*, momentum buffer b, in eigen-coordinates (e_k, b_k) = (Uᵀe, Uᵀb)_k. With the gradient the
 * optimizer sees g = M̃(He + ζ) + λx (DropGrad masks the minibatch gradient; L2 decay λ is added after):
 *   heavy ball (PyTorch, dampening 0):  b' = μb + g,  e' = e − ηb'
 *     A_k = [[1 − ηh_k, −ημ], [h_k, μ]],            c = (−η, 1)
 *   Nesterov:  b' = μb + g,  e' = e − η(g + μb')
 *     A_k = [[1 − η(1+μ)h_k, −ημ²], [h_k, μ]],      c = (−η(1+μ), 1)
 * with h_k = λ_k + λ, the affine part a₀_k = λ·(Uᵀx*)_k·c, and the noise ξ = ζ + (M̃ − I)(He + ζ) entering as c·ξ.
 * Plain SGD is μ = 0. E[ξ | z] = 0 and, in the original basis,
 *   E[ξξᵀ | S] = Σζ + diag(p/q ∘ (diag(H S_ee H) + diag Σζ))        (docs/theory.md §0: E[M̃AM̃] = A + (p/q)Diag A)
 * so z' = A z + a₀ + c ξ gives S' = A S Aᵀ + A m a₀ᵀ + a₀ (Am)ᵀ + a₀a₀ᵀ + c cᵀ ⊗ Uᵀ E[ξξᵀ] U.
 * A acts on each 2×2 block (k, l) of S as S_kl ↦ A_k S_kl A_lᵀ: O(d²) per step; only the noise term needs
 * O(d³) (two basis changes). The d²×d² operator is never formed.
 */
import { ParameterError } from '../errors.ts';
import { type Eigh, diagFromEigen, diagToEigen } from './linalg.ts';

export interface DynamicsParams {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export function checkDynamicsParams(p: DynamicsParams): void {
  if (!(p.lr >= 0) || !Number.isFinite(p.lr)) throw new ParameterError('lr', p.lr, 'a finite number ≥ 0');
  if (!(p.momentum >= 0 && p.momentum < 1)) throw new ParameterError('momentum', p.momentum, 'a number in [0, 1)');
  if (p.nesterov && p.momentum <= 0) throw new ParameterError('nesterov', true, 'momentum > 0');
  if (!(p.weightDecay >= 0) || !Number.isFinite(p.weightDecay)) throw new ParameterError('weightDecay', p.weightDecay, 'a finite number ≥ 0');
}

/** Second moments of z = (e, b) in the eigenbasis: See, Sbb symmetric; Seb[k·d + l] = E[e_k b_l]. */
export interface BlockMoments {
  mE: Float64Array;
  mB: Float64Array;
  See: Float64Array;
  Seb: Float64Array;
  Sbb: Float64Array;
}

/** The per-eigenvalue 2×2 matrices A_k (a, b; c, d) and the noise vector c = (cE, cB) for one (η, μ). */
export class EigenDynamics {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly dd: Float64Array;
  readonly cE: number;
  readonly cB = 1;
  /** Affine offsets a₀_k = λ(Uᵀx*)_k·c (zero without weight decay). */
  readonly a0E: Float64Array;
  readonly a0B: Float64Array;

  constructor(
    readonly eig: Eigh,
    readonly params: DynamicsParams,
    xStarEigen?: Float64Array,
  ) {
    checkDynamicsParams(params);
    const { lr: eta, momentum: mu, nesterov, weightDecay: wd } = params;
    const d = eig.d;
    this.a = new Float64Array(d);
    this.b = new Float64Array(d);
    this.c = new Float64Array(d);
    this.dd = new Float64Array(d);
    this.a0E = new Float64Array(d);
    this.a0B = new Float64Array(d);
    const f = nesterov ? 1 + mu : 1;
    this.cE = -eta * f;
    for (let k = 0; k < d; k++) {
      const h = eig.values[k] + wd;
      this.a[k] = 1 - eta * f * h;
      this.b[k] = nesterov ? -eta * mu * mu : -eta * mu;
      this.c[k] = h;
      this.dd[k] = mu;
      if (wd !== 0 && xStarEigen) {
        this.a0E[k] = wd * xStarEigen[k] * this.cE;
        this.a0B[k] = wd * xStarEigen[k] * this.cB;
      }
    }
  }

  /** Spectral radius of A_k (the mean dynamics of eigen-direction k). */
  radius(k: number): number {
    const tr = this.a[k] + this.dd[k];
    const det = this.a[k] * this.dd[k] - this.b[k] * this.c[k];
    const disc = tr * tr - 4 * det;
    if (disc >= 0) {
      const s = Math.sqrt(disc);
      return Math.max(Math.abs((tr + s) / 2), Math.abs((tr - s) / 2));
    }
    return Math.sqrt(det);
  }

  /** ρ(L₀) = max_k ρ(A_k)²: the noiseless second-moment contraction. */
  noiselessRadius(): number {
    let r = 0;
    for (let k = 0; k < this.eig.d; k++) r = Math.max(r, this.radius(k));
    return r * r;
  }

  /** m ↦ A m + a₀ (in place into out). */
  mean(m: BlockMoments, outE: Float64Array, outB: Float64Array): void {
    for (let k = 0; k < this.eig.d; k++) {
      const e = m.mE[k];
      const bb = m.mB[k];
      outE[k] = this.a[k] * e + this.b[k] * bb + this.a0E[k];
      outB[k] = this.c[k] * e + this.dd[k] * bb + this.a0B[k];
    }
  }

  /**
   * S ↦ A S Aᵀ + A m a₀ᵀ + a₀ (Am)ᵀ + a₀a₀ᵀ + c cᵀ ⊗ Q̃ (Q̃ the noise covariance in the eigenbasis; null for none).
   * Writes into `out` (must not alias `s`).
   */
  second(s: BlockMoments, Q: Float64Array | null, out: BlockMoments): void {
    const d = this.eig.d;
    const { a, b, c, dd, a0E, a0B, cE, cB } = this;
    const affine = this.params.weightDecay !== 0;
    const amE = new Float64Array(d);
    const amB = new Float64Array(d);
    if (affine) {
      for (let k = 0; k < d; k++) {
        amE[k] = a[k] * s.mE[k] + b[k] * s.mB[k];
        amB[k] = c[k] * s.mE[k] + dd[k] * s.mB[k];
      }
    }
    for (let k = 0; k < d; k++) {
      const ak = a[k];
      const bk = b[k];
      const ck = c[k];
      const dk = dd[k];
      for (let l = 0; l < d; l++) {
        const kl = k * d + l;
        const ee = s.See[kl];
        const eb = s.Seb[kl];
        const be = s.Seb[l * d + k];
        const bb = s.Sbb[kl];
        const t00 = ak * ee + bk * be;
        const t01 = ak * eb + bk * bb;
        const t10 = ck * ee + dk * be;
        const t11 = ck * eb + dk * bb;
        let ree = t00 * a[l] + t01 * b[l];
        let reb = t00 * c[l] + t01 * dd[l];
        let rbb = t10 * c[l] + t11 * dd[l];
        if (affine) {
          ree += amE[k] * a0E[l] + a0E[k] * amE[l] + a0E[k] * a0E[l];
          reb += amE[k] * a0B[l] + a0E[k] * amB[l] + a0E[k] * a0B[l];
          rbb += amB[k] * a0B[l] + a0B[k] * amB[l] + a0B[k] * a0B[l];
        }
        if (Q) {
          const q = Q[kl];
          ree += cE * cE * q;
          reb += cE * cB * q;
          rbb += cB * cB * q;
        }
        out.See[kl] = ree;
        out.Seb[kl] = reb;
        out.Sbb[kl] = rbb;
      }
    }
  }

  /**
   * G_kl = (I − A_k ⊗ A_l)⁻¹ vec(c cᵀ), e-e entry: (I − L₀)⁻¹ applied to c cᵀ ⊗ E_kl. Used by the d×d
   * stability reduction and the stationary covariance. Requires ρ(L₀) < 1.
   */
  resolventEE(): Float64Array {
    const d = this.eig.d;
    const out = new Float64Array(d * d);
    const rhs = [this.cE * this.cE, this.cE * this.cB, this.cB * this.cE, this.cB * this.cB];
    for (let k = 0; k < d; k++) {
      for (let l = 0; l < d; l++) {
        out[k * d + l] = solveStein(this.a[k], this.b[k], this.c[k], this.dd[k], this.a[l], this.b[l], this.c[l], this.dd[l], rhs)[0];
      }
    }
    return out;
  }

  /** (I − L₀)⁻¹ Y for block-structured Y (full 2×2 blocks): used for the stationary covariance. */
  resolve(Y: BlockMoments): BlockMoments {
    const d = this.eig.d;
    const out = emptyBlocks(d);
    for (let k = 0; k < d; k++) {
      for (let l = 0; l < d; l++) {
        const kl = k * d + l;
        const x = solveStein(this.a[k], this.b[k], this.c[k], this.dd[k], this.a[l], this.b[l], this.c[l], this.dd[l], [
          Y.See[kl],
          Y.Seb[kl],
          Y.Seb[l * d + k],
          Y.Sbb[kl],
        ]);
        out.See[kl] = x[0];
        out.Seb[kl] = x[1];
        out.Sbb[kl] = x[3];
      }
    }
    return out;
  }

  /**
   * The d×d mean-square operator T of docs/theory.md §3: w ↦ diag(H S_ee H) where S = (I − L₀)⁻¹ c cᵀ ⊗ Uᵀ diag(ρ ∘ w) U
   * and ρ_i = p_i/q_i. Entrywise non-negative; ρ(T) < 1 ⇔ mean-square stable (given ρ(L₀) < 1).
   * Cost: two basis changes, O(d³).
   */
  msOperator(ratio: Float64Array, G: Float64Array, w: Float64Array, out?: Float64Array): Float64Array {
    const { d, values: lam } = this.eig;
    const v = Float64Array.from(w, (x, i) => ratio[i] * x);
    const N = diagToEigen(this.eig, v);
    for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) N[k * d + l] *= G[k * d + l] * lam[k] * lam[l];
    return diagFromEigen(this.eig, N, out);
  }
}

/** Solves X − A X Bᵀ = Y for 2×2 X (row-major vec [x00, x01, x10, x11]) by Gaussian elimination on the 4×4 system. */
function solveStein(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, y: number[]): number[] {
  // vec(A X Bᵀ) = (A ⊗ B) vec(X) for row-major vec; A = [[a,b],[c,d]], B = [[e,f],[g,h]].
  const K = [
    [a * e, a * f, b * e, b * f],
    [a * g, a * h, b * g, b * h],
    [c * e, c * f, d * e, d * f],
    [c * g, c * h, d * g, d * h],
  ];
  const M = K.map((row, i) => [...row.map((v, j) => (i === j ? 1 : 0) - v), y[i]]);
  for (let col = 0; col < 4; col++) {
    let piv = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(M[r][col]) > Math.abs(M[piv][col])) piv = r;
    [M[col], M[piv]] = [M[piv], M[col]];
    const p = M[col][col];
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f2 = M[r][col] / p;
      if (f2 !== 0) for (let j = col; j < 5; j++) M[r][j] -= f2 * M[col][j];
    }
  }
  return M.map((row, i) => row[4] / row[i]);
}

export function emptyBlocks(d: number): BlockMoments {
  return {
    mE: new Float64Array(d),
    mB: new Float64Array(d),
    See: new Float64Array(d * d),
    Seb: new Float64Array(d * d),
    Sbb: new Float64Array(d * d),
  };
}

/**
 * Noise covariance in the eigenbasis: Uᵀ[Σζ + diag(ρ ∘ (diag(H S_ee H) + diag Σζ))]U, ρ_i = p_i/q_i.
 * `noiseEigen` is Uᵀ Σζ U (or null) and `noiseDiag` diag Σζ.
 */
export function noiseInEigenbasis(
  eig: Eigh,
  See: Float64Array,
  ratio: Float64Array,
  noiseEigen: Float64Array | null,
  noiseDiag: Float64Array | null,
): Float64Array | null {
  const { d, values: lam } = eig;
  let anyDrop = false;
  for (let i = 0; i < d; i++) if (ratio[i] !== 0) anyDrop = true;
  if (!anyDrop && !noiseEigen) return null;
  let Q: Float64Array;
  if (anyDrop) {
    const Y = new Float64Array(d * d);
    for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) Y[k * d + l] = lam[k] * See[k * d + l] * lam[l];
    const w = diagFromEigen(eig, Y);
    for (let i = 0; i < d; i++) w[i] = ratio[i] * (w[i] + (noiseDiag ? noiseDiag[i] : 0));
    Q = diagToEigen(eig, w);
    if (noiseEigen) for (let i = 0; i < d * d; i++) Q[i] += noiseEigen[i];
  } else {
    Q = Float64Array.from(noiseEigen!);
  }
  return Q;
}
