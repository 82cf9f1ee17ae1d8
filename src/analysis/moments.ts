/**
 * Exact multi-step moments of SGD, heavy ball and Nesterov under DropGrad on a quadratic (docs/theory.md §3).
 *
 *   mean:           E z' = A₀ E z + a₀            (DropGrad leaves the expected trajectory exactly that of the
 *                                                  noiseless optimizer: the mask enters only the noise term)
 *   second moment:  S' = A₀ S A₀ᵀ + (affine terms) + c cᵀ ⊗ Uᵀ[Σζ + diag(p/q ∘ (diag(H S_ee H) + diag Σζ))]U
 *   full-update drop r:  S'' = r S + (1 − r) S',  m'' = r m + (1 − r) m'
 *   E f(x_t) = ½ tr(H S_ee,t) + c,   Cov(x_t) = S_ee,t − m mᵀ.
 *   a second quadratic g(x) = ½xᵀAx − bᵀx + c₀ (a held-out loss, docs/theory.md §8), with e = x − x*:
 *   E g(x_t) = ½ tr(A S_ee,t) + (A x* − b)ᵀ E e_t + g(x*).
 * Learning rate and drop rates may follow schedules; everything is O(d³) per step (see dynamics.ts).
 */
import type { Matrix } from '../matrix.ts';
import { ParameterError, requireFiniteVector, requireVectorLength } from '../errors.ts';
import { type QuadraticForm, evaluateForm } from '../surfaces/quadratic.ts';
import { type BlockMoments, EigenDynamics, emptyBlocks, noiseInEigenbasis } from './dynamics.ts';
import { type Eigh, eigh, fromEigen, toEigen, vecFromEigen, vecToEigen } from './linalg.ts';

export interface QuadraticProblem {
  H: Matrix;
  xStar: Float64Array;
  c: number;
}

/** The run whose exact moments multiStepMoments computes: start, steps, learning-rate and drop-rate schedules, SGD-family options. */
export interface MomentsOptions {
  x0: ArrayLike<number>;
  steps: number;
  /** η_t. */
  lr: (step: number) => number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** p_i at step t. */
  rates: (step: number) => Float64Array;
  /** Full-update drop probability r_t. */
  skipRate?: (step: number) => number;
  /** Covariance Σζ of additive gradient noise (minibatch model), masked with the gradient. */
  noiseCov?: Matrix;
  /** A second quadratic whose expectation is wanted at every step (the test loss of a regression). */
  testLoss?: QuadraticForm;
  /** Keep mean, covariance and expected loss of every step. */
  trace?: boolean;
  /** Called after each step (progress). */
  onStep?: (step: number) => void;
}

export interface MomentsStep {
  mean: number[];
  cov: number[][];
  expectedLoss: number;
}

/** Exact E[x_t], Cov[x_t] and E f(x_t) after the run, and per step. */
export interface MomentsResult extends MomentsStep {
  steps: number;
  /** Per-step arrays (index t = after t steps, t = 0 … T) when `trace` is set. */
  trace?: { mean: number[][]; cov: number[][][]; expectedLoss: number[] };
  /** Expected loss after every step (always kept: O(T)). */
  expectedLossPerStep: number[];
  /** E of the `testLoss` form after the last step and after every step, when one is given. */
  expectedTestLoss?: number;
  expectedTestLossPerStep?: number[];
}

interface Prepared {
  eig: Eigh;
  xsE: Float64Array;
  noiseEigen: Float64Array | null;
  noiseDiag: Float64Array | null;
}

function prepare(problem: QuadraticProblem, noiseCov?: Matrix): Prepared {
  const eig = eigh(problem.H);
  const d = eig.d;
  let noiseEigen: Float64Array | null = null;
  let noiseDiag: Float64Array | null = null;
  if (noiseCov) {
    if (noiseCov.rows !== d || noiseCov.columns !== d) throw new ParameterError('noiseCov', `${noiseCov.rows}×${noiseCov.columns}`, `a ${d}×${d} matrix`);
    // A covariance: symmetric and positive semidefinite (else the moments come out with negative variances).
    const scale = Math.max(1e-300, ...Array.from({ length: d }, (_, i) => Math.abs(noiseCov.get(i, i))));
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        if (Math.abs(noiseCov.get(i, j) - noiseCov.get(j, i)) > 1e-12 * scale) throw new ParameterError('noiseCov', noiseCov.to2DArray(), 'a symmetric matrix', `entries (${i}, ${j}) and (${j}, ${i}) differ`);
      }
    }
    const smallest = Math.min(...eigh(noiseCov).values);
    if (smallest < -1e-12 * scale) throw new ParameterError('noiseCov', noiseCov.to2DArray(), 'a positive semidefinite matrix (a covariance)', `an eigenvalue is ${smallest.toPrecision(4)}`);
    noiseEigen = toEigen(eig, noiseCov);
    noiseDiag = Float64Array.from({ length: d }, (_, i) => noiseCov.get(i, i));
  }
  return { eig, xsE: vecToEigen(eig, problem.xStar), noiseEigen, noiseDiag };
}

