/**
 * Loss-band histograms: the bin of a loss is (sign, binary exponent, top five mantissa bits) of the loss, i.e. 32
 * bins per octave with edges 2ᵉ·(1 + j/32), read off the float's bits. Checked exactly against an independent
 * computation with Math.log2 and division by 2ᵉ (exact in floating point), and at every edge of several octaves.
 */
import { describe, expect, it } from 'vitest';
import {
  BINS_PER_OCTAVE, EXP_MAX, EXP_MIN, HIST_BINS, SIDE, ZERO, addBands, bandCount, bandQuantiles, binOf, binValue, emptyBands, histogramQuantiles, packBands, touchedRanges,
} from '../../src/analysis/mc/histogram.ts';

const reference = (l: number) => {
  const a = Math.abs(l);
  if (a < 2 ** EXP_MIN) return ZERO;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const j = Math.floor((a / 2 ** e - 1) * BINS_PER_OCTAVE);
  const k = Math.min((e - EXP_MIN) * BINS_PER_OCTAVE + j, SIDE - 1);
  return l > 0 ? ZERO + 1 + k : ZERO - 1 - k;
};

/** The largest float below v > 0. */
const below = (v: number) => {
  const b = new Float64Array([v]);
  new BigInt64Array(b.buffer)[0] -= 1n;
  return b[0];
};

describe('loss histogram bins', () => {
  it('equal the exponent/mantissa reference for 200,000 losses over 110 octaves, both signs', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 0; n < 200_000; n++) {
      const l = (rand() < 0.5 ? -1 : 1) * 2 ** (EXP_MIN - 2 + (EXP_MAX - EXP_MIN + 4) * rand());
      expect(binOf(l), `loss ${l}`).toBe(reference(l));
    }
  });
  it('put every edge 2ᵉ(1 + j/32) at the start of its bin and the float below it in the previous one', () => {
    for (const e of [EXP_MIN, -20, -1, 0, 1, 7, 30, EXP_MAX - 1]) {
      for (let j = 0; j < BINS_PER_OCTAVE; j++) {
        const v = 2 ** e * (1 + j / BINS_PER_OCTAVE);
        const k = (e - EXP_MIN) * BINS_PER_OCTAVE + j;
        expect(binOf(v), `2^${e}(1 + ${j}/32)`).toBe(ZERO + 1 + k);
        expect(binOf(-v)).toBe(ZERO - 1 - k);
        expect(binOf(below(v)), `below 2^${e}(1 + ${j}/32)`).toBe(k === 0 ? ZERO : ZERO + k);
      }
    }
  });
  it('puts zero, tiny and huge losses in the zero and outermost bins', () => {
    expect(binOf(0)).toBe(ZERO);
    expect(binOf(-0)).toBe(ZERO);
    expect(binOf(-1e-17)).toBe(ZERO);
    expect(binOf(5e-324)).toBe(ZERO);
    expect(binOf(2 ** EXP_MAX)).toBe(HIST_BINS - 1);
    expect(binOf(1e300)).toBe(HIST_BINS - 1);
    expect(binOf(-1e300)).toBe(0);
  });
  it('quantiles come back within one bin (3.2%) of the sample quantiles; bin centres lie in their bins', () => {
    const counts = new Uint32Array(HIST_BINS);
    const values = Array.from({ length: 10_001 }, (_, k) => 10 ** (-3 + (6 * k) / 10_000));
    for (const v of values) counts[binOf(v)]++;
    const [q50] = histogramQuantiles(counts, 0, [0.5]);
    expect(Math.abs(Math.log(q50 / values[5000]))).toBeLessThan(1 / BINS_PER_OCTAVE);
    for (const v of [2.5, 1e-10, 3e12, -7]) expect(binOf(binValue(binOf(v)))).toBe(binOf(v));
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

describe('band counts of the JavaScript paths', () => {
  it('a failed block leaves nothing behind in the thread scratch; a finished one goes to its sink once', async () => {
    const { BlockRecorder } = await import('../../src/analysis/mc/stats.ts');
    const { BandSink } = await import('../../src/analysis/mc/bands.ts');
    const losses = Float64Array.of(1, 2, 3, 1000);
    const alive = Uint8Array.of(1, 1, 1, 1);
    const x = new Float64Array(4);
    const failed = new BlockRecorder(1, 1, [0, 1], false, 0, new BandSink(2));
    failed.finish(0, losses, alive, 4, x, 1, 1);
    failed.abandon();
    const sink = new BandSink(2);
    const ok = new BlockRecorder(1, 1, [0, 1], false, 0, sink);
    ok.finish(0, Float64Array.of(1, 1000), alive, 2, x, 1, 1); // its range spans the failed block's bins
    ok.finish(1, losses.subarray(0, 2), alive, 2, x, 1, 1);
    expect(ok.done().hist.counts.length).toBe(0); // the block's own stats carry no bands
    const h = sink.flush();
    const total = (k: number) => h.counts.subarray(h.off[k], h.off[k + 1]).reduce((a, c) => a + c, 0);
    expect(total(0)).toBe(2); // nothing from the failed block
    expect(bandCount(h, 0, binOf(1)) + bandCount(h, 0, binOf(1000))).toBe(2);
    expect(total(1)).toBe(2);
    expect(sink.flush().counts.length).toBe(0); // flushed once
  });
});
