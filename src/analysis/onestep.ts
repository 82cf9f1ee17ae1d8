/**
 * One DropGrad step of any chain on any surface: docs/theory.md §1 and §2.
 *
 * §1: every optimizer here is coordinate-wise, so given its state the update of coordinate i is a function of
 * that coordinate's noise alone. Under Bernoulli DropGrad it is a two-point variable: K_i ("kept", probability
 * q_i, gradient g_i/q_i) or D_i ("dropped", probability p_i, gradient 0), independent across coordinates:
 *     E[Δ_i] = q_i K_i + p_i D_i,   Var(Δ_i) = p_i q_i (K_i − D_i)²,   Cov(Δ_i, Δ_j) = 0.
 * The chain is asked for K and D through explicit drop sources (all kept / all dropped), so this works for any
 * chain without knowing which optimizer it is. Gaussian DropGrad replaces the two points by an n-point
 * Gauss–Hermite rule in ξ_i = 1 + σ_i Z (σ_i² = p_i/q_i). Full-update drop with probability r mixes in the
 * outcome Δ = 0 for all coordinates at once (rank-one noise):
 *     E[Δ] = (1 − r) μ,   Cov = (1 − r) Cov_mask + r(1 − r) μ μᵀ,   μ the mask-only mean.
 *
 * §2: exact E f(x + Δ) for a quadratic from these moments, and for any surface with a term structure by
 * enumerating the outcomes of each term's coordinates; the second-order (effective-curvature) value beside it.
 */
import { Matrix } from '../matrix.ts';
import { ParameterError } from '../errors.ts';
import { type AnyTransformation, ALL_DROPPED, ALL_KEPT, type DropDescription, givenSource, type Vec } from '../optimizers/index.ts';
import type { Surface } from '../surfaces/index.ts';
import { gaussHermite } from './quadrature.ts';

/** The law of one step's update: outcome k of coordinate i is `outcomes[k][i]` with probability `weights[k][i]`. */
export interface UpdateLaw {
  dim: number;
  variant: DropDescription['variant'];
  outcomes: Float64Array[];
  weights: Float64Array[];
  /** Full-update drop probability r (all coordinates 0 together). */
  skipRate: number;
  /** Per-coordinate drop rates p_i. */
  rates: Float64Array;
  /** Kept and dropped updates K, D (Bernoulli only). */
  kept?: Float64Array;
  dropped?: Float64Array;
}

/** One step's input: the chain (an optimizer with DropGrad), the point x and the gradient there. */
export interface OneStepInput {
  chain: AnyTransformation;
  /** Optimizer state before the step (default: `chain.init(x)`). */
  state?: unknown;
  x: Vec;
  grad: Vec;
  /** Global step index (schedules). */
  step?: number;
  /** Gauss–Hermite nodes for the Gaussian variant (default 64). */
  nodes?: number;
}

/** The two-point (or quadrature) law of the update of any chain at (x, g, state): docs/theory.md §1. */
export function updateLaw({ chain, state, x, grad, step = 0, nodes = 64 }: OneStepInput): UpdateLaw {
  const d = x.length;
  if (grad.length !== d) throw new ParameterError('grad.length', grad.length, `${d} (the dimension of x)`);
  const st = state ?? chain.init(x);
  const desc = chain.describeDrop?.(step, d) ?? { variant: 'bernoulli' as const, rates: new Float64Array(d), skipRate: 0 };
  const run = (source: typeof ALL_KEPT) => chain.update(Float64Array.from(grad), st, Float64Array.from(x), { step, source })[0];
  if (desc.variant === 'bernoulli') {
    const kept = run(ALL_KEPT);
    const dropped = run(ALL_DROPPED);
    const q = Float64Array.from(desc.rates, (p) => 1 - p);
    return { dim: d, variant: 'bernoulli', outcomes: [kept, dropped], weights: [q, desc.rates], skipRate: desc.skipRate, rates: desc.rates, kept, dropped };
  }
  const rule = gaussHermite(nodes);
  const outcomes = Array.from(rule.nodes, (z) => run(givenSource({ normal: () => z })));
  const weights = Array.from(rule.weights, (w) => new Float64Array(d).fill(w));
  return { dim: d, variant: 'gaussian', outcomes, weights, skipRate: desc.skipRate, rates: desc.rates };
}

export interface UpdateMoments {
  mean: Float64Array;
  cov: Matrix;
}

/** Exact mean and covariance of the update (docs/theory.md §1, with full-update drop's rank-one term). */
export function updateMoments(law: UpdateLaw): UpdateMoments {
  const { dim: d, outcomes, weights, skipRate: r } = law;
  const mu = new Float64Array(d);
  const m2 = new Float64Array(d);
  for (let k = 0; k < outcomes.length; k++) {
    for (let i = 0; i < d; i++) {
      mu[i] += weights[k][i] * outcomes[k][i];
      m2[i] += weights[k][i] * outcomes[k][i] ** 2;
    }
  }
  const mean = Float64Array.from(mu, (v) => (1 - r) * v);
  const cov = Matrix.zeros(d, d);
  for (let i = 0; i < d; i++) {
    // Var under the mask, computed as Σ w (Δ − μ)² to avoid cancellation.
    let v = 0;
    for (let k = 0; k < outcomes.length; k++) v += weights[k][i] * (outcomes[k][i] - mu[i]) ** 2;
    for (let j = 0; j < d; j++) cov.set(i, j, (i === j ? (1 - r) * v : 0) + r * (1 - r) * mu[i] * mu[j]);
  }
  return { mean, cov };
}

/**
 * Exact E f(x + Δ) for a surface with a term structure (docs/theory.md §2): each term's expectation is the sum over
 * the outcome combinations of its coordinates (2^k for Bernoulli, n^k for the Gaussian rule), never sampled.
 */
