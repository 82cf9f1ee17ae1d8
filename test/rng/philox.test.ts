/** Philox4x32-10 against the known-answer vectors published with Random123 (kat_vectors). */
import { describe, expect, it } from 'vitest';
import { philox4x32 } from '../../src/rng/philox.ts';
import { boxMuller, boxMullerSin } from '../../src/rng/normal.ts';
import { KeyedRandom, STREAM_MASK, STREAM_REFINE, checkSeed, maskSteps, threshold } from '../../src/rng/keyed.ts';

const hex = (w: Uint32Array) => Array.from(w, (x) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 known answers', () => {
  const kat: [number[], number[], string][] = [
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ];
  for (const [c, k, expected] of kat) {
    it(`counter ${c.map((x) => x.toString(16)).join(',')} key ${k.map((x) => x.toString(16)).join(',')}`, () => {
      expect(hex(philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], new Uint32Array(4)))).toBe(expected);
    });
  }
});

describe('keyed stream', () => {
  it('is a pure function of (seed, trajectory, step, coordinate): order of access does not matter', () => {
    const a = new KeyedRandom(42, 7);
    const forward = Array.from({ length: 9 }, (_, i) => a.word(3, i, STREAM_MASK));
    const b = new KeyedRandom(42, 7);
    const backward = Array.from({ length: 9 }, (_, i) => b.word(3, 8 - i, STREAM_MASK)).reverse();
    expect(backward).toEqual(forward);
    const c = new KeyedRandom(42, 7);
    c.word(99, 0, STREAM_MASK);
    expect(c.word(3, 5, STREAM_MASK)).toBe(forward[5]);
  });
  it('word (step, coord) is word coord mod 4 of the block counter (coord/4, step, trajectory, stream), key = seed halves', () => {
    const seed = 2 ** 40 + 12345;
    const r = new KeyedRandom(seed, 11);
    const block = philox4x32(1, 6, 11, STREAM_MASK, seed >>> 0, Math.floor(seed / 2 ** 32), new Uint32Array(4));
    expect(r.word(6, 6, STREAM_MASK)).toBe(block[2]);
  });
  it('mask decisions: halves of the mask stream, S = ⌊8/d⌋ steps per counter step for d ≤ 8, refined by the refine stream', () => {
    const seed = 77;
    const r = new KeyedRandom(seed, 5);
    const block = (b: number, step: number, stream = STREAM_MASK) => philox4x32(b, step, 5, stream, seed, 0, new Uint32Array(4));
    const half = (b: Uint32Array, j: number) => (j & 1 ? b[j >> 1] >>> 16 : b[j >> 1] & 0xffff);
    const word = (b: number, step: number, j: number) => half(block(b, step), j) * 65536 + half(block(b, step, STREAM_REFINE), j);
    // d = 1: step t is half t mod 8 of counter step ⌊t/8⌋.
    expect([0, 1, 7, 8, 19].map((t) => r.maskWord(t, 0, 1))).toEqual([word(0, 0, 0), word(0, 0, 1), word(0, 0, 7), word(0, 1, 0), word(0, 2, 3)]);
    // d = 2: (t, i) is half 2(t mod 4) + i of counter step ⌊t/4⌋.
    expect([r.maskWord(13, 0, 2), r.maskWord(13, 1, 2), r.maskWord(15, 1, 2)]).toEqual([word(0, 3, 2), word(0, 3, 3), word(0, 3, 7)]);
    // d = 3: two steps per counter step (halves 0–5); d = 6: one; d = 12: half i mod 8 of block ⌊i/8⌋.
    expect([r.maskWord(5, 0, 3), r.maskWord(5, 2, 3)]).toEqual([word(0, 2, 3), word(0, 2, 5)]);
    expect(r.maskWord(4, 5, 6)).toBe(word(0, 4, 5));
    expect(r.maskWord(4, 10, 12)).toBe(word(1, 4, 2));
    expect([1, 2, 3, 4, 5, 8, 9, 100].map(maskSteps)).toEqual([8, 4, 2, 2, 1, 1, 1, 1]);
    // kept(thr) ⇔ W ≥ thr, including thresholds whose high half equals H (where R decides).
    for (const [t, i, d] of [[0, 0, 1], [13, 1, 2], [5, 2, 3], [4, 10, 12]]) {
      const w = r.maskWord(t, i, d);
      for (const thr of [0, w, w + 1, w - 1, (Math.floor(w / 65536) << 16) >>> 0, Math.floor(w / 65536) * 65536 + 65535, 2 ** 32 - 1]) {
        expect(r.kept(t, i, d, thr), `W = ${w}, thr = ${thr}`).toBe(w >= thr);
      }
    }
  });
  it('uniform words have the right mean and variance (1e5 samples, |z| < 4)', () => {
    const r = new KeyedRandom(1, 0);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.word(i >>> 3, i & 7, STREAM_MASK) / 2 ** 32;
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs((mean - 0.5) / Math.sqrt(1 / 12 / n))).toBeLessThan(4);
    // Var of u² is 1/5 − 1/9 = 4/45; the sample variance's standard error is about √((1/80 − 1/144)/n).
    expect(Math.abs((variance - 1 / 12) / Math.sqrt((1 / 80 - 1 / 144) / n))).toBeLessThan(4);
  });
  it('keep decisions: frequency 1 − p, and the decisions that share a block are independent (|z| < 4)', () => {
    // Trajectories × steps of a 2-D problem: (t, 0) and (t, 1) are halves of one word, t and t + 1 share a block.
    for (const p of [0.1, 1 / 3, 0.5, 0.9]) {
      const thr = threshold(p);
      const q = 1 - thr / 2 ** 32;
      let kept = 0;
      let both = 0;
      let next = 0;
      let n = 0;
      for (let traj = 0; traj < 500; traj++) {
        const r = new KeyedRandom(4, traj);
        for (let t = 0; t < 80; t += 2) {
          const a = r.kept(t, 0, 2, thr);
          const b = r.kept(t, 1, 2, thr);
          const c = r.kept(t + 1, 0, 2, thr);
          kept += Number(a) + Number(b);
          both += Number(a && b);
          next += Number(a && c);
          n++;
        }
      }
      const z = (hits: number, trials: number, prob: number) => (hits / trials - prob) / Math.sqrt((prob * (1 - prob)) / trials);
      expect(Math.abs(z(kept, 2 * n, q)), `keep frequency, p = ${p}`).toBeLessThan(4);
      expect(Math.abs(z(both, n, q * q)), `coordinates 0 and 1 together, p = ${p}`).toBeLessThan(4);
      expect(Math.abs(z(next, n, q * q)), `steps t and t + 1 together, p = ${p}`).toBeLessThan(4);
    }
  });
  it('Box–Muller normals have mean 0, variance 1, fourth moment 3 (|z| < 4)', () => {
    const r = new KeyedRandom(9, 3);
    const n = 100_000;
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal(i >>> 4, i & 15);
      m1 += z;
      m2 += z * z;
      m4 += z ** 4;
    }
    expect(Math.abs(m1 / n / Math.sqrt(1 / n))).toBeLessThan(4);
    expect(Math.abs((m2 / n - 1) / Math.sqrt(2 / n))).toBeLessThan(4);
    expect(Math.abs((m4 / n - 3) / Math.sqrt(96 / n))).toBeLessThan(4);
    expect(Number.isFinite(boxMuller(0xffffffff, 0)) && Number.isFinite(boxMuller(0, 0))).toBe(true);
    // A pair's two normals (coordinates 2m, 2m + 1: R cos θ, R sin θ of the same words) are independent:
    // E[z₀z₁] = 0 (variance 1) and E[z₀²z₁²] = 1 (variance E z⁴·E z⁴ − 1 = 8).
    let c1 = 0;
    let c2 = 0;
    for (let i = 0; i < n; i++) {
      const [a, b] = [r.normal(i, 2), r.normal(i, 3)];
      c1 += a * b;
      c2 += a * a * b * b;
    }
    expect(Math.abs(c1 / n / Math.sqrt(1 / n))).toBeLessThan(4);
    expect(Math.abs((c2 / n - 1) / Math.sqrt(8 / n))).toBeLessThan(4);
  });
  it("Box–Muller with the toolkit's own log and cos: within 4e-16·(1 + |z|) of Math's formula over 100,000 word pairs", () => {
    const words = new Uint32Array(4);
    let worst = 0;
    for (let k = 0; k < 25_000; k++) {
      philox4x32(k, 3, 7, 1, 11, 13, words);
      for (const [a, b] of [[words[0], words[1]], [words[2], words[3]], [words[1], words[2]], [words[3], words[0]]]) {
        const u1 = (a + 1) * 2 ** -32;
        const ref = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * (b * 2 ** -32));
        worst = Math.max(worst, Math.abs(boxMuller(a, b) - ref) / (1 + Math.abs(ref)));
      }
    }
    expect(worst).toBeLessThan(4e-16);
    // The pair's sine half, likewise.
    let worstSin = 0;
    for (let k = 0; k < 25_000; k++) {
      philox4x32(k, 5, 7, 1, 11, 13, words);
      for (const [a, b] of [[words[0], words[1]], [words[2], words[3]]]) {
        const ref = Math.sqrt(-2 * Math.log((a + 1) * 2 ** -32)) * Math.sin(2 * Math.PI * (b * 2 ** -32));
        worstSin = Math.max(worstSin, Math.abs(boxMullerSin(a, b) - ref) / (1 + Math.abs(ref)));
      }
    }
    expect(worstSin).toBeLessThan(4e-16);
    // The extremes of u1: 2⁻³² (z = √(64 ln 2) ≈ 6.66 at u2 = 0) and 1 (z = 0).
    expect(boxMuller(0, 0)).toBeCloseTo(Math.sqrt(64 * Math.LN2), 14);
    expect(Math.abs(boxMuller(0xffffffff, 0))).toBe(0);
  });
  it('rejects seeds that are not safe non-negative integers', () => {
    expect(() => checkSeed(-1)).toThrow(/seed = -1 is invalid: expected an integer in \[0, /);
    expect(() => checkSeed(1.5)).toThrow(/seed = 1.5/);
    expect(() => new KeyedRandom(2 ** 60, 0)).toThrow(/seed/);
  });
});
