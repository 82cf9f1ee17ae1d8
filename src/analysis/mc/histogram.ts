/**
 * Fixed-bin loss histograms for quantile bands. Counts are integers in bins fixed in advance, so merging
 * is exact and order-free. Bins: sign and log10|ℓ| from −16 to +16 at 1/64 decade (3.7% relative
 * resolution); |ℓ| < 1e−16 falls in the zero bin, |ℓ| > 1e16 in the outermost bins. Non-finite losses never
 * reach a histogram (those trajectories are counted as diverged).
 */
export const BINS_PER_DECADE = 64;
export const LOG_MIN = -16;
export const LOG_MAX = 16;
export const SIDE = (LOG_MAX - LOG_MIN) * BINS_PER_DECADE; // bins per sign
export const HIST_BINS = 2 * SIDE + 1;
export const ZERO = SIDE;

export const MIN_ABS = 10 ** LOG_MIN;
/** log₁₀ 2, the factor in log10Abs. */
export const LOG10_2 = 0.3010299956639812;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/**
 * log₂(1 + f) on [0, 1): degree-8 least-squares fit at Chebyshev nodes, |error| < 5e-8 (in log₂ units, far
 * below a bin's 0.052); coefficients from c₀ up. Evaluated by Estrin's scheme (dependency depth 5 instead of
 * Horner's 16, which dominated the binning), the same operations in every path.
 */
export const LOG2_1P = [
  4.8863575630164746e-8, 1.4426867778262504, -0.7211146144078842, 0.4783235448984802, -0.3459960125435308, 0.23923166319550274,
  -0.13453425445477885, 0.050277507525965937, -0.008874696689954574,
];

/**
 * log₁₀|ℓ| from the float's exponent and a polynomial in its mantissa f ∈ [0, 1) (error < 2e-8 decades, far
 * below a bin's 1/64 decade): several times cheaper than Math.log10, which dominated band steps.
 */
function log10Abs(a: number): number {
  f64[0] = a;
  const hi = u32[1];
  const e = ((hi >>> 20) & 0x7ff) - 1023;
  u32[1] = (hi & 0xfffff) | 0x3ff00000;
  const f = f64[0] - 1;
  const c = LOG2_1P;
  const f2 = f * f;
  const f4 = f2 * f2;
  const b0 = c[0] + c[1] * f + f2 * (c[2] + c[3] * f);
  const b1 = c[4] + c[5] * f + f2 * (c[6] + c[7] * f);
  const p = b0 + f4 * b1 + f4 * f4 * c[8];
  return (e + p) * LOG10_2;
}

export function binOf(loss: number): number {
  const a = Math.abs(loss);
  if (a < MIN_ABS) return ZERO;
  let k = Math.floor((log10Abs(a) - LOG_MIN) * BINS_PER_DECADE);
  if (k >= SIDE) k = SIDE - 1;
  return loss > 0 ? ZERO + 1 + k : ZERO - 1 - k;
}

/** Geometric centre of a bin. */
export function binValue(bin: number): number {
  if (bin === ZERO) return 0;
  const k = bin > ZERO ? bin - ZERO - 1 : ZERO - 1 - bin;
  const v = 10 ** (LOG_MIN + (k + 0.5) / BINS_PER_DECADE);
  return bin > ZERO ? v : -v;
}

/** Quantiles (values in [0, 1]) of a full histogram (HIST_BINS counts) at offset `off` of `counts`. */
export function histogramQuantiles(counts: Uint32Array | Float64Array, off: number, qs: number[]): number[] {
  return rangeQuantiles(counts, off, 0, HIST_BINS, qs);
}

/** Quantiles of a histogram whose bins lo … hi − 1 are counts[off …] (all other bins zero). */
function rangeQuantiles(counts: ArrayLike<number>, off: number, lo: number, hi: number, qs: number[]): number[] {
  let total = 0;
  for (let i = 0; i < hi - lo; i++) total += counts[off + i];
  if (total === 0) return qs.map(() => Number.NaN);
  return qs.map((q) => {
    const target = q * (total - 1);
    let cum = 0;
    for (let i = 0; i < hi - lo; i++) {
      cum += counts[off + i];
      if (cum > target) return binValue(lo + i);
    }
    return binValue(hi - 1);
  });
}

/**
 * The loss histograms of a run's band steps, each stored over its touched bins only (a block's losses at one
 * step span a few hundred of the 4097 bins): band k's bins lo[k] … hi[k] − 1 are counts[off[k] …]; an empty
 * band has lo = hi. Blocks fill full-size scratch histograms (reused, never reallocated) and pack them here, so
 * a block's statistics are kilobytes, not a fresh 0.8 MiB array per block (measured: ~9% of a run in allocation).
 */
