/**
 * One step (docs/theory.md §1–§2) against independent computations: brute-force enumeration of all 2^d masks
 * (exact, tolerance 1e-12 relative: sums of a few dozen terms), the closed forms for quadratics and masked
 * SGD, and Monte-Carlo with z-scores for the Gaussian variant.
 */
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { expectedLossExact, oneStep, sgdStepBounds, updateLaw, updateMoments } from '../../src/analysis/index.ts';
import {
  type AnyTransformation,
  OPTIMIZER_NAMES,
  applyUpdates,
  makeOptimizer,
  maskSource,
  randomSource,
  withDropGrad,
} from '../../src/optimizers/index.ts';
import { quadratic, rosenbrock, type Surface } from '../../src/surfaces/index.ts';
import { Moments, expectZ, sampleCov } from '../helpers/stats.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** Optimizer state after a few warm-up steps, so that momenta and accumulators are non-trivial. */
function warm(chain: AnyTransformation, surface: Surface, x0: Float64Array, steps = 3): { state: unknown; x: Float64Array } {
  const x = Float64Array.from(x0);
  let state = chain.init(x);
  for (let t = 0; t < steps; t++) {
    const [u, s] = chain.update(surface.gradient(x), state, x, { step: t, source: randomSource(3) });
    state = s;
    applyUpdates(x, u);
  }
  return { state, x };
}

/** All 2^d masks with their probabilities for rates p (and, with skip rate r, the skipped outcome). */
function allMasks(p: Float64Array): { mask: number[]; weight: number }[] {
  const d = p.length;
  return Array.from({ length: 2 ** d }, (_, m) => {
    const mask = Array.from({ length: d }, (_, i) => (m >> i) & 1);
    return { mask, weight: mask.reduce((w, k, i) => w * (k ? 1 - p[i] : p[i]), 1) };
  });
}

const lr = { sgd: 1e-4, adam: 0.05, adamw: 0.05, nadam: 0.05, adagrad: 0.1, rmsprop: 0.01, adadelta: 1, lion: 0.02 } as const;

describe('one step of any chain is a two-point variable per coordinate (§1)', () => {
  const f = rosenbrock(3);
  const x0 = Float64Array.from([-1.2, 1, 0.5]);
  for (const name of OPTIMIZER_NAMES) {
    it(`${name}: every mask's update is K or D coordinate-wise; moments match enumeration of all masks`, () => {
      const rates = { rate: 0.3, groups: { g: { indices: [2], rate: 0.6 } } };
      const chain = withDropGrad(makeOptimizer({ name, lr: lr[name], ...(name === 'sgd' ? { momentum: 0.9 } : {}) }), rates);
      const { state, x } = warm(chain, f, x0);
      const g = f.gradient(x);
      const law = updateLaw({ chain, state, x, grad: g, step: 3 });
      const p = law.rates;
      const masks = allMasks(p);
      const mean = new Float64Array(3);
      const second = Matrix.zeros(3, 3);
      let expected = 0;
      for (const { mask, weight } of masks) {
        const [u] = chain.update(g, state, x, { step: 3, source: maskSource([[], [], [], mask]) });
        for (let i = 0; i < 3; i++) {
          expect(u[i]).toBe(mask[i] ? law.kept![i] : law.dropped![i]);
          mean[i] += weight * u[i];
          for (let j = 0; j < 3; j++) second.set(i, j, second.get(i, j) + weight * u[i] * u[j]);
        }
        expected += weight * f.value(Float64Array.from(x, (v, i) => v + u[i]));
      }
      const m = updateMoments(law);
      for (let i = 0; i < 3; i++) {
        expect(rel(m.mean[i], mean[i])).toBeLessThan(1e-12);
        for (let j = 0; j < 3; j++) expect(rel(m.cov.get(i, j), second.get(i, j) - mean[i] * mean[j])).toBeLessThan(1e-12);
      }
      expect(rel(expectedLossExact(f, x, law), expected)).toBeLessThan(1e-12);
    });
  }
  it('full-update drop adds the all-zero outcome: rank-one covariance r(1 − r)μμᵀ', () => {
    const chain = withDropGrad(makeOptimizer({ name: 'adam', lr: 0.1 }), { rate: 0.2, fullUpdateDrop: 0.25 });
    const x = Float64Array.from([0.3, -0.4, 0.8]);
    const g = f.gradient(x);
    const law = updateLaw({ chain, x, grad: g });
    const mean = new Float64Array(3);
    const second = Matrix.zeros(3, 3);
    let expected = 0.25 * f.value(x);
    for (const { mask, weight } of allMasks(law.rates)) {
      const [u] = chain.update(g, chain.init(x), x, { step: 0, source: maskSource([mask]) });
      const w = 0.75 * weight;
      for (let i = 0; i < 3; i++) {
        mean[i] += w * u[i];
        for (let j = 0; j < 3; j++) second.set(i, j, second.get(i, j) + w * u[i] * u[j]);
      }
      expected += w * f.value(Float64Array.from(x, (v, i) => v + u[i]));
    }
    const m = updateMoments(law);
    for (let i = 0; i < 3; i++) {
      expect(rel(m.mean[i], mean[i])).toBeLessThan(1e-12);
      for (let j = 0; j < 3; j++) expect(rel(m.cov.get(i, j), second.get(i, j) - mean[i] * mean[j])).toBeLessThan(1e-12);
    }
    expect(m.cov.get(0, 1)).not.toBe(0);
    expect(rel(expectedLossExact(f, x, law), expected)).toBeLessThan(1e-12);
  });
});