export function expectedLossExact(surface: Surface, x: Vec, law: UpdateLaw): number {
  const maxCombos = 1e7;
  const n = law.outcomes.length;
  const y = Float64Array.from(x);
  let total = 0;
  for (const term of surface.terms) {
    const c = term.coords;
    const combos = n ** c.length;
    if (combos > maxCombos) {
      throw new ParameterError(`term over coordinates [${c.join(', ')}]`, `${combos} outcome combinations`, `at most ${maxCombos}; this surface has no exact expected loss for this variant`);
    }
    let e = 0;
    for (let m = 0; m < combos; m++) {
      let w = 1;
      let rest = m;
      for (const i of c) {
        const k = rest % n;
        rest = (rest - k) / n;
        w *= law.weights[k][i];
        y[i] = x[i] + law.outcomes[k][i];
      }
      if (w !== 0) e += w * term.value(y);
    }
    for (const i of c) y[i] = x[i];
    total += e;
  }
  return law.skipRate * surface.value(x) + (1 - law.skipRate) * total;
}

/**
 * Second order (docs/theory.md §2): E f(x + Δ) ≈ f + gᵀE[Δ] + ½E[Δ]ᵀ∇²f E[Δ] + ½ tr(∇²f Cov(Δ)).
 * The last term is DropGrad's curvature penalty (Σ_i ∇²f_ii Var(Δ_i) without full-update drop).
 * Exact for quadratics.
 */
export function expectedLossSecondOrder(surface: Surface, x: Vec, m: UpdateMoments): number {
  const g = surface.gradient(x);
  const H = surface.hessian(x);
  const d = x.length;
  let s = surface.value(x);
  for (let i = 0; i < d; i++) {
    s += g[i] * m.mean[i];
    for (let j = 0; j < d; j++) s += 0.5 * H.get(i, j) * (m.mean[i] * m.mean[j] + m.cov.get(i, j));
  }
  return s;
}

/** The exact law of one DropGrad step: E[Δ], Cov[Δ], the expected loss after it (exact and second order). */
export interface OneStepResult {
  meanUpdate: number[];
  covUpdate: number[][];
  expectedLoss: number;
  expectedLossSecondOrder: number;
  loss: number;
  kept?: number[];
  dropped?: number[];
  variant: UpdateLaw['variant'];
  skipRate: number;
}

/** Everything about one step at x: the law, its moments, the exact and the second-order expected loss. */
export function oneStep(surface: Surface, input: Omit<OneStepInput, 'grad'> & { grad?: Vec }): OneStepResult {
  const grad = input.grad ?? surface.gradient(input.x);
  const law = updateLaw({ ...input, grad });
  const m = updateMoments(law);
  return {
    meanUpdate: Array.from(m.mean),
    covUpdate: m.cov.to2DArray(),
    expectedLoss: expectedLossExact(surface, input.x, law),
    expectedLossSecondOrder: expectedLossSecondOrder(surface, input.x, m),
    loss: surface.value(input.x),
    kept: law.kept && Array.from(law.kept),
    dropped: law.dropped && Array.from(law.dropped),
    variant: law.variant,
    skipRate: law.skipRate,
  };
}

export interface SgdStepBounds {
  /** H_eff = H + diag(p/q) Diag(H) (docs/theory.md §2). */
  Heff: number[][];
  /** Expected decrease iff η \< 2|g|²/(gᵀH_eff g); null when gᵀH_eff g ≤ 0 (see `unbounded`). */
  lrBound: number | null;
  /** Best one-step rate η* = |g|²/(gᵀH_eff g); null when gᵀH_eff g ≤ 0. */
  lrBest: number | null;
  /** E f(x − η g̃) − f(x) at η*: −|g|⁴/(2 gᵀH_eff g); null when gᵀH_eff g ≤ 0. */
  bestDecrease: number | null;
  /**
   * Why there is no bound: g = 0 (the step does not move), or gᵀH_eff g \< 0 (H indefinite along g: the expected loss
   * falls for every η, without a best one), or gᵀH_eff g = 0 (linear along g: it falls for every η).
   */
  unbounded?: string;
}

/**
 * Masked SGD on a quadratic (or the local quadratic model ∇²f(x) of any surface):
 * E f(x + Δ) = f − η|g|² + (η²/2) gᵀH_eff g with H_eff = H + diag(p/q) Diag(H). Full-update drop scales both
 * terms by (1 − r), so the bound and the best rate do not depend on r.
 */
export function sgdStepBounds(H: Matrix, g: ArrayLike<number>, rates: ArrayLike<number>): SgdStepBounds {
  const d = H.rows;
  const Heff = H.clone();
  for (let i = 0; i < d; i++) Heff.set(i, i, H.get(i, i) * (1 + rates[i] / (1 - rates[i])));
  let g2 = 0;
  let gHg = 0;
  for (let i = 0; i < d; i++) {
    g2 += g[i] * g[i];
    for (let j = 0; j < d; j++) gHg += g[i] * Heff.get(i, j) * g[j];
  }
  if (!(gHg > 0)) {
    const unbounded =
      g2 === 0 ? 'the gradient is 0 at x: the step does not move' : gHg < 0 ? 'gᵀH_eff g < 0 (H is indefinite along g): the expected loss falls for every lr, with no best one' : 'gᵀH_eff g = 0 (f is linear along g): the expected loss falls for every lr';
    return { Heff: Heff.to2DArray(), lrBound: null, lrBest: null, bestDecrease: null, unbounded };
  }
  return { Heff: Heff.to2DArray(), lrBound: (2 * g2) / gHg, lrBest: g2 / gHg, bestDecrease: -(g2 * g2) / (2 * gHg) };
}
