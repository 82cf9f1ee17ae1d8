/**
 * Almost-sure stability of SGD, heavy ball and Nesterov under DropGrad at a minimum (docs/theory.md §7).
 *
 * Linearised at a minimum with Hessian H, the deviation z = (x − x*, momentum buffer) evolves by a random matrix
 * product z_{t+1} = M_t z_t: the gradient m_t ⊙ (H x) with the DropGrad multipliers m_t (Bernoulli: 1/(1 − p) or 0;
 * Gaussian: N(1, p/(1 − p))), weight decay added unmasked, PyTorch's buffer b ← μ b + g and step b (Nesterov:
 * g + μ b), and M_t = I on a skipped step (full-update drop). The top Lyapunov exponent
 * λ = lim (1/t) log ‖z_t‖ decides almost-sure convergence (λ < 0) or escape (λ > 0) of almost every path; the
 * mean-square threshold (stability.ts) decides whether E‖z_t‖² → 0. By Jensen, λ ≤ ½ log ρ(E M⊗M), so every
 * mean-square stable learning rate is almost-surely stable; the converse fails where the multipliers' tails
 * make E‖z‖² grow while typical paths shrink.
 *
 * Exact when H is diagonal, without momentum, with Bernoulli DropGrad: the coordinates decouple and
 * λ = (1 − r) maxᵢ [pᵢ log|1 − η wd| + (1 − pᵢ) log|1 − η wd − η hᵢ/(1 − pᵢ)|] (r the full-update drop rate).
 * Otherwise Monte-Carlo: K independent chains of T steps after a burn-in, renormalised every step; the estimate
 * is the mean of the chains' exponents and its standard error their spread over √K. The chains draw from the
 * keyed Philox stream (src/rng), so a result is a function of its inputs and seed.
 */
import type { Matrix } from '../matrix.ts';
import { randomSource } from '../optimizers/sources.ts';

export interface LinearDynamics {
  lr: number;
  /** Per-coordinate drop rates. */
  rates: Float64Array;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** Full-update drop rate. */
  skipRate?: number;
  gaussian?: boolean;
}

export interface LyapunovOptions {
  chains?: number;
  steps?: number;
  burnIn?: number;
  seed?: number;
  /** Sample even where the closed form applies (to check one against the other). */
  monteCarlo?: boolean;
}

export interface LyapunovResult {
  exponent: number;
  /** Standard error (0 when exact). */
  stderr: number;
  method: 'exact' | 'monte-carlo';
}

const isDiagonal = (H: Matrix) => {
  for (let i = 0; i < H.rows; i++) for (let j = 0; j < H.columns; j++) if (i !== j && H.get(i, j) !== 0) return false;
  return true;
};

/** Whether the exponent has the closed form (diagonal H, no momentum, Bernoulli). */
export const lyapunovIsExact = (H: Matrix, o: Omit<LinearDynamics, 'lr'>) => isDiagonal(H) && !(o.momentum ?? 0) && !o.gaussian;

function exactExponent(H: Matrix, o: LinearDynamics): number {
  const wd = o.weightDecay ?? 0;
  const eta = o.lr;
  let top = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < H.rows; i++) {
    const p = o.rates[i];
    const h = H.get(i, i);
    const kept = (1 - p) * Math.log(Math.abs(1 - eta * wd - (eta * h) / (1 - p)));
    const dropped = p > 0 ? p * Math.log(Math.abs(1 - eta * wd)) : 0;
    top = Math.max(top, kept + dropped);
  }
  return (1 - (o.skipRate ?? 0)) * top;
}

