/**
 * Philox4x32-10, the counter-based generator of Salmon et al. (2011), "Parallel random numbers:
 * as easy as 1, 2, 3" (Random123). docs/theory.md §6.
 *
 * A bijection of a 128-bit counter under a 64-bit key: ten rounds of
 *   (hi0, lo0) = mulhilo(M0, c0),  (hi1, lo1) = mulhilo(M1, c2)
 *   c ← (hi1 ⊕ c1 ⊕ k0,  lo1,  hi0 ⊕ c3 ⊕ k1,  lo0),   k ← k + (W0, W1)   (mod 2³²).
 * Only 32-bit integer operations are used, so the same stream is produced by the WGSL kernels
 * (src/gpu) bit for bit. In JavaScript the high half of a 32×32-bit product is formed from two
 * exact float products against the 16-bit halves of the constant multiplier.
 */

export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;

const M0_HI = PHILOX_M0 >>> 16;
const M0_LO = PHILOX_M0 & 0xffff;
const M1_HI = PHILOX_M1 >>> 16;
const M1_LO = PHILOX_M1 & 0xffff;

/** High 32 bits of a·M for a < 2³² and M = mHi·2¹⁶ + mLo; every intermediate is an exact double. */
function mulhi(a: number, mHi: number, mLo: number): number {
  return Math.floor((a * mHi + Math.floor((a * mLo) / 65536)) / 65536) >>> 0;
}

/**
 * Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1); the four output words are
 * written to `out` (uint32). All inputs are taken modulo 2³².
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): Uint32Array {
  c0 >>>= 0;
  c1 >>>= 0;
  c2 >>>= 0;
  c3 >>>= 0;
  k0 >>>= 0;
  k1 >>>= 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(c0, M0_HI, M0_LO);
    const lo0 = Math.imul(c0, PHILOX_M0) >>> 0;
    const hi1 = mulhi(c2, M1_HI, M1_LO);
    const lo1 = Math.imul(c2, PHILOX_M1) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) >>> 0;
    k1 = (k1 + PHILOX_W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/** 2⁻³²: maps a uint32 word to [0, 1). */
export const U32_TO_UNIT = 2.3283064365386963e-10;
