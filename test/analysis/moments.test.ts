/**
 * Multi-step moments (docs/theory.md §3) against brute-force enumeration of every mask history of the real
 * optimizer chain (exact: tolerance 1e-10 relative, sums of up to 625 histories), against Monte-Carlo with
 * z-scores where noise is continuous, and the stationary law against the long-run recursion.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { multiStepMoments, stationaryMoments } from '../../src/analysis/index.ts';
import { KeyedRandom } from '../../src/rng/keyed.ts';
import {
  type AnyTransformation,
  CosineAnnealingSchedule,
  LinearDropRateScheduler,
  applyUpdates,
  maskSource,
  randomSource,
  sgd,
  withDropGrad,
  type WithDropGradOptions,
} from '../../src/optimizers/index.ts';
import { quadratic, type QuadraticSurface } from '../../src/surfaces/index.ts';
import { Moments, expectZ, sampleCov } from '../helpers/stats.ts';

const q2 = quadratic({ H: [[10, 3], [3, 1]], xStar: [0.5, -1], c: 0.2 });
const rel = (a: number, b: number, scale = 1) => Math.abs(a - b) / Math.max(scale, Math.abs(b));

interface Exact {
  mean: number[];
  cov: number[][];
  loss: number;
}

/** Enumerates every (mask, skip) history of `steps` steps of the real chain: exact moments of x_T. */
function enumerate(q: QuadraticSurface, chain: AnyTransformation, x0: number[], steps: number): Exact {
  const d = q.dim;
  const mean = new Float64Array(d);
  const second = Matrix.zeros(d, d);
  let loss = 0;
  const walk = (t: number, state: unknown, x: Float64Array, w: number, masks: number[][], skips: boolean[]) => {
    if (t === steps) {
      for (let i = 0; i < d; i++) {
        mean[i] += w * x[i];
        for (let j = 0; j < d; j++) second.set(i, j, second.get(i, j) + w * x[i] * x[j]);
      }
      loss += w * q.value(x);
      return;
    }
    const desc = chain.describeDrop!(t, d)!;
    const outcomes: { mask: number[]; skip: boolean; weight: number }[] = [];
    if (desc.skipRate > 0) outcomes.push({ mask: new Array(d).fill(1), skip: true, weight: desc.skipRate });
    for (let m = 0; m < 2 ** d; m++) {
      const mask = Array.from({ length: d }, (_, i) => (m >> i) & 1);
      const weight = (1 - desc.skipRate) * mask.reduce((a, k, i) => a * (k ? 1 - desc.rates[i] : desc.rates[i]), 1);
      if (weight > 0) outcomes.push({ mask, skip: false, weight });
    }
    for (const o of outcomes) {
      const ms = [...masks, o.mask];
      const sk = [...skips, o.skip];
      const [u, s] = chain.update(q.gradient(x), state, x, { step: t, source: maskSource(ms, sk) });
      walk(t + 1, s, applyUpdates(Float64Array.from(x), u), w * o.weight, ms, sk);
    }
  };
  const x = Float64Array.from(x0);
  walk(0, chain.init(x), x, 1, [], []);
  return {
    mean: Array.from(mean),
    cov: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => second.get(i, j) - mean[i] * mean[j])),
    loss,
  };
}

type Case = { name: string; lr: number | CosineAnnealingSchedule; momentum?: number; nesterov?: boolean; weightDecay?: number; drop: WithDropGradOptions };
const cases: Case[] = [
  { name: 'SGD p = 0.3', lr: 0.1, drop: { rate: 0.3 } },
  { name: 'heavy ball μ = 0.5, p = 0.4', lr: 0.05, momentum: 0.5, drop: { rate: 0.4 } },
  { name: 'Nesterov μ = 0.6, p = 0.25', lr: 0.04, momentum: 0.6, nesterov: true, drop: { rate: 0.25 } },
  { name: 'SGD, per-group rates and weight decay', lr: 0.08, weightDecay: 0.3, drop: { rate: 0.2, groups: { b: { indices: [1], rate: 0.5 } } } },
  { name: 'heavy ball, lr and drop-rate schedules', lr: new CosineAnnealingSchedule(0.1, 0.02, 4), momentum: 0.3, drop: { rate: new LinearDropRateScheduler(0.5, 0.1, 4) } },
  { name: 'SGD with full-update drop r = 0.2', lr: 0.1, drop: { rate: 0.3, fullUpdateDrop: 0.2 } },
  { name: 'Nesterov, weight decay, full-update drop', lr: 0.05, momentum: 0.4, nesterov: true, weightDecay: 0.1, drop: { rate: 0.35, fullUpdateDrop: 0.3 } },
];

