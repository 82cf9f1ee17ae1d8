/** DropGrad link, its variants, schedules and the input checks of the foundation issue. */
import { describe, expect, it } from 'vitest';
import {
  ALL_DROPPED,
  ALL_KEPT,
  CosineAnnealingDropRateScheduler,
  CyclicalDropRateScheduler,
  LinearDropRateScheduler,
  LinearSchedule,
  StepDropRateScheduler,
  adam,
  applyUpdates,
  dropGrad,
  lion,
  makeOptimizer,
  maskSource,
  randomSource,
  sgd,
  scaleByAdam,
  skipUpdates,
  withDropGrad,
  type AnyTransformation,
  type DropSource,
} from '../../src/optimizers/index.ts';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../src/optimizers/optimizers.ts';

const G = Float64Array.from([1.5, -2, 0.25, 3]);
const X = Float64Array.from([0.1, 0.2, -0.3, 0.4]);

function run(opt: AnyTransformation, source: DropSource, steps: number, grad = (t: number) => G.map((g) => g * Math.cos(t + g))) {
  const x = Float64Array.from(X);
  let s = opt.init(x);
  for (let t = 0; t < steps; t++) {
    const [u, s2] = opt.update(grad(t), s, x, { step: t, source });
    s = s2;
    applyUpdates(x, u);
  }
  return x;
}

const spec = (name: OptimizerName) => makeOptimizer({ name, lr: 0.05, momentum: name === 'sgd' ? 0.9 : undefined });