describe('expected loss after one step (§2)', () => {
  const H = [
    [10, 3, 0],
    [3, 1, 0.5],
    [0, 0.5, 2],
  ];
  const q = quadratic({ H, xStar: [1, -1, 0.5], c: 0.3 });
  const x = Float64Array.from([0.2, 0.4, -0.3]);
  it('quadratic: term enumeration = E f formula = second order, for every optimizer', () => {
    for (const name of OPTIMIZER_NAMES) {
      const chain = withDropGrad(makeOptimizer({ name, lr: lr[name] }), { rate: 0.35 });
      const r = oneStep(q, { chain, x });
      // E f(x+Δ) = f + gᵀμ + ½μᵀHμ + ½ Σ H_ii Var_i.
      const g = q.gradient(x);
      let formula = q.value(x);
      for (let i = 0; i < 3; i++) {
        formula += g[i] * r.meanUpdate[i] + 0.5 * H[i][i] * r.covUpdate[i][i];
        for (let j = 0; j < 3; j++) formula += 0.5 * r.meanUpdate[i] * H[i][j] * r.meanUpdate[j];
      }
      expect(rel(r.expectedLoss, formula), name).toBeLessThan(1e-12);
      expect(rel(r.expectedLossSecondOrder, formula), name).toBeLessThan(1e-12);
    }
  });
  it('masked SGD: E f = f − η|g|² + (η²/2) gᵀ H_eff g, with the decrease bound and the best rate', () => {
    const p = Float64Array.from([0.3, 0.3, 0.6]);
    const g = q.gradient(x);
    const bounds = sgdStepBounds(q.hessian(x), g, p);
    const Heff = bounds.Heff;
    const b = { lrBest: bounds.lrBest!, lrBound: bounds.lrBound!, bestDecrease: bounds.bestDecrease! };
    expect(Heff[2][2]).toBeCloseTo(2 * (1 + 0.6 / 0.4), 14);
    expect(Heff[0][1]).toBe(3);
    const g2 = g.reduce((a, v) => a + v * v, 0);
    const gHg = g.reduce((a, gi, i) => a + gi * g.reduce((s, gj, j) => s + Heff[i][j] * gj, 0), 0);
    for (const eta of [0.01, b.lrBest, b.lrBound * 0.999, b.lrBound * 1.001]) {
      const chain = withDropGrad(makeOptimizer({ name: 'sgd', lr: eta }), { rate: 0.3, groups: { last: { indices: [2], rate: 0.6 } } });
      const r = oneStep(q, { chain, x });
      expect(rel(r.expectedLoss, q.value(x) - eta * g2 + 0.5 * eta * eta * gHg)).toBeLessThan(1e-12);
      if (eta < b.lrBound) expect(r.expectedLoss).toBeLessThan(q.value(x));
      else expect(r.expectedLoss).toBeGreaterThan(q.value(x));
    }
    expect(rel(b.bestDecrease, -(g2 * g2) / (2 * gHg))).toBeLessThan(1e-12);
  });
  it('SGD step bounds where gᵀH_eff g ≤ 0: none, and why (indefinite H, a linear direction, a zero gradient)', () => {
    const H = new Matrix([
      [1, 0],
      [0, -1],
    ]);
    const down = sgdStepBounds(H, [0, 1], [0.3, 0.3]);
    expect(down).toMatchObject({ lrBound: null, lrBest: null, bestDecrease: null });
    expect(down.unbounded).toMatch(/indefinite along g\): the expected loss falls for every lr/);
    expect(sgdStepBounds(H, [1, 1], [0, 0]).unbounded).toMatch(/linear along g/);
    expect(sgdStepBounds(H, [0, 0], [0, 0]).unbounded).toMatch(/gradient is 0/);
    expect(sgdStepBounds(H, [1, 0], [0, 0]).lrBound).toBe(2);
  });
  it('Rosenbrock: the exact expected loss differs from the second-order value (quartic terms), and Monte-Carlo agrees with the exact one', () => {
    const f = rosenbrock(2);
    const x0 = Float64Array.from([-1.5, 2]);
    const chain = withDropGrad(makeOptimizer({ name: 'sgd', lr: 0.001 }), { rate: 0.3 });
    const r = oneStep(f, { chain, x: x0 });
    expect(Math.abs(r.expectedLoss - r.expectedLossSecondOrder)).toBeGreaterThan(1);
    const loss = new Moments();
    const g = f.gradient(x0);
    for (let n = 0; n < 20_000; n++) {
      const [u] = chain.update(g, chain.init(x0), x0, { step: 0, source: randomSource(17, n) });
      loss.push(f.value(Float64Array.from(x0, (v, i) => v + u[i])));
    }
    expectZ('Rosenbrock E f(x + Δ)', loss.mean, r.expectedLoss, loss.stderrMean);
  });
});