export interface BandHistograms {
  lo: Int32Array;
  hi: Int32Array;
  off: Int32Array;
  counts: Uint32Array;
}

export function emptyBands(bands: number): BandHistograms {
  return { lo: new Int32Array(bands), hi: new Int32Array(bands), off: new Int32Array(bands + 1), counts: new Uint32Array(0) };
}

/**
 * Packs full histograms (band k at full[k · HIST_BINS …], non-zero only in [lo[k], hi[k]); lo ≥ hi: empty) and
 * zeroes those ranges of `full`, so that a scratch area is clear again for the next block.
 */
export function packBands(full: Uint32Array, lo: ArrayLike<number>, hi: ArrayLike<number>): BandHistograms {
  const n = lo.length;
  const h = emptyBands(n);
  for (let k = 0; k < n; k++) {
    const empty = lo[k] >= hi[k];
    h.lo[k] = empty ? 0 : lo[k];
    h.hi[k] = empty ? 0 : hi[k];
    h.off[k + 1] = h.off[k] + h.hi[k] - h.lo[k];
  }
  h.counts = new Uint32Array(h.off[n]);
  for (let k = 0; k < n; k++) moveOut(h.counts, h.off[k], full, k * HIST_BINS + h.lo[k], h.hi[k] - h.lo[k]);
  return h;
}

/** dst[at + i] = src[from + i], src[from + i] = 0 for i < len (a small function, so that V8 optimises it). */
function moveOut(dst: Uint32Array, at: number, src: Uint32Array, from: number, len: number): void {
  for (let i = 0; i < len; i++) {
    dst[at + i] = src[from + i];
    src[from + i] = 0;
  }
}

/** Per band, the smallest [lo, hi) outside which full histograms (band k at full[at + k · HIST_BINS …]) are zero. */
export function touchedRanges(full: Uint32Array, at: number, bands: number): [Int32Array, Int32Array] {
  const lo = new Int32Array(bands);
  const hi = new Int32Array(bands);
  for (let k = 0; k < bands; k++) {
    const o = at + k * HIST_BINS;
    let a = 0;
    let b = HIST_BINS;
    while (a < b && full[o + a] === 0) a++;
    while (b > a && full[o + b - 1] === 0) b--;
    lo[k] = a;
    hi[k] = b;
  }
  return [lo, hi];
}

/** a + b (integer counts: exact and order-free). Returns a, added in place, when b's ranges lie within a's. */
export function addBands(a: BandHistograms, b: BandHistograms): BandHistograms {
  const n = a.lo.length;
  let inside = true;
  for (let k = 0; k < n && inside; k++) inside = b.lo[k] === b.hi[k] || (a.lo[k] <= b.lo[k] && b.hi[k] <= a.hi[k]);
  let out = a;
  if (!inside) {
    out = emptyBands(n);
    for (let k = 0; k < n; k++) {
      const ea = a.lo[k] === a.hi[k];
      const eb = b.lo[k] === b.hi[k];
      out.lo[k] = ea ? b.lo[k] : eb ? a.lo[k] : Math.min(a.lo[k], b.lo[k]);
      out.hi[k] = ea ? b.hi[k] : eb ? a.hi[k] : Math.max(a.hi[k], b.hi[k]);
      out.off[k + 1] = out.off[k] + out.hi[k] - out.lo[k];
    }
    out.counts = new Uint32Array(out.off[n]);
    for (let k = 0; k < n; k++) addInto(out.counts, out.off[k] + a.lo[k] - out.lo[k], a.counts, a.off[k], a.hi[k] - a.lo[k]);
  }
  for (let k = 0; k < n; k++) addInto(out.counts, out.off[k] + b.lo[k] - out.lo[k], b.counts, b.off[k], b.hi[k] - b.lo[k]);
  return out;
}

function addInto(dst: Uint32Array, at: number, src: Uint32Array, from: number, len: number): void {
  for (let i = 0; i < len; i++) dst[at + i] += src[from + i];
}

/** Count of `bin` in band k. */
export function bandCount(h: BandHistograms, k: number, bin: number): number {
  return bin >= h.lo[k] && bin < h.hi[k] ? h.counts[h.off[k] + bin - h.lo[k]] : 0;
}

/** Quantiles (values in [0, 1]) of band k. */
export function bandQuantiles(h: BandHistograms, k: number, qs: number[]): number[] {
  return rangeQuantiles(h.counts, h.off[k], h.lo[k], h.hi[k], qs);
}