describe('DropGrad link', () => {
  it('p = 0 is bit-identical to the base optimizer, for every optimizer and seed', () => {
    for (const name of OPTIMIZER_NAMES) {
      const base = run(spec(name), randomSource(1), 20);
      const dropped = run(withDropGrad(spec(name), { rate: 0 }), randomSource(7, 3), 20);
      expect(Array.from(dropped), name).toEqual(Array.from(base));
    }
  });
  it('keeps g/q or drops to 0 per coordinate', () => {
    const link = dropGrad({ rate: 0.2 });
    const [kept] = link.update(G, link.init(X), X, { step: 0, source: ALL_KEPT });
    const [dropped] = link.update(G, link.init(X), X, { step: 0, source: ALL_DROPPED });
    expect(Array.from(kept)).toEqual(Array.from(G, (g) => g / 0.8));
    expect(Array.from(dropped)).toEqual([0, 0, 0, 0]);
  });
  it('is unbiased with the Bernoulli and the Gaussian variant; both have variance g² p/q (|z| < 4 over 40,000 draws)', () => {
    const p = 0.3;
    for (const variant of ['bernoulli', 'gaussian'] as const) {
      const link = dropGrad({ rate: p, variant });
      const n = 40_000;
      const s1 = new Float64Array(4);
      const s2 = new Float64Array(4);
      for (let k = 0; k < n; k++) {
        const [g] = link.update(G, {}, X, { step: k, source: randomSource(11, 0) });
        for (let i = 0; i < 4; i++) {
          s1[i] += g[i];
          s2[i] += g[i] * g[i];
        }
      }
      for (let i = 0; i < 4; i++) {
        const variance = (G[i] * G[i] * p) / (1 - p);
        const mean = s1[i] / n;
        const zMean = (mean - G[i]) / Math.sqrt(variance / n);
        expect(Math.abs(zMean), `${variant} mean of coordinate ${i}: z = ${zMean}`).toBeLessThan(4);
        // E[g̃²] = g²/q; Var(g̃²) from the fourth moment: Bernoulli g⁴(1/q³ − 1/q²); Gaussian g⁴(E ξ⁴ − (E ξ²)²).
        const s = p / (1 - p);
        const m4 = variant === 'bernoulli' ? 1 / (1 - p) ** 3 : 1 + 6 * s + 3 * s * s;
        const m2 = 1 + s;
        const zSq = (s2[i] / n - G[i] ** 2 * m2) / Math.sqrt((G[i] ** 4 * (m4 - m2 * m2)) / n);
        expect(Math.abs(zSq), `${variant} second moment of coordinate ${i}: z = ${zSq}`).toBeLessThan(4);
      }
    }
  });
  it('uses per-group rates keyed by group name, with the default elsewhere', () => {
    const link = dropGrad({ rate: 0.1, groups: { embeddings: { indices: [0, 2], rate: 0.5 }, head: { indices: [3], rate: 0 } } });
    expect(Array.from(link.rates(0, 4))).toEqual([0.5, 0.1, 0.5, 0]);
    const [g] = link.update(G, {}, X, { step: 0, source: ALL_KEPT });
    expect(Array.from(g)).toEqual([G[0] / 0.5, G[1] / 0.9, G[2] / 0.5, G[3]]);
    expect(() => link.update(Float64Array.from([1, 2]), {}, X, { step: 0, source: ALL_KEPT })).toThrow(/DropGrad group index = 3 is invalid: expected an index < 2/);
  });
  it('follows a drop-rate schedule by global step', () => {
    const link = dropGrad({ rate: new LinearDropRateScheduler(0.5, 0.1, 4) });
    [0.5, 0.4, 0.3, 0.2, 0.1, 0.1].forEach((v, t) => {
      expect(link.rates(t, 1)[0]).toBeCloseTo(v, 15);
    });
  });
  it('full-update drop skips the step: parameters and state (Adam count) untouched', () => {
    const opt = skipUpdates(adam({ lr: 0.1 }), 0.5);
    const state = opt.init(X);
    const skipAll: DropSource = { ...ALL_KEPT, skip: () => true };
    const [u, s] = opt.update(G, state, X, { step: 0, source: skipAll });
    expect(Array.from(u)).toEqual([0, 0, 0, 0]);
    expect(s).toBe(state);
    // With a random source the skip frequency is r (|z| < 4 over 20,000 steps).
    let skipped = 0;
    const n = 20_000;
    const src = randomSource(5);
    for (let t = 0; t < n; t++) if (src.skip(t, 0.5)) skipped++;
    expect(Math.abs((skipped / n - 0.5) / Math.sqrt(0.25 / n))).toBeLessThan(4);
    expect(opt.describeDrop?.(0, 4)?.skipRate).toBe(0.5);
  });
  it('a fixed mask history reproduces the chain update of masked gradients', () => {
    const masks = [
      [1, 0, 1, 1],
      [0, 0, 1, 0],
      [1, 1, 1, 1],
    ];
    const viaMask = run(withDropGrad(lion({ lr: 0.1 }), { rate: 0.25 }), maskSource(masks), 3, () => G);
    const manual = run(lion({ lr: 0.1 }), ALL_KEPT, 3, (t) => G.map((g, i) => (masks[t][i] * g) / 0.75));
    expect(Array.from(viaMask)).toEqual(Array.from(manual));
  });
  it('reports its description for the analysis through any chain', () => {
    const opt = withDropGrad(sgd({ lr: 0.1, momentum: 0.9 }), { rate: 0.2, variant: 'gaussian', fullUpdateDrop: 0.1 });
    const d = opt.describeDrop?.(0, 3);
    expect(d?.variant).toBe('gaussian');
    expect(Array.from(d!.rates)).toEqual([0.2, 0.2, 0.2]);
    expect(d?.skipRate).toBe(0.1);
  });
});

