/**
 * Adaptive methods under a constant gradient (docs/theory.md §4): exact enumeration of mask histories against
 * Monte-Carlo (z-scores), Adam's exact moment identities, Lion's exact law, and the leading-order √(1 − p) law.
 */
import { describe, expect, it } from 'vitest';
import { adamDeltaMethod, enumerateConstantGradient, lionConstantGradientMean, lionExpectedSign, updateLaw, updateMoments } from '../../src/analysis/index.ts';
import {
  type AnyTransformation,
  type GradientTransformation,
  OPTIMIZER_NAMES,
  adam,
  chain,
  dropGrad,
  lion,
  makeOptimizer,
  randomSource,
  scaleByAdam,
  withDropGrad,
  type AdamState,
} from '../../src/optimizers/index.ts';
import { Moments, expectZ, stderrVariance } from '../helpers/stats.ts';

const G = [1, -0.5, 2];

function simulate(c: AnyTransformation, steps: number, n: number, seed: number): Moments[] {
  const out = G.map(() => new Moments());
  const g = Float64Array.from(G);
  for (let k = 0; k < n; k++) {
    const x = new Float64Array(G.length);
    let s = c.init(x);
    let u: Float64Array = new Float64Array(G.length);
    for (let t = 0; t < steps; t++) {
      [u, s] = c.update(g, s, x, { step: t, source: randomSource(seed, k) });
      for (let i = 0; i < x.length; i++) x[i] += u[i];
    }
    u.forEach((v, i) => out[i].push(v));
  }
  return out;
}

describe('exact enumeration of mask histories vs Monte-Carlo', () => {
  for (const name of OPTIMIZER_NAMES) {
    it(`${name}, step 8, p = 0.35, with weight decay where the optimizer has it`, () => {
      const wd = name === 'adamw' || name === 'lion' ? 0.1 : name === 'sgd' ? 0 : 0.05;
      const c = withDropGrad(makeOptimizer({ name, lr: 0.1, weightDecay: wd }), { rate: 0.35 });
      const exact = enumerateConstantGradient(c, [0.5, -0.2, 0.1], G, 8);
      expect(exact.histories).toBe(2 ** 8);
      const mc = G.map(() => new Moments());
      const g = Float64Array.from(G);
      for (let k = 0; k < 20_000; k++) {
        const x = Float64Array.from([0.5, -0.2, 0.1]);
        let s = c.init(x);
        let u: Float64Array = new Float64Array(3);
        for (let t = 0; t < 8; t++) {
          [u, s] = c.update(g, s, x, { step: t, source: randomSource(31, k) });
          for (let i = 0; i < 3; i++) x[i] += u[i];
        }
        u.forEach((v, i) => mc[i].push(v));
      }
      for (let i = 0; i < 3; i++) {
        expectZ(`${name} E[Δ_8,${i}]`, mc[i].mean, exact.meanUpdate[i], mc[i].stderrMean);
        expectZ(`${name} Var(Δ_8,${i})`, mc[i].variance, exact.varUpdate[i], stderrVariance(mc[i].mu4, exact.varUpdate[i], mc[i].n));
      }
    });
  }
  it('full-update drop enumerates 3^t histories and matches Monte-Carlo', () => {
    const c = withDropGrad(adam({ lr: 0.1 }), { rate: 0.3, fullUpdateDrop: 0.2 });
    const exact = enumerateConstantGradient(c, [0, 0, 0], G, 6);
    expect(exact.histories).toBe(3 ** 6);
    const mc = simulate(c, 6, 20_000, 8);
    for (let i = 0; i < 3; i++) expectZ(`skip E[Δ_6,${i}]`, mc[i].mean, exact.meanUpdate[i], mc[i].stderrMean);
  });
});

/** A probe link: Adam's real state after the update, reported as the bias-corrected moments (m̂, v̂). */
function adamProbe(which: 'mhat' | 'vhat', b1 = 0.9, b2 = 0.999): GradientTransformation<AdamState> {
  const inner = scaleByAdam(b1, b2);
  return {
    name: 'probe',
    init: inner.init,
    update(g, s, p, ctx) {
      const [, st] = inner.update(g, s, p, ctx);
      const bc = which === 'mhat' ? 1 - b1 ** st.count : 1 - b2 ** st.count;
      return [Float64Array.from(which === 'mhat' ? st.mu : st.nu, (v) => v / bc), st];
    },
  };
}