function ratios(p: Float64Array, d: number, step: number): Float64Array {
  if (p.length !== d) throw new ParameterError(`drop rates at step ${step} (length)`, p.length, `${d}`);
  return Float64Array.from(p, (pi) => {
    if (!(pi >= 0 && pi < 1)) throw new ParameterError(`drop rate at step ${step}`, pi, 'a number in [0, 1)');
    return pi / (1 - pi);
  });
}

function summarize(prep: Prepared, s: BlockMoments, c: number): MomentsStep {
  const { eig, xsE } = prep;
  const d = eig.d;
  const mean = vecFromEigen(eig, Float64Array.from(s.mE, (v, k) => v + xsE[k]));
  const C = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) C[k * d + l] = s.See[k * d + l] - s.mE[k] * s.mE[l];
  return { mean: Array.from(mean), cov: fromEigen(eig, C), expectedLoss: expectedLoss(eig, s, c) };
}

function expectedLoss(eig: Eigh, s: BlockMoments, c: number): number {
  let t = 0;
  for (let k = 0; k < eig.d; k++) t += eig.values[k] * s.See[k * eig.d + k];
  return 0.5 * t + c;
}

/** E g(x) of a quadratic form g from the moments of e = x − x* in the eigenbasis: ½ tr(A_E S_ee) + g_Eᵀ m + g(x*). */
function formExpectation(eig: Eigh, form: QuadraticForm, xStar: Float64Array): (s: BlockMoments) => number {
  const d = eig.d;
  if (form.A.rows !== d || form.A.columns !== d || form.b.length !== d) throw new ParameterError('testLoss', `${form.A.rows}×${form.A.columns}`, `a form over ${d} coordinates`);
  const AE = toEigen(eig, form.A);
  const grad = Float64Array.from(form.b, (bi, i) => {
    let r = -bi;
    for (let j = 0; j < d; j++) r += form.A.get(i, j) * xStar[j];
    return r;
  });
  const gE = vecToEigen(eig, grad);
  const atMinimum = evaluateForm(form, xStar);
  return (s) => {
    let t = 0;
    for (let i = 0; i < d * d; i++) t += AE[i] * s.See[i];
    let m = 0;
    for (let k = 0; k < d; k++) m += gE[k] * s.mE[k];
    return 0.5 * t + m + atMinimum;
  };
}

/** Mean, covariance and expected loss of the iterate after `steps` steps, exactly (docs/theory.md §3). */
export function multiStepMoments(problem: QuadraticProblem, o: MomentsOptions): MomentsResult {
  const prep = prepare(problem, o.noiseCov);
  const { eig } = prep;
  const d = eig.d;
  requireVectorLength('x0', o.x0, d);
  requireFiniteVector('x0', o.x0);
  if (!Number.isInteger(o.steps) || o.steps < 0) throw new ParameterError('steps', o.steps, 'an integer ≥ 0');
  const momentum = o.momentum ?? 0;
  const nesterov = o.nesterov ?? false;
  const weightDecay = o.weightDecay ?? 0;
  let s = emptyBlocks(d);
  const e0 = vecToEigen(eig, Float64Array.from(o.x0, (v, i) => v - problem.xStar[i]));
  s.mE.set(e0);
  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) s.See[k * d + l] = e0[k] * e0[l];
  const losses = [expectedLoss(eig, s, problem.c)];
  const testOf = o.testLoss ? formExpectation(eig, o.testLoss, problem.xStar) : null;
  const testLosses = testOf ? [testOf(s)] : undefined;
  const trace = o.trace ? { mean: [] as number[][], cov: [] as number[][][], expectedLoss: [] as number[] } : undefined;
  const record = () => {
    if (!trace) return;
    const sm = summarize(prep, s, problem.c);
    trace.mean.push(sm.mean);
    trace.cov.push(sm.cov);
    trace.expectedLoss.push(sm.expectedLoss);
  };
  record();
  let next = emptyBlocks(d);
  for (let t = 0; t < o.steps; t++) {
    const lr = o.lr(t);
    const r = o.skipRate ? o.skipRate(t) : 0;
    if (!(r >= 0 && r < 1)) throw new ParameterError(`full-update drop rate at step ${t}`, r, 'a number in [0, 1)');
    const dyn = new EigenDynamics(eig, { lr, momentum, nesterov, weightDecay }, prep.xsE);
    const Q = noiseInEigenbasis(eig, s.See, ratios(o.rates(t), d, t), prep.noiseEigen, prep.noiseDiag);
    dyn.second(s, Q, next);
    dyn.mean(s, next.mE, next.mB);
    if (r > 0) {
      for (const key of ['mE', 'mB', 'See', 'Seb', 'Sbb'] as const) {
        const a = next[key];
        const b = s[key];
        for (let i = 0; i < a.length; i++) a[i] = r * b[i] + (1 - r) * a[i];
      }
    }
    [s, next] = [next, s];
    losses.push(expectedLoss(eig, s, problem.c));
    if (testOf) testLosses!.push(testOf(s));
    record();
    o.onStep?.(t + 1);
  }
  const final = summarize(prep, s, problem.c);
  const test = testLosses ? { expectedTestLoss: testLosses[testLosses.length - 1], expectedTestLossPerStep: testLosses } : {};
  return { ...final, steps: o.steps, expectedLossPerStep: losses, ...test, ...(trace ? { trace } : {}) };
}