describe('schedules stay within their bounds and have the stated shapes', () => {
  it('linear, cosine, step, cyclical', () => {
    const cos = new CosineAnnealingDropRateScheduler(0.5, 0.1, 10);
    expect(cos.at(0)).toBe(0.5);
    expect(cos.at(10)).toBeCloseTo(0.1, 15);
    expect(cos.at(5)).toBeCloseTo(0.3, 15);
    const st = new StepDropRateScheduler(0.3, { 10: 0.2, 5: 0.25 });
    expect([0, 4, 5, 9, 10, 100].map((t) => st.at(t))).toEqual([0.3, 0.3, 0.25, 0.25, 0.2, 0.2]);
    const cyc = new CyclicalDropRateScheduler(0.1, 0.5, 4);
    [0.1, 0.3, 0.5, 0.3, 0.1].forEach((v, k) => {
      expect(cyc.at(2 * k)).toBeCloseTo(v, 15);
    });
    for (const s of [cos, st, cyc, new LinearDropRateScheduler(0.4, 0, 7)]) {
      for (let t = 0; t < 50; t++) {
        expect(s.at(t)).toBeGreaterThanOrEqual(s.min);
        expect(s.at(t)).toBeLessThanOrEqual(s.max);
      }
    }
  });
});

describe('invalid input gets a clear error naming parameter, value and range', () => {
  it('drop rate outside [0, 1), pointing to full-update drop for 1', () => {
    expect(() => dropGrad({ rate: 1 })).toThrow(
      'dropRate = 1 is invalid: expected a number in [0, 1) (a drop rate of 1 would divide the kept gradients by 1 − p = 0; to skip whole steps use full-update drop)',
    );
    expect(() => dropGrad({ rate: -0.1 })).toThrow(/dropRate = -0.1 is invalid: expected a number in \[0, 1\)/);
    expect(() => dropGrad({ rate: Number.NaN })).toThrow(/dropRate = NaN/);
    expect(() => new LinearDropRateScheduler(0.5, 1.2, 10)).toThrow(/drop rate \(maximum over the schedule\) = 1.2/);
    expect(() => dropGrad({ groups: { a: { indices: [0], rate: 1 } } })).toThrow(/groups.a.rate = 1/);
    expect(() => skipUpdates(sgd({ lr: 1 }), 1)).toThrow(/fullUpdateDrop = 1/);
    expect(() => dropGrad({ variant: 'uniform' as 'gaussian' })).toThrow(/variant = "uniform" is invalid: expected "bernoulli" or "gaussian"/);
  });
  it('negative or non-finite learning rate', () => {
    expect(() => sgd({ lr: -0.1 })).toThrow('lr = -0.1 is invalid: expected a finite number ≥ 0');
    expect(() => adam({ lr: Number.POSITIVE_INFINITY })).toThrow(/lr = Infinity is invalid/);
    expect(() => sgd({ lr: new LinearSchedule(0.1, -0.1, 10) })).toThrow(/lr \(minimum over the schedule\) = -0.1/);
    expect(() => makeOptimizer({ name: 'sgd', lr: Number.NaN })).toThrow(/lr = NaN is invalid: expected a finite number ≥ 0/);
  });
  it('betas and momentum outside [0, 1)', () => {
    expect(() => adam({ betas: [1, 0.999] })).toThrow('beta1 = 1 is invalid: expected a number in [0, 1)');
    expect(() => lion({ betas: [0.9, -0.5] })).toThrow(/beta2 = -0.5/);
    expect(() => sgd({ lr: 0.1, momentum: 1.5 })).toThrow(/momentum = 1.5/);
    expect(() => sgd({ lr: 0.1, nesterov: true })).toThrow(/nesterov = true is invalid: expected momentum > 0 and dampening = 0/);
    expect(() => scaleByAdam(0.9, 0.999, 0)).toThrow(/eps = 0 is invalid: expected a finite number > 0/);
    expect(() => makeOptimizer({ name: 'adamax' as 'adam' })).toThrow(/optimizer = "adamax" is invalid: expected sgd \| adam/);
  });
  it('length mismatch between gradients and state', () => {
    const opt = adam();
    const state = opt.init(X);
    expect(() => opt.update(Float64Array.from([1, 2]), state, X, { step: 0, source: ALL_KEPT })).toThrow(
      /gradient length = 2 is invalid: expected 4 \(the length of the parameter vector|gradient length = 2 is invalid: expected 4/,
    );
  });
});