describe('multi-step moments = enumeration of every mask history of the real chain', () => {
  const x0 = [1.5, 0.7];
  for (const c of cases) {
    it(c.name, () => {
      const chain = withDropGrad(sgd({ lr: c.lr, momentum: c.momentum ?? 0, nesterov: c.nesterov, weightDecay: c.weightDecay }), c.drop);
      const steps = 4;
      const exact = enumerate(q2, chain, x0, steps);
      const lr = typeof c.lr === 'number' ? () => c.lr as number : (t: number) => (c.lr as CosineAnnealingSchedule).at(t);
      const r = multiStepMoments(q2, {
        x0,
        steps,
        lr,
        momentum: c.momentum,
        nesterov: c.nesterov,
        weightDecay: c.weightDecay,
        rates: (t) => chain.describeDrop!(t, 2)!.rates,
        skipRate: (t) => chain.describeDrop!(t, 2)!.skipRate,
        trace: true,
      });
      const scale = Math.max(...exact.cov.flat().map(Math.abs));
      for (let i = 0; i < 2; i++) {
        expect(rel(r.mean[i], exact.mean[i]), `mean ${i}`).toBeLessThan(1e-10);
        for (let j = 0; j < 2; j++) expect(rel(r.cov[i][j], exact.cov[i][j], scale), `cov ${i}${j}`).toBeLessThan(1e-10);
      }
      expect(rel(r.expectedLoss, exact.loss)).toBeLessThan(1e-10);
      expect(r.trace!.expectedLoss).toHaveLength(steps + 1);
      expect(r.expectedLossPerStep[steps]).toBe(r.expectedLoss);
    });
  }
  it('DropGrad leaves the expected trajectory exactly that of the noiseless optimizer (§3)', () => {
    const base = { x0, steps: 30, lr: () => 0.1, momentum: 0.7 };
    const a = multiStepMoments(q2, { ...base, rates: () => Float64Array.from([0.5, 0.5]), trace: true });
    const b = multiStepMoments(q2, { ...base, rates: () => new Float64Array(2), trace: true });
    expect(a.trace!.mean).toEqual(b.trace!.mean);
    // Without noise the covariance is zero up to rounding of S − mmᵀ (|x|² ≈ 1).
    expect(b.cov.flat().every((v) => Math.abs(v) < 1e-14)).toBe(true);
    expect(a.cov[0][0]).toBeGreaterThan(0);
  });
});

describe('multi-step moments vs Monte-Carlo (z-scores), with additive gradient noise', () => {
  it('heavy ball on a 3-D quadratic, 40 steps, p = 0.3, Σζ given', () => {
    const q3 = quadratic({ H: [[4, 1, 0], [1, 2, 0.5], [0, 0.5, 1]], xStar: [1, 0, -1] });
    const Sigma = [[0.2, 0.05, 0], [0.05, 0.1, 0], [0, 0, 0.3]];
    const chol = new CholeskyDecomposition(new Matrix(Sigma)).lowerTriangularMatrix;
    const chain = withDropGrad(sgd({ lr: 0.1, momentum: 0.5 }), { rate: 0.3 });
    const x0 = [2, -1, 0.5];
    const steps = 40;
    const exact = multiStepMoments(q3, { x0, steps, lr: () => 0.1, momentum: 0.5, rates: () => new Float64Array(3).fill(0.3), noiseCov: new Matrix(Sigma) });
    const n = 4000;
    const xs: number[][] = [[], [], []];
    const loss = new Moments();
    for (let k = 0; k < n; k++) {
      const x = Float64Array.from(x0);
      let s = chain.init(x);
      const source = randomSource(21, k);
      const noise = new KeyedRandom(22, k);
      for (let t = 0; t < steps; t++) {
        const g = q3.gradient(x);
        const z = [0, 1, 2].map((i) => noise.normal(t, i));
        for (let i = 0; i < 3; i++) for (let j = 0; j <= i; j++) g[i] += chol.get(i, j) * z[j];
        const [u, s2] = chain.update(g, s, x, { step: t, source });
        s = s2;
        applyUpdates(x, u);
      }
      for (let i = 0; i < 3; i++) xs[i].push(x[i]);
      loss.push(q3.value(x));
    }
    for (let i = 0; i < 3; i++) {
      const m = new Moments();
      for (const v of xs[i]) m.push(v);
      expectZ(`E[x_${i}] after ${steps} steps`, m.mean, exact.mean[i], m.stderrMean);
      for (let j = 0; j <= i; j++) {
        const c = sampleCov(xs[i], xs[j]);
        expectZ(`Cov(x_${i}, x_${j}) after ${steps} steps`, c.cov, exact.cov[i][j], c.stderr);
      }
    }
    expectZ(`E f(x_${steps})`, loss.mean, exact.expectedLoss, loss.stderrMean);
  });
});

describe('stationary law', () => {
  it('is the limit of the recursion (SGD and Nesterov, with noise and weight decay)', () => {
    const Sigma = new Matrix([[0.3, 0.1], [0.1, 0.2]]);
    for (const o of [
      { momentum: 0, nesterov: false, weightDecay: 0 },
      { momentum: 0.5, nesterov: true, weightDecay: 0.2 },
    ]) {
      const st = stationaryMoments(q2, { lr: 0.05, ...o, rates: Float64Array.from([0.3, 0.3]), noiseCov: Sigma });
      const long = multiStepMoments(q2, { x0: [1, 1], steps: 6000, lr: () => 0.05, ...o, rates: () => Float64Array.from([0.3, 0.3]), noiseCov: Sigma });
      for (let i = 0; i < 2; i++) {
        expect(rel(st.mean[i], long.mean[i])).toBeLessThan(1e-9);
        for (let j = 0; j < 2; j++) expect(rel(st.cov[i][j], long.cov[i][j], 1e-3)).toBeLessThan(1e-9);
      }
      expect(rel(st.expectedLoss, long.expectedLoss)).toBeLessThan(1e-9);
    }
  });
  it('SGD in 1-D: S = η²(σ² + (p/q)σ²)/(1 − (1 − ηh)² − η²h²p/q)', () => {
    const h = 2;
    const eta = 0.2;
    const p = 0.3;
    const s2 = 0.5;
    const st = stationaryMoments(quadratic({ H: [[h]] }), { lr: eta, rates: Float64Array.from([p]), noiseCov: new Matrix([[s2]]) });
    const r = p / (1 - p);
    expect(rel(st.cov[0][0], (eta * eta * s2 * (1 + r)) / (1 - (1 - eta * h) ** 2 - eta * eta * h * h * r))).toBeLessThan(1e-12);
  });
});
