/**
 * Fixed-bin loss histograms for quantile bands. Counts are integers in bins fixed in advance, so merging
 * is exact and order-free. Bins: the sign, the binary exponent and the top five mantissa bits of |ℓ|, i.e.
 * 32 bins per octave with edges 2ᵉ·(1 + j/32) (relative width 1.6–3.1%), for 2⁻⁵³ ≤ |ℓ| < 2⁵³ (≈ 1.1e−16 …
 * 9.0e15); smaller |ℓ| (and ±0) falls in the zero bin, larger in the outermost bins. The bin is read off the
 * float's bits, exactly and with integer operations only, the same on every path (JavaScript, WebAssembly, and
 * WGSL on the f32 loss). Non-finite losses never reach a histogram (those trajectories count as diverged).
 */
/** Mantissa bits per bin key: 2⁵ = 32 bins per octave. */
export const MANTISSA_BITS = 5;
export const BINS_PER_OCTAVE = 1 << MANTISSA_BITS;
/** Exponent range: |ℓ| in [2^EXP_MIN, 2^EXP_MAX). */
export const EXP_MIN = -53;
export const EXP_MAX = 53;
export const SIDE = (EXP_MAX - EXP_MIN) * BINS_PER_OCTAVE; // bins per sign
export const HIST_BINS = 2 * SIDE + 1;
export const ZERO = SIDE;
/**
 * Key of the smallest binned |ℓ|: the high 32 bits of a float64 shifted right by 20 − MANTISSA_BITS are
 * (biased exponent, top mantissa bits); the bin of |ℓ| on its side is key − KEY_MIN (f32: KEY_MIN_F32, shift 23 − 5).
 */
export const KEY_SHIFT = 20 - MANTISSA_BITS;
export const KEY_MIN = (1023 + EXP_MIN) * BINS_PER_OCTAVE;
export const KEY_SHIFT_F32 = 23 - MANTISSA_BITS;
export const KEY_MIN_F32 = (127 + EXP_MIN) * BINS_PER_OCTAVE;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

export function binOf(loss: number): number {
  f64[0] = loss;
  const hi = u32[1];
  const key = (hi & 0x7fffffff) >>> KEY_SHIFT;
  if (key < KEY_MIN) return ZERO;
  const k = Math.min(key - KEY_MIN, SIDE - 1);
  return hi >>> 31 ? ZERO - 1 - k : ZERO + 1 + k;
}

/** Geometric centre of a bin. */
export function binValue(bin: number): number {
  if (bin === ZERO) return 0;
  const k = bin > ZERO ? bin - ZERO - 1 : ZERO - 1 - bin;
  const e = EXP_MIN + Math.floor(k / BINS_PER_OCTAVE);
  const j = k % BINS_PER_OCTAVE;
  const v = 2 ** e * Math.sqrt((1 + j / BINS_PER_OCTAVE) * (1 + (j + 1) / BINS_PER_OCTAVE));
  return bin > ZERO ? v : -v;
}

/** Quantiles (values in [0, 1]) of a full histogram (HIST_BINS counts) at offset `off` of `counts`. */
export function histogramQuantiles(counts: Uint32Array | Float64Array, off: number, qs: number[]): number[] {
  return rangeQuantiles(counts, off, 0, HIST_BINS, qs);
}

/**
 * Quantiles of a histogram whose bins lo … hi − 1 are counts[off …] (all other bins zero): the bin where the
 * cumulative count first exceeds q·(total − 1), for every q in one walk (levels in any order).
 */
function rangeQuantiles(counts: Uint32Array | Float64Array, off: number, lo: number, hi: number, qs: number[]): number[] {
  let total = 0;
  for (let i = 0; i < hi - lo; i++) total += counts[off + i];
  if (total === 0) return qs.map(() => Number.NaN);
  const order = qs.map((_, j) => j).sort((a, b) => qs[a] - qs[b]);
  const out = new Array<number>(qs.length).fill(binValue(hi - 1));
  let cum = 0;
  let j = 0;
  for (let i = 0; i < hi - lo && j < order.length; i++) {
    cum += counts[off + i];
    while (j < order.length && cum > qs[order[j]] * (total - 1)) out[order[j++]] = binValue(lo + i);
  }
  return out;
}

/**
 * The loss histograms of a run's band steps, each stored over its touched bins only (a block's losses at one
 * step span a few hundred of the HIST_BINS bins): band k's bins lo[k] … hi[k] − 1 are counts[off[k] …]; an empty
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
  for (let k = 0; k < n; k++) {
    const from = k * HIST_BINS + h.lo[k];
    const to = k * HIST_BINS + h.hi[k];
    h.counts.set(full.subarray(from, to), h.off[k]);
    full.fill(0, from, to);
  }
  return h;
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

/** Bins added on either side when a merged band's range must grow, so that later blocks mostly add in place. */
const SLACK = BINS_PER_OCTAVE;

/**
 * a + b (integer counts: exact and order-free). Returns a, added in place, when b's ranges lie within a's; b
 * itself when a holds nothing (b must then be a's to own); otherwise a new histogram whose grown ranges have
 * SLACK spare bins on either side.
 */
export function addBands(a: BandHistograms, b: BandHistograms): BandHistograms {
  const n = a.lo.length;
  if (a.off[n] === 0) return b;
  let inside = true;
  for (let k = 0; k < n && inside; k++) inside = b.lo[k] === b.hi[k] || (a.lo[k] <= b.lo[k] && b.hi[k] <= a.hi[k]);
  let out = a;
  if (!inside) {
    out = emptyBands(n);
    for (let k = 0; k < n; k++) {
      const ea = a.lo[k] === a.hi[k];
      const eb = b.lo[k] === b.hi[k];
      const grow = !eb && (ea || b.lo[k] < a.lo[k] || b.hi[k] > a.hi[k]);
      out.lo[k] = ea ? b.lo[k] : eb ? a.lo[k] : Math.min(a.lo[k], b.lo[k]);
      out.hi[k] = ea ? b.hi[k] : eb ? a.hi[k] : Math.max(a.hi[k], b.hi[k]);
      if (grow) {
        out.lo[k] = Math.max(0, out.lo[k] - SLACK);
        out.hi[k] = Math.min(HIST_BINS, out.hi[k] + SLACK);
      }
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
