/**
 * The random numbers of a DropGrad run, keyed by (seed, trajectory, step, coordinate): docs/theory.md §6.
 *
 * Every number is a word of
 *   Philox4x32-10(counter = (block, step, trajectory, stream), key = (seed mod 2³², ⌊seed / 2³²⌋)).
 * DropGrad's keep/drop decision of (step, coord) compares a 32-bit word W with ⌊p·2³²⌋, W = H·2¹⁶ + R made of
 * two 16-bit halves: H from the mask stream, R from the refine stream, at the same place (block, half) of the same
 * counter. A block holds eight halves; S = maskSteps(d) consecutive steps share one counter step (S = ⌊8/d⌋ for
 * d ≤ 8, else 1), and (step, coord) takes half f mod 8 of block ⌊f/8⌋ at counter step ⌊step/S⌋, with
 * f = (step mod S)·d + coord; half j of a block is bits 16·(j mod 2) … of word ⌊j/2⌋. W is uniform on 32 bits
 * like one Philox word, but R decides only when H equals the threshold's high half (probability 2⁻¹⁶), so a
 * decision costs half a word of the mask stream and, almost always, nothing of the refine stream (`kept`).
 * Other streams (`word`): word coord mod 4 of block ⌊coord/4⌋ at counter step `step`; the normal stream's words
 * are read in pairs by Box–Muller, two coordinates per pair (`normal`).
 * Streams keep independent uses apart: the Bernoulli mask, the Gaussian multipliers and the
 * full-update skip never share a counter. Because every number is a pure function of its key,
 * a result does not depend on batch order, chunking, worker count or backend.
 */
import { philox4x32 } from './philox.ts';
import { boxMuller, boxMullerSin } from './normal.ts';
import { ParameterError } from '../errors.ts';

/** Stream tags (the fourth counter word). */
export const STREAM_MASK = 0;
export const STREAM_NORMAL = 1;
export const STREAM_SKIP = 2;
export const STREAM_REFINE = 3;

/** Largest seed accepted: seeds are split into two 32-bit key words, so they must be exact integers. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export function checkSeed(seed: number, name = 'seed'): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ParameterError(name, seed, `an integer in [0, ${MAX_SEED}]`);
  }
}

/**
 * Integer threshold for an event of probability `p`: the event happens iff word < threshold(p).
 * P(event) = ⌊p·2³²⌋ / 2³², within 2⁻³² of p; p = 0 never happens, which keeps p = 0 bit-identical
 * to the optimizer without DropGrad.
 */
export function threshold(p: number): number {
  return Math.floor(p * 4294967296);
}

/** Steps that share one Philox counter step of mask halves in a d-dimensional problem (see above). */
export function maskSteps(d: number): number {
  return d <= 8 ? Math.floor(8 / d) : 1;
}

/** Half j (0–7) of a Philox block: the low (even j) or high (odd j) 16 bits of word ⌊j/2⌋. */
export const halfOf = (block: ArrayLike<number>, j: number): number => (block[(j >> 1) & 3] >>> ((j & 1) << 4)) & 0xffff;

/** The random words of one trajectory. Caches the last Philox block, so walking coordinates costs one call per four. */
export class KeyedRandom {
  readonly k0: number;
  readonly k1: number;
  private readonly buf = new Uint32Array(4);
  private cStep = -1;
  private cBlock = -1;
  private cStream = -1;

  constructor(
    readonly seed: number,
    readonly trajectory: number,
  ) {
    checkSeed(seed);
    this.k0 = seed >>> 0;
    this.k1 = Math.floor(seed / 4294967296) >>> 0;
  }

  /** Word `word` (0–3) of the Philox block `block` at `step` in `stream`. */
  private block(step: number, block: number, stream: number): Uint32Array {
    if (step !== this.cStep || block !== this.cBlock || stream !== this.cStream) {
      philox4x32(block, step, this.trajectory, stream, this.k0, this.k1, this.buf);
      this.cStep = step;
      this.cBlock = block;
      this.cStream = stream;
    }
    return this.buf;
  }

  /** Uniform uint32 for (step, coordinate) in a stream. */
  word(step: number, coord: number, stream: number): number {
    return this.block(step, coord >>> 2, stream)[coord & 3];
  }

  /** The decision word W = H·2¹⁶ + R of (step, coordinate) in a d-dimensional problem (see above). */
  maskWord(step: number, coord: number, d: number): number {
    return this.half(step, coord, d, STREAM_MASK) * 65536 + this.half(step, coord, d, STREAM_REFINE);
  }

  /** Whether (step, coordinate) is kept at threshold thr = ⌊p·2³²⌋: W ≥ thr, reading R only when H decides nothing. */
  kept(step: number, coord: number, d: number, thr: number): boolean {
    const h = this.half(step, coord, d, STREAM_MASK);
    const hi = Math.floor(thr / 65536);
    if (h !== hi) return h > hi;
    return this.half(step, coord, d, STREAM_REFINE) >= thr % 65536;
  }

  /** The 16-bit half of (step, coordinate) in the mask or refine stream: half f mod 8 of block ⌊f/8⌋ (see above). */
  private half(step: number, coord: number, d: number, stream: number): number {
    const S = maskSteps(d);
    const f = (step % S) * d + coord;
    return halfOf(this.block(Math.floor(step / S), f >>> 3, stream), f & 7);
  }

  /**
   * Standard normal for (step, coordinate): coordinates 2m and 2m + 1 are the pair R cos θ, R sin θ of Box–Muller
   * (src/rng/normal.ts) on words (2k, 2k + 1), k = m mod 2, of block ⌊m/2⌋ = ⌊coord/4⌋ of the normal stream.
   */
  normal(step: number, coord: number): number {
    const b = this.block(step, coord >>> 2, STREAM_NORMAL);
    const k = coord & 2;
    return coord & 1 ? boxMullerSin(b[k], b[k + 1]) : boxMuller(b[k], b[k + 1]);
  }
}
