/**
 * The tests the report's agreement section uses (src/analysis/hypothesis.ts) and the independent generator
 * (mt19937Source), checked against what they must reduce to.
 */
import { describe, expect, it } from 'vitest';
import { hotelling, hotellingTwo, zPValue } from '../../src/analysis/hypothesis.ts';
import { mt19937Source } from '../../src/optimizers/mt19937.ts';
import { expectZ } from '../helpers/stats.ts';

describe('joint tests', () => {
  it('in one dimension Hotelling T² is z², and its F(1, n − 1) p-value the two-sided normal one for large n', () => {
    for (const z of [0.3, 1.7, 2.9]) {
      const n = 1_000_000;
      const sd = 2;
      const t = hotelling([1 + (z * sd) / Math.sqrt(n)], [1], [[sd * sd]], n);
      expect(t.t2).toBeCloseTo(z * z, 9);
      expect(t.p).toBeCloseTo(zPValue(z), 4);
    }
    expect(zPValue(1.959963984540054)).toBeCloseTo(0.05, 12);
  });
  it('no difference: T² = 0, p = 1; a coordinate without variance must match exactly', () => {
    expect(hotelling([1, 2], [1, 2], [[1, 0.2], [0.2, 1]], 100)).toMatchObject({ t2: 0, p: 1 });
    expect(hotelling([1, 2], [1, 2.5], [[1, 0], [0, 0]], 100).p).toBe(0);
    expect(hotelling([1, 2], [1, 2], [[1, 0], [0, 0]], 100)).toMatchObject({ df1: 1, p: 1 });
  });
  it('correlated coordinates: T² uses the inverse covariance (a difference along the tight direction weighs more)', () => {
    const cov = [[1, 0.9], [0.9, 1]];
    const along = hotelling([0.1, 0.1], [0, 0], cov, 100).t2; // along the loose direction (1, 1)
    const across = hotelling([0.1, -0.1], [0, 0], cov, 100).t2; // across it (1, −1): variance 0.1, not 1.9
    expect(across / along).toBeCloseTo(1.9 / 0.1, 9);
  });
  it('two samples of the same law: the two-sample T² p-value is roughly uniform (mean 1/2 over 200 repetitions)', () => {
    let s = 12345;
    const u = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296;
    };
    const draw = (n: number) => {
      const xs = Array.from({ length: n }, () => [u(), u() + u()]);
      const mean = [0, 1].map((i) => xs.reduce((a, x) => a + x[i], 0) / n);
      const cov = mean.map((mi, i) => mean.map((mj, j) => xs.reduce((a, x) => a + (x[i] - mi) * (x[j] - mj), 0) / (n - 1)));
      return { mean, cov, n };
    };
    const ps = Array.from({ length: 200 }, () => {
      const a = draw(300);
      const b = draw(400);
      return hotellingTwo(a.mean, a.cov, a.n, b.mean, b.cov, b.n).p;
    });
    const m = ps.reduce((a, b) => a + b, 0) / ps.length;
    expectZ('mean p-value', m, 0.5, Math.sqrt(1 / 12 / ps.length));
  });
});

describe('the independent generator (MT19937)', () => {
  it('keeps a coordinate with probability 1 − p, skips with probability r, normals with mean 0 and variance 1', () => {
    const src = mt19937Source(7, 3);
    const n = 100_000;
    let kept = 0;
    let skipped = 0;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < n; k++) {
      if (src.keep(k, 0, 0.3, 2)) kept++;
      if (src.skip(k, 0.1)) skipped++;
      const z = src.normal(k, 0);
      s1 += z;
      s2 += z * z;
    }
    expectZ('kept fraction', kept / n, 0.7, Math.sqrt((0.7 * 0.3) / n));
    expectZ('skipped fraction', skipped / n, 0.1, Math.sqrt((0.1 * 0.9) / n));
    expectZ('normal mean', s1 / n, 0, Math.sqrt(1 / n));
    expectZ('normal variance', s2 / n, 1, Math.sqrt(2 / n));
    expect(src.keep(0, 0, 0, 2)).toBe(true);
  });
});