describe('Gaussian DropGrad one step: Gauss–Hermite law vs Monte-Carlo (z-scores)', () => {
  const f = rosenbrock(2);
  const x0 = Float64Array.from([-1.2, 1.1]);
  for (const name of ['sgd', 'adam', 'rmsprop', 'adagrad'] as const) {
    it(name, () => {
      const chain = withDropGrad(makeOptimizer({ name, lr: lr[name] }), { rate: 0.3, variant: 'gaussian' });
      const { state, x } = warm(chain, f, x0, 2);
      const r = oneStep(f, { chain, state, x, step: 2 });
      const g = f.gradient(x);
      const n = 20_000;
      const us: number[][] = [[], []];
      const loss = new Moments();
      for (let k = 0; k < n; k++) {
        const [u] = chain.update(g, state, x, { step: 2, source: randomSource(99, k) });
        us[0].push(u[0]);
        us[1].push(u[1]);
        loss.push(f.value(Float64Array.from(x, (v, i) => v + u[i])));
      }
      for (let i = 0; i < 2; i++) {
        const m = new Moments();
        for (const v of us[i]) m.push(v);
        expectZ(`${name} Gaussian E[Δ_${i}]`, m.mean, r.meanUpdate[i], m.stderrMean);
      }
      const c = sampleCov(us[0], us[0]);
      expectZ(`${name} Gaussian Var(Δ_0)`, c.cov, r.covUpdate[0][0], c.stderr);
      const c01 = sampleCov(us[0], us[1]);
      expectZ(`${name} Gaussian Cov(Δ_0, Δ_1)`, c01.cov, r.covUpdate[0][1], c01.stderr);
      expectZ(`${name} Gaussian E f(x + Δ)`, loss.mean, r.expectedLoss, loss.stderrMean);
    });
  }
  it('for SGD the Gaussian and Bernoulli one-step moments coincide (same first two moments, §0)', () => {
    const mk = (variant: 'gaussian' | 'bernoulli') => oneStep(f, { chain: withDropGrad(makeOptimizer({ name: 'sgd', lr: 0.001 }), { rate: 0.4, variant }), x: x0 });
    const a = mk('gaussian');
    const b = mk('bernoulli');
    for (let i = 0; i < 2; i++) {
      expect(rel(a.meanUpdate[i], b.meanUpdate[i])).toBeLessThan(1e-12);
      expect(rel(a.covUpdate[i][i], b.covUpdate[i][i])).toBeLessThan(1e-10);
    }
    // The quartic Rosenbrock terms see the fourth moment, which differs between the variants.
    expect(Math.abs(a.expectedLoss - b.expectedLoss)).toBeGreaterThan(1e-6);
  });
});
