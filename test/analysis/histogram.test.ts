/**
 * Loss-band histograms: the bin of a loss is ⌊64·(log₁₀|ℓ| + 16)⌋ on its sign's side, computed from the float's
 * exponent and a polynomial in its mantissa; checked against Math.log10 away from bin edges (the polynomial's
 * error is below 2e-8 decades, so only losses within 1e-6 decades of an edge may fall on the other side).
 */
import { describe, expect, it } from 'vitest';
import { BINS_PER_DECADE, HIST_BINS, LOG_MIN, ZERO, binOf, binValue, histogramQuantiles } from '../../src/analysis/mc/histogram.ts';

const reference = (l: number) => {
  const a = Math.abs(l);
  if (a < 1e-16) return ZERO;
  const k = Math.min(Math.floor((Math.log10(a) - LOG_MIN) * BINS_PER_DECADE), (HIST_BINS - 1) / 2 - 1);
  return l > 0 ? ZERO + 1 + k : ZERO - 1 - k;
};

describe('loss histogram bins', () => {
  it('agree with Math.log10 for 200,000 losses over 32 decades, both signs', () => {
    let checked = 0;
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 0; n < 200_000; n++) {
      const l = (rand() < 0.5 ? -1 : 1) * 10 ** (-15.9 + 31.8 * rand());
      const pos = (Math.log10(Math.abs(l)) - LOG_MIN) * BINS_PER_DECADE;
      if (Math.abs(pos - Math.round(pos)) < 1e-6 * BINS_PER_DECADE) continue;
      expect(binOf(l), `loss ${l}`).toBe(reference(l));
      checked++;
    }
    expect(checked).toBeGreaterThan(199_000);
  });
  it('puts zero, tiny and huge losses in the zero and outermost bins', () => {
    expect(binOf(0)).toBe(ZERO);
    expect(binOf(-1e-17)).toBe(ZERO);
    expect(binOf(1e300)).toBe(HIST_BINS - 1);
    expect(binOf(-1e300)).toBe(0);
  });
  it('quantiles come back within one bin (3.7%) of the sample quantiles', () => {
    const counts = new Uint32Array(HIST_BINS);
    const values = Array.from({ length: 10_001 }, (_, k) => 10 ** (-3 + (6 * k) / 10_000));
    for (const v of values) counts[binOf(v)]++;
    const [q50] = histogramQuantiles(counts, 0, [0.5]);
    expect(Math.abs(Math.log10(q50 / values[5000]))).toBeLessThan(1 / BINS_PER_DECADE);
    expect(binValue(binOf(2.5)) / 2.5).toBeGreaterThan(0.98);
  });
});
