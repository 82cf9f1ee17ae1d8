/** Philox4x32-10 against the known-answer vectors published with Random123 (kat_vectors). */
import { describe, expect, it } from 'vitest';
import { philox4x32 } from '../../src/rng/philox.ts';
import { KeyedRandom, STREAM_MASK, boxMuller, checkSeed, maskSteps } from '../../src/rng/keyed.ts';

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
  it('mask words: 1-D and 2-D problems share a block between 4 and 2 steps, others use one block per 4 coordinates per step', () => {
    const seed = 77;
    const r = new KeyedRandom(seed, 5);
    const block = (b: number, step: number) => philox4x32(b, step, 5, STREAM_MASK, seed, 0, new Uint32Array(4));
    // d = 1: step t is word t mod 4 of counter step ⌊t/4⌋.
    expect([0, 1, 2, 3, 4, 9].map((t) => r.mask(t, 0, 1))).toEqual([...block(0, 0), block(0, 1)[0], block(0, 2)[1]]);
    // d = 2: (t, i) is word 2(t mod 2) + i of counter step ⌊t/2⌋.
    expect([r.mask(6, 0, 2), r.mask(6, 1, 2), r.mask(7, 0, 2), r.mask(7, 1, 2)]).toEqual([...block(0, 3)]);
    // d = 3 and d = 6: word i mod 4 of block ⌊i/4⌋ at counter step t.
    expect([0, 1, 2].map((i) => r.mask(4, i, 3))).toEqual([...block(0, 4)].slice(0, 3));
    expect(r.mask(4, 5, 6)).toBe(block(1, 4)[1]);
    expect(maskSteps(1)).toBe(4);
    expect(maskSteps(2)).toBe(2);
    expect(maskSteps(3)).toBe(1);
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
  });
  it('rejects seeds that are not safe non-negative integers', () => {
    expect(() => checkSeed(-1)).toThrow(/seed = -1 is invalid: expected an integer in \[0, /);
    expect(() => checkSeed(1.5)).toThrow(/seed = 1.5/);
    expect(() => new KeyedRandom(2 ** 60, 0)).toThrow(/seed/);
  });
});
