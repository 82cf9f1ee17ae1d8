/**
 * Adaptive methods under a constant gradient (docs/theory.md §4): the exact law of the update at step t by
 * enumerating mask histories, beside the leading-order laws.
 *
 * Every optimizer is coordinate-wise and the masks are independent across coordinates, so one walk over the
 * 2^t histories (kept/dropped at each step, applied to all coordinates at once) yields every coordinate's
 * marginal law: history h has weight Π_s (q_i or p_i) for coordinate i. The walk is a depth-first traversal
 * of the history tree that shares each prefix's optimizer state (2^{t+1} updates in all). With full-update drop
 * each step also has a "skipped" branch (state untouched, probability r), so 3^t histories.
 *
 * Leading-order laws (β₂ → 1, ε → 0):
 *  - Adam, Adagrad, RMSprop, Adadelta: the step is √q times the step without DropGrad (E[v] = g²/q while
 *    E[m] = g), i.e. Adam's mean step ≈ −η √(1 − p) sign(g).
 *  - Adam, second-order delta method: E[X/√Y] ≈ μ_X/√μ_Y − Cov(X,Y)/(2μ_Y^{3/2}) + 3μ_X Var(Y)/(8μ_Y^{5/2})
 *    with X = m̂_t, Y = v̂_t and their exact moments (Var g̃ = g²p/q, Var g̃² = g⁴p/q³, Cov(g̃, g̃²) = g³p/q²).
 *  - Lion: E[Δ_t] = −η sign(g)(1 − p^t): once a gradient has been kept, sign(m) = sign(g) and every step,
 *    kept or dropped, is −η sign(g); before the first kept gradient m = 0 and a dropped step moves nothing.
 *  - SGD: E[Δ] = −η g.
 */
import { ParameterError, requireFiniteVector } from '../errors.ts';
import { type AnyTransformation, type DropSource, givenSource, type OptimizerSpec } from '../optimizers/index.ts';

/** Most steps enumerateConstantGradient enumerates (2^t mask histories per coordinate). */
export const MAX_ENUMERATION_STEPS = 20;

export interface EnumerationResult {
  meanUpdate: Float64Array;
  varUpdate: Float64Array;
  /** Number of histories enumerated. */
  histories: number;
}

/**
 * Exact mean and variance of the update at step `steps` (1-based) of `chain` fed the constant gradient `grad`,
 * starting from x0 (parameters evolve along each history, so decoupled decay is exact too).
 */
export function enumerateConstantGradient(chain: AnyTransformation, x0: ArrayLike<number>, grad: ArrayLike<number>, steps: number): EnumerationResult {
  const d = grad.length;
  requireFiniteVector('grad', grad);
  if (x0.length !== d) throw new ParameterError('x0.length', x0.length, `${d} (the length of grad)`);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_ENUMERATION_STEPS) {
    throw new ParameterError('steps', steps, `an integer in [1, ${MAX_ENUMERATION_STEPS}] (2^t histories are enumerated; use simulate beyond)`);
  }
  const g = Float64Array.from(grad);
  const desc = chain.describeDrop?.(0, d);
  if (desc?.variant === 'gaussian') throw new ParameterError('variant', 'gaussian', 'Bernoulli DropGrad (the Gaussian variant has no finite history to enumerate; use simulate)');
  const kept: DropSource = givenSource({});
  const dropped: DropSource = givenSource({ keep: () => false });
  const skipped: DropSource = givenSource({ skip: () => true });
  const s1 = new Float64Array(d);
  const s2 = new Float64Array(d);
  let histories = 0;
  const visit = (t: number, state: unknown, x: Float64Array, w: Float64Array) => {
    const info = chain.describeDrop?.(t, d);
    const p = info?.rates ?? new Float64Array(d);
    const r = info?.skipRate ?? 0;
    const branches: [DropSource, (i: number) => number][] = [[kept, (i) => (1 - r) * (1 - p[i])]];
    if (p.some((v) => v > 0)) branches.push([dropped, (i) => (1 - r) * p[i]]);
    if (r > 0) branches.push([skipped, () => r]);
    for (const [source, weight] of branches) {
      const wNext = Float64Array.from(w, (v, i) => v * weight(i));
      const [u, s] = chain.update(g, state, x, { step: t, source });
      if (t + 1 === steps) {
        histories++;
        for (let i = 0; i < d; i++) {
          s1[i] += wNext[i] * u[i];
          s2[i] += wNext[i] * u[i] * u[i];
        }
      } else {
        visit(t + 1, s, Float64Array.from(x, (v, i) => v + u[i]), wNext);
      }
    }
  };
  const x = Float64Array.from(x0);
  visit(0, chain.init(x), x, new Float64Array(d).fill(1));
  const varUpdate = Float64Array.from(s1, (m, i) => Math.max(0, s2[i] - m * m));
  return { meanUpdate: s1, varUpdate, histories };
}

/** Lion's momentum-follow law at a given momentum m (docs/theory.md §4): E[sign(c_i)] = q sign(β₁m + (1−β₁)g/q) + p sign(β₁m). */
export function lionExpectedSign(m: number, g: number, p: number, b1 = 0.9): number {
  const q = 1 - p;
  return q * Math.sign(b1 * m + ((1 - b1) * g) / q) + p * Math.sign(b1 * m);
}

/** Lion's exact mean step under a constant gradient: −η sign(g)(1 − p^t) (no weight decay). */
export function lionConstantGradientMean(g: number, p: number, t: number, lr: number): number {
  return -lr * Math.sign(g) * (1 - p ** t);
}

/**
 * Second-order delta-method approximation of Adam's mean update at step t under a constant gradient
 * (ε neglected): −η E[m̂_t/√v̂_t].
 */
export function adamDeltaMethod(g: number, p: number, t: number, lr: number, b1 = 0.9, b2 = 0.999): number {
  if (g === 0) return 0;
  const q = 1 - p;
  const bc1 = 1 - b1 ** t;
  const bc2 = 1 - b2 ** t;
  let varV = 0;
  let cov = 0;
  for (let s = 1; s <= t; s++) {
    const k = t - s;
    varV += b2 ** (2 * k);
    cov += (b1 * b2) ** k;
  }
  varV *= ((1 - b2) ** 2 * g ** 4 * p) / q ** 3 / (bc2 * bc2);
  cov *= ((1 - b1) * (1 - b2) * g ** 3 * p) / (q * q) / (bc1 * bc2);
  const muX = g;
  const muY = (g * g) / q;
  return -lr * (muX / Math.sqrt(muY) - cov / (2 * muY ** 1.5) + (3 * muX * varV) / (8 * muY ** 2.5));
}

export type AdaptiveLaw = 'sqrt-q' | 'lion-follow' | 'sgd';

export function lawFor(name: OptimizerSpec['name']): AdaptiveLaw {
  if (name === 'lion') return 'lion-follow';
  if (name === 'sgd') return 'sgd';
  return 'sqrt-q';
}