describe('Adam under a constant gradient (§4)', () => {
  const p = 0.3;
  const q = 1 - p;
  it('E[m̂_t] = g and E[v̂_t] = g²/q exactly, for every t; Var(m_t) = (1−β₁)²(1−β₁^{2t})/(1−β₁²)·g²p/q', () => {
    for (const t of [1, 5, 12]) {
      const m = enumerateConstantGradient(chain(dropGrad({ rate: p }), adamProbe('mhat')), [0, 0, 0], G, t);
      const v = enumerateConstantGradient(chain(dropGrad({ rate: p }), adamProbe('vhat')), [0, 0, 0], G, t);
      G.forEach((g, i) => {
        expect(Math.abs(m.meanUpdate[i] - g)).toBeLessThan(1e-12);
        expect(Math.abs(v.meanUpdate[i] - (g * g) / q) / ((g * g) / q)).toBeLessThan(1e-12);
        const bc1 = 1 - 0.9 ** t;
        const varM = ((0.1 ** 2 * (1 - 0.9 ** (2 * t))) / (1 - 0.81)) * ((g * g * p) / q);
        expect(Math.abs(m.varUpdate[i] * bc1 * bc1 - varM) / varM).toBeLessThan(1e-10);
      });
    }
  });
  it('√(1 − p) law: the exact mean step at t = 16 is within 0.5% of √q times the step without DropGrad; the delta method within 0.05%', () => {
    const t = 16;
    const exact = enumerateConstantGradient(withDropGrad(adam({ lr: 1 }), { rate: p }), [0, 0, 0], G, t);
    G.forEach((g, i) => {
      const ratio = -exact.meanUpdate[i] / Math.sign(g);
      expect(Math.abs(ratio - Math.sqrt(q)) / Math.sqrt(q)).toBeLessThan(0.005);
      expect(Math.abs(exact.meanUpdate[i] - adamDeltaMethod(g, p, t, 1)) / Math.abs(exact.meanUpdate[i])).toBeLessThan(5e-4);
    });
  });
  it('reference value: the mean step at t = 100 with p = 0.3 is ≈ 0.836η (Monte-Carlo vs the delta method, z-score)', () => {
    const mc = simulate(withDropGrad(adam({ lr: 1 }), { rate: p }), 100, 6000, 77);
    expectZ('Adam mean step at t = 100 vs delta method', -mc[0].mean, -adamDeltaMethod(1, p, 100, 1), mc[0].stderrMean);
    expectZ('Adam mean step at t = 100 vs 0.836', -mc[0].mean, 0.836, mc[0].stderrMean);
  });
});

describe('the √q law for the other adaptive methods, and where it fails', () => {
  const p = 0.3;
  const ratio = (opt: AnyTransformation, t: number) => {
    const a = enumerateConstantGradient(withDropGrad(opt, { rate: p }), [0, 0, 0], G, t).meanUpdate;
    const b = enumerateConstantGradient(withDropGrad(opt, { rate: 0 }), [0, 0, 0], G, t).meanUpdate;
    return Array.from(a, (v, i) => v / b[i]);
  };
  it('Adagrad and RMSprop: within 1% of √q at t = 16', () => {
    for (const opt of [makeOptimizer({ name: 'adagrad' }), makeOptimizer({ name: 'rmsprop' })]) {
      for (const r of ratio(opt, 16)) expect(Math.abs(r - Math.sqrt(1 - p)) / Math.sqrt(1 - p)).toBeLessThan(0.01);
    }
  });
  it('Adadelta: the √q law fails: the ratio is already 0.68 at t = 16 and keeps falling (the numerator accumulator stops growing under DropGrad)', () => {
    const r16 = ratio(makeOptimizer({ name: 'adadelta' }), 16);
    for (const r of r16) expect(r).toBeLessThan(Math.sqrt(1 - p) - 0.1);
    const r8 = ratio(makeOptimizer({ name: 'adadelta' }), 8);
    expect(r16[0]).toBeLessThan(r8[0]);
  });
});

describe('Lion (§4)', () => {
  it('constant gradient: E[Δ_t] = −η sign(g)(1 − p^t) exactly', () => {
    for (const p of [0.1, 0.5, 0.8]) {
      for (const t of [1, 3, 10]) {
        const e = enumerateConstantGradient(withDropGrad(lion({ lr: 0.01 }), { rate: p }), [0, 0, 0], G, t);
        G.forEach((g, i) => expect(Math.abs(e.meanUpdate[i] - lionConstantGradientMean(g, p, t, 0.01))).toBeLessThan(1e-15));
      }
    }
  });
  it('momentum-follow: E[sign(c_i)] = q sign(β₁m + (1−β₁)g/q) + p sign(β₁m), from the two-point law of the chain', () => {
    const c = withDropGrad(lion({ lr: 1 }), { rate: 0.4 });
    const state = [{}, [{ mu: Float64Array.from([0.5, -0.02, 0.3]) }, {}, {}]];
    const g = Float64Array.from([-1, 1, 0.2]);
    const m = updateMoments(updateLaw({ chain: c, state, x: new Float64Array(3), grad: g }));
    [0.5, -0.02, 0.3].forEach((mu, i) => expect(m.mean[i]).toBeCloseTo(-lionExpectedSign(mu, g[i], 0.4), 14));
    // Signs disagree on coordinate 0: the dropped branch follows momentum, so the mean step is damped toward it.
    expect(Math.sign(m.mean[0])).toBe(-1);
  });
});
