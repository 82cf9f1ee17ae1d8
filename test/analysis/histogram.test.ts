/**
 * Loss-band histograms: the bin of a loss is ⌊64·(log₁₀|ℓ| + 16)⌋ on its sign's side, computed from the float's
 * exponent and a polynomial in its mantissa; checked against Math.log10 away from bin edges (the polynomial's
 * error is below 2e-8 decades, so only losses within 1e-6 decades of an edge may fall on the other side).
 */
import { describe, expect, it } from 'vitest';
import {
  BINS_PER_DECADE, HIST_BINS, LOG_MIN, ZERO, addBands, bandCount, bandQuantiles, binOf, binValue, emptyBands, histogramQuantiles, packBands, touchedRanges,
} from '../../src/analysis/mc/histogram.ts';

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

describe('packed band histograms', () => {
  it('pack, merge (disjoint, overlapping, nested, empty ranges) and quantiles equal full-array arithmetic', () => {
    const bands = 3;
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const reference = new Uint32Array(bands * HIST_BINS);
    let total = emptyBands(bands);
    // Band 0 drifts (disjoint and overlapping ranges), band 1 stays nested, band 2 is empty in every other block.
    const ranges = (block: number): [number, number][] => [
      [100 + 300 * block, 400 + 300 * block],
      [2000 - block, 2001 + block],
      block % 2 ? [0, 0] : [HIST_BINS - 10, HIST_BINS],
    ];
    for (let block = 0; block < 8; block++) {
      const full = new Uint32Array(bands * HIST_BINS);
      ranges(block).forEach(([a, b], k) => {
        for (let n = 0; n < 50 && b > a; n++) {
          const bin = a + Math.floor(rand() * (b - a));
          full[k * HIST_BINS + bin]++;
          reference[k * HIST_BINS + bin]++;
        }
      });
      const [lo, hi] = touchedRanges(full, 0, bands);
      total = addBands(total, packBands(full, lo, hi));
      expect(full.every((c) => c === 0)).toBe(true); // packing clears the scratch area
    }
    for (let k = 0; k < bands; k++) {
      for (let bin = 0; bin < HIST_BINS; bin++) expect(bandCount(total, k, bin), `band ${k} bin ${bin}`).toBe(reference[k * HIST_BINS + bin]);
      expect(bandQuantiles(total, k, [0.05, 0.5, 0.95])).toEqual(histogramQuantiles(reference, k * HIST_BINS, [0.05, 0.5, 0.95]));
    }
    expect(bandQuantiles(emptyBands(1), 0, [0.5])).toEqual([Number.NaN]);
  });
});
