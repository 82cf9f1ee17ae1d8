/**
 * Mean-square stability of SGD, heavy ball and Nesterov under DropGrad on a quadratic (docs/theory.md §3).
 *
 * L_η = L₀ + N, both PSD-preserving, so ρ(L_η) < 1 ⇔ ρ(L₀) < 1 and ρ(N(I − L₀)⁻¹) < 1. The range of N is
 * spanned by the d diagonal entries w = diag(H S_ee H), so the second condition is ρ(T) < 1 for the d×d
 * non-negative operator T of dynamics.ts (for plain SGD, T_kl = η² Σ_ij U_ki U_kj λ_i λ_j U_li U_lj (p/q)_l /
 * (1 − (1 − ηλ_i)(1 − ηλ_j))). ρ(T) is found by power iteration with Collatz–Wielandt bounds
 * (min_i (Tw)_i/w_i ≤ ρ ≤ max_i (Tw)_i/w_i for w > 0), matrix-free at O(d³) per product; the largest stable η
 * by bisection. 1-D check: (1 − ηh)² + η²h²p/q < 1 ⇔ η < 2q/h.
 */
import type { Matrix } from '../matrix.ts';
import { ParameterError } from '../errors.ts';
import { type BlockMoments, EigenDynamics, emptyBlocks, noiseInEigenbasis } from './dynamics.ts';
import { type Eigh, eigh } from './linalg.ts';
import type { ResolvedOptimizer } from '../optimizers/index.ts';

/** The heavy-ball family the exact analysis covers: SGD with PyTorch's undampened momentum. */
export type SgdFamily = { momentum: number; nesterov: boolean; weightDecay: number };

/** An optimizer's place in that family, or the option that puts it outside (another optimizer, or dampening ≠ 0). */
export function sgdFamilyOf(o: ResolvedOptimizer): SgdFamily | { outside: 'optimizer' | 'dampening' } {
  if (o.name !== 'sgd') return { outside: 'optimizer' };
  if (o.dampening !== 0) return { outside: 'dampening' };
  return { momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay };
}

/** The SGD-family options (momentum, Nesterov, weight decay) and drop rates the stability limits are computed for. */
export interface StabilityOptions {
  /** Drop rate: one number or per-coordinate rates. */
  rates: number | Float64Array;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** Relative precision of lrMax (default 1e-10). */
  tol?: number;
}

/** The mean-square stability limit η_max (with and without DropGrad noise), docs/theory.md §3. */
export interface StabilityResult {
  /** Largest mean-square stable learning rate. */
  lrMax: number;
  /** Largest learning rate for which the noiseless (p = 0) dynamics converge. */
  lrMaxNoiseless: number;
  /** Number of matrix-free products of T used. */
  products: number;
}

function ratioVector(rates: number | Float64Array, d: number): Float64Array {
  const p = typeof rates === 'number' ? new Float64Array(d).fill(rates) : rates;
  if (p.length !== d) throw new ParameterError('rates.length', p.length, `${d} (the dimension of H)`);
  return Float64Array.from(p, (pi) => {
    if (!(pi >= 0 && pi < 1)) throw new ParameterError('dropRate', pi, 'a number in [0, 1)', 'a drop rate of 1 would divide the kept gradients by 0');
    return pi / (1 - pi);
  });
}

/** The mean dynamics of the options at learning rate lr: the one place the options are read (weight decay included). */
const dynamicsOf = (eig: Eigh, lr: number, o: StabilityOptions) =>
  new EigenDynamics(eig, { lr, momentum: o.momentum ?? 0, nesterov: o.nesterov ?? false, weightDecay: o.weightDecay ?? 0 });

/** Outcome of comparing ρ(T) with 1, with the bounds reached. */
interface RadiusBound {
  lower: number;
  upper: number;
  /** The power iteration's growth factor Σ(Tw)/Σw: ρ(T) in the limit, also where the bounds cannot meet. */
  estimate: number;
  products: number;
  w: Float64Array;
}

/**
 * Power iteration on T with Collatz–Wielandt bounds, stopping as soon as 1 is outside [lower, upper], they meet,
 * or the growth factor has converged. When T is reducible (a diagonal H decouples the coordinates) the bounds
 * need not meet — the lower one stays at the smaller block's rate — but the growth factor still converges to
 * ρ(T) from a positive start, and decides.
 */
function msRadius(dyn: EigenDynamics, ratio: Float64Array, w0: Float64Array, mode: 'compare' | 'value', tol = 1e-12, maxIter = 5000): RadiusBound {
  const d = dyn.eig.d;
  const G = dyn.resolventEE();
  let w = Float64Array.from(w0, (v) => (v > 0 ? v : 1));
  let lower = 0;
  let upper = Number.POSITIVE_INFINITY;
  let estimate = Number.NaN;
  let products = 0;
  const out = new Float64Array(d);
  for (let it = 0; it < maxIter; it++) {
    dyn.msOperator(ratio, G, w, out);
    products++;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    let norm = 0;
    let wSum = 0;
    for (let i = 0; i < d; i++) {
      const ratioI = out[i] / w[i];
      if (ratioI < lo) lo = ratioI;
      if (ratioI > hi) hi = ratioI;
      norm += out[i];
      wSum += w[i];
    }
    lower = Math.max(lower, lo);
    upper = Math.min(upper, hi);
    if (norm === 0 || !Number.isFinite(norm)) {
      const v = norm === 0 ? 0 : Number.POSITIVE_INFINITY;
      return { lower: 0, upper: v, estimate: v, products, w };
    }
    const previous = estimate;
    estimate = norm / wSum;
    // Mix in a little of the previous vector: keeps w > 0 and damps period-2 oscillation of the iteration.
    const next = new Float64Array(d);
    for (let i = 0; i < d; i++) next[i] = 0.5 * (out[i] / norm) + 0.5 * (w[i] / wSum) + 1e-300;
    w = next;
    if (mode === 'compare' && (lower > 1 || upper < 1)) break;
    if (upper - lower <= tol * upper) break;
    if (it >= 50 && Math.abs(estimate - previous) <= tol * estimate) break;
  }
  return { lower, upper, estimate, products, w };
}