/** The top Lyapunov exponent of the linearised dynamics: exact where it has a closed form, else Monte-Carlo. */
export function lyapunovExponent(H: Matrix, o: LinearDynamics, mc: LyapunovOptions = {}): LyapunovResult {
  if (!mc.monteCarlo && lyapunovIsExact(H, o)) return { exponent: exactExponent(H, o), stderr: 0, method: 'exact' };
  const chains = mc.chains ?? 24;
  const steps = mc.steps ?? 4000;
  const burnIn = mc.burnIn ?? 400;
  const d = H.rows;
  const Hf = Float64Array.from(H.to1DArray());
  const mu = o.momentum ?? 0;
  const wd = o.weightDecay ?? 0;
  const q = o.skipRate ?? 0;
  const eta = o.lr;
  const sigma = Float64Array.from(o.rates, (p) => Math.sqrt(p / (1 - p)));
  const scale = Float64Array.from(o.rates, (p) => 1 / (1 - p));
  const x = new Float64Array(d);
  const b = new Float64Array(d);
  const hx = new Float64Array(d);
  const exps = new Float64Array(chains);
  for (let c = 0; c < chains; c++) {
    const src = randomSource(mc.seed ?? 0, c);
    // A start with a component along every direction: the stream's own words.
    for (let i = 0; i < d; i++) {
      x[i] = 1 + 0.5 * src.normal(steps + burnIn, i);
      b[i] = mu ? 0.5 * src.normal(steps + burnIn + 1, i) : 0;
    }
    let logSum = 0;
    for (let t = 0; t < burnIn + steps; t++) {
      if (q > 0 && src.skip(t, q)) continue;
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += Hf[i * d + j] * x[j];
        hx[i] = s;
      }
      let n2 = 0;
      for (let i = 0; i < d; i++) {
        const p = o.rates[i];
        const m = o.gaussian ? 1 + sigma[i] * src.normal(t, i) : p === 0 || src.keep(t, i, p, d) ? scale[i] : 0;
        const g = m * hx[i] + wd * x[i];
        let step = g;
        if (mu) {
          b[i] = mu * b[i] + g;
          step = o.nesterov ? g + mu * b[i] : b[i];
        }
        x[i] -= eta * step;
        n2 += x[i] * x[i] + b[i] * b[i];
      }
      const n = Math.sqrt(n2);
      if (!(n > 0) || !Number.isFinite(n)) {
        // Collapsed exactly onto 0 (a superstable step) or overflowed within one step: the chain's verdict is certain.
        logSum = n > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
        break;
      }
      if (t >= burnIn) logSum += Math.log(n);
      for (let i = 0; i < d; i++) {
        x[i] /= n;
        b[i] /= n;
      }
    }
    exps[c] = logSum / steps;
  }
  let mean = 0;
  for (const e of exps) mean += e / chains;
  let v = 0;
  for (const e of exps) v += (e - mean) ** 2;
  const stderr = Number.isFinite(mean) ? Math.sqrt(v / (chains - 1) / chains) : 0;
  return { exponent: mean, stderr, method: 'monte-carlo' };
}

export interface AlmostSureLimit {
  /** The smallest learning rate at which the top exponent reaches 0: below it (from 0 up), almost-sure convergence. */
  lrMax: number;
  method: 'exact' | 'monte-carlo';
  /** Standard error of lrMax from the exponent's at the crossing and its slope there (0 when exact). */
  stderr: number;
}

/**
 * The almost-sure limit: scanned upward in steps of 3% from `from` (a learning rate known to be stable, e.g. half
 * the mean-square limit), then bisected to 1e-5 relative. Monte-Carlo estimates use the same random numbers at
 * every learning rate (common random numbers), so the estimated exponent is continuous in η and the bisection
 * finds its own zero.
 */
export function lrMaxAlmostSure(H: Matrix, o: Omit<LinearDynamics, 'lr'>, from: number, mc: LyapunovOptions = {}): AlmostSureLimit {
  const at = (lr: number) => lyapunovExponent(H, { ...o, lr }, mc);
  let lo = from;
  // Below `from` if it is not stable after all (Monte-Carlo noise where the two limits coincide).
  for (let k = 0; k < 400 && at(lo).exponent >= 0; k++) lo /= 1.03;
  let hi = lo;
  for (let k = 0; k < 400; k++) {
    hi = lo * 1.03;
    if (at(hi).exponent >= 0) break;
    lo = hi;
  }
  while (hi - lo > 1e-5 * hi) {
    const mid = (lo + hi) / 2;
    if (at(mid).exponent < 0) lo = mid;
    else hi = mid;
  }
  const r = at(lo);
  if (r.method === 'exact') return { lrMax: lo, method: 'exact', stderr: 0 };
  const dl = 0.01 * lo;
  const slope = (at(lo + dl).exponent - at(lo - dl).exponent) / (2 * dl);
  return { lrMax: lo, method: 'monte-carlo', stderr: slope > 0 ? r.stderr / slope : Number.NaN };
}