export interface StationaryOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  rates: Float64Array;
  noiseCov?: Matrix;
  /** Relative tolerance of the fixed-point iteration on w = diag(H S_ee H). */
  tol?: number;
  maxIter?: number;
}

export interface StationaryResult extends MomentsStep {
  iterations: number;
}

/**
 * Stationary mean and covariance (the fixed point of the recursion for constant η, p): the mean solves
 * (I − A_k) m_k = a₀_k; S = (I − L₀)⁻¹[K + c cᵀ ⊗ Q̃(w)] with w = diag(H S_ee H) found by the fixed-point
 * iteration w ← T w + w₀, which converges geometrically at rate ρ(T) \< 1 exactly when the dynamics are
 * mean-square stable. Full-update drop does not change the fixed point (S = rS + (1 − r)L(S) ⇔ S = L(S)).
 */
export function stationaryMoments(problem: QuadraticProblem, o: StationaryOptions): StationaryResult {
  const prep = prepare(problem, o.noiseCov);
  const { eig } = prep;
  const d = eig.d;
  const dyn = new EigenDynamics(eig, { lr: o.lr, momentum: o.momentum ?? 0, nesterov: o.nesterov ?? false, weightDecay: o.weightDecay ?? 0 }, prep.xsE);
  if (dyn.noiselessRadius() >= 1) throw new ParameterError('lr', o.lr, 'a learning rate for which the noiseless dynamics converge (no stationary law otherwise)');
  const ratio = ratios(o.rates, d, 0);
  // Stationary mean: (I − A_k) m_k = a₀_k.
  const base = emptyBlocks(d);
  for (let k = 0; k < d; k++) {
    const a11 = 1 - dyn.a[k];
    const a12 = -dyn.b[k];
    const a21 = -dyn.c[k];
    const a22 = 1 - dyn.dd[k];
    const det = a11 * a22 - a12 * a21;
    base.mE[k] = (a22 * dyn.a0E[k] - a12 * dyn.a0B[k]) / det;
    base.mB[k] = (a11 * dyn.a0B[k] - a21 * dyn.a0E[k]) / det;
  }
  // K = A m a₀ᵀ + a₀(Am)ᵀ + a₀a₀ᵀ: one application of `second` to S = 0 with mean m and no noise.
  const K = emptyBlocks(d);
  dyn.second({ ...emptyBlocks(d), mE: base.mE, mB: base.mB }, null, K);
  const SK = dyn.resolve(K);
  const tol = o.tol ?? 1e-13;
  const maxIter = o.maxIter ?? 100_000;
  let S = SK;
  let wPrev: Float64Array | null = null;
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    const Q = noiseInEigenbasis(eig, S.See, ratio, prep.noiseEigen, prep.noiseDiag);
    if (!Q) break;
    const Y = emptyBlocks(d);
    for (let i = 0; i < d * d; i++) {
      Y.See[i] = dyn.cE * dyn.cE * Q[i];
      Y.Seb[i] = dyn.cE * dyn.cB * Q[i];
      Y.Sbb[i] = dyn.cB * dyn.cB * Q[i];
    }
    const SQ = dyn.resolve(Y);
    const next = emptyBlocks(d);
    for (const key of ['See', 'Seb', 'Sbb'] as const) for (let i = 0; i < d * d; i++) next[key][i] = SK[key][i] + SQ[key][i];
    S = next;
    const w = Float64Array.from({ length: d }, (_, k) => S.See[k * d + k]);
    if (wPrev) {
      let num = 0;
      let den = 0;
      for (let k = 0; k < d; k++) {
        num = Math.max(num, Math.abs(w[k] - wPrev[k]));
        den = Math.max(den, Math.abs(w[k]));
      }
      if (!Number.isFinite(num) || den > 1e300) throw new ParameterError('lr', o.lr, 'a mean-square stable learning rate (the stationary iteration diverged)');
      if (num <= tol * den) break;
    }
    wPrev = w;
  }
  if (iterations >= maxIter) throw new ParameterError('lr', o.lr, `a mean-square stable learning rate (no convergence in ${maxIter} iterations)`);
  S.mE.set(base.mE);
  S.mB.set(base.mB);
  return { ...summarize(prep, S, problem.c), iterations };
}