/** ρ(T) from the bounds when they decide or meet, else the growth factor. */
const radiusOf = (r: RadiusBound) => (r.lower > 1 ? r.lower : r.upper < 1 ? r.upper : r.upper - r.lower <= 1e-9 * r.upper ? (r.lower + r.upper) / 2 : r.estimate);

/** ρ(T) for one learning rate: the spectral radius of the d×d mean-square reduction (\< 1 ⇔ stable when ρ(L₀) \< 1). */
export function msReductionRadius(H: Matrix, lr: number, o: StabilityOptions): { radius: number; noiselessRadius: number } {
  const eig = eigh(H);
  const dyn = dynamicsOf(eig, lr, o);
  const ratio = ratioVector(o.rates, eig.d);
  const r = msRadius(dyn, ratio, new Float64Array(eig.d).fill(1), 'value');
  return { radius: r.upper - r.lower <= 1e-9 * r.upper ? (r.lower + r.upper) / 2 : r.estimate, noiselessRadius: dyn.noiselessRadius() };
}

function noiselessLimit(eig: Eigh, o: StabilityOptions): number {
  const mk = (lr: number) => dynamicsOf(eig, lr, o);
  const lamMax = Math.max(...eig.values) + (o.weightDecay ?? 0);
  if (!(lamMax > 0)) throw new ParameterError('H', 'no positive eigenvalue', 'a Hessian with a positive eigenvalue (otherwise no learning rate converges)');
  let lo = 0;
  let hi = 8 / lamMax; // heavy ball needs ηλ < 2(1 + μ) ≤ 4
  while (mk(hi).noiselessRadius() < 1) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (mk(mid).noiselessRadius() < 1) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The largest mean-square stable learning rate for drop rate(s) p (and momentum): docs/theory.md §3. */
export function lrMax(H: Matrix, o: StabilityOptions): StabilityResult {
  const eig = eigh(H);
  for (const v of eig.values) if (v < -1e-12 * Math.max(...eig.values.map(Math.abs))) throw new ParameterError('H', `eigenvalue ${v}`, 'a positive semi-definite matrix');
  const ratio = ratioVector(o.rates, eig.d);
  const eta0 = noiselessLimit(eig, o);
  const tol = o.tol ?? 1e-10;
  let products = 0;
  if (ratio.every((r) => r === 0)) return { lrMax: eta0, lrMaxNoiseless: eta0, products };
  let lo = 0;
  let hi = eta0;
  let w: Float64Array = new Float64Array(eig.d).fill(1);
  while (hi - lo > tol * hi) {
    const mid = (lo + hi) / 2;
    const dyn = dynamicsOf(eig, mid, o);
    const r = msRadius(dyn, ratio, w, 'compare');
    products += r.products;
    w = r.w;
    const radius = radiusOf(r);
    if (radius < 1) lo = mid;
    else hi = mid;
  }
  return { lrMax: lo, lrMaxNoiseless: eta0, products };
}

/**
 * Mean-square contraction per step, ρ(L_η) (with full-update drop r: r + (1 − r)ρ(L_η)), by power iteration on
 * S from a PSD start; each application costs O(d³). Returns the rate and the iterations used.
 */
export function contractionRate(
  H: Matrix,
  lr: number,
  o: StabilityOptions & { skipRate?: number; maxIter?: number; tol?: number },
): { rate: number; iterations: number } {
  const eig = eigh(H);
  const d = eig.d;
  const ratio = ratioVector(o.rates, d);
  const dyn = dynamicsOf(eig, lr, o);
  let s: BlockMoments = emptyBlocks(d);
  for (let k = 0; k < d; k++) {
    s.See[k * d + k] = 1;
    s.Sbb[k * d + k] = 1;
  }
  let next = emptyBlocks(d);
  const norm = (b: BlockMoments) => {
    let t = 0;
    for (let i = 0; i < d * d; i++) t += b.See[i] ** 2 + 2 * b.Seb[i] ** 2 + b.Sbb[i] ** 2;
    return Math.sqrt(t);
  };
  let rate = 0;
  let prev = Number.NaN;
  const maxIter = o.maxIter ?? 20_000;
  const tol = o.tol ?? 1e-12;
  let it = 0;
  for (; it < maxIter; it++) {
    const Q = noiseInEigenbasis(eig, s.See, ratio, null, null);
    dyn.second(s, Q, next);
    const n0 = norm(s);
    const n1 = norm(next);
    rate = n1 / n0;
    for (const key of ['See', 'Seb', 'Sbb'] as const) for (let i = 0; i < d * d; i++) next[key][i] /= n1;
    [s, next] = [next, s];
    if (Math.abs(rate - prev) <= tol * rate) break;
    prev = rate;
  }
  const r = o.skipRate ?? 0;
  return { rate: r + (1 - r) * rate, iterations: it + 1 };
}
