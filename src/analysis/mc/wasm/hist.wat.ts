/**
 * WAT for a band step's loss histogram (src/analysis/mc/histogram.ts `binOf`, the same integer operations on the
 * loss's bits, so the same bins): the key (exponent, top mantissa bits) of |ℓ|, the zero bin below KEY_MIN, signs
 * on either side of it. $hist(band) adds the block's alive trajectories to HIST[band · HIST_BINS + bin] and
 * widens the band's touched range [HLO, HHI).
 *
 * Four trajectories at a time: their bins in one i32x4 (the high words of two pairs of losses), the range as
 * lane-wise min/max, then four scalar increments; a dead lane's increment goes to a spare word (TRASH) instead
 * of a branch.
 */
import { HIST_BINS, KEY_MIN, KEY_SHIFT, SIDE, ZERO } from '../histogram.ts';

const i32x4 = (v: number) => `(v128.const i32x4 ${v} ${v} ${v} ${v})`;
const BIG = 0x7fffffff;

const bump = (lane: number) => `
        (local.set $cell (i32x4.extract_lane ${lane} (local.get $addr)))
        (i32.store (local.get $cell) (i32.add (i32.load (local.get $cell)) (i32.const 1)))`;

export const HIST_WAT = `
  (func $hist (param $band i32)
    (local $b i32) (local $cell i32) (local $lo i32) (local $top i32)
    (local $h v128) (local $k v128) (local $kc v128) (local $bin v128) (local $alive v128) (local $addr v128)
    (local $minv v128) (local $maxv v128) (local $base v128) (local $trash v128)
    (local.set $base (i32x4.splat (i32.add (global.get $HIST) (i32.mul (local.get $band) (i32.const ${4 * HIST_BINS})))))
    (local.set $trash (i32x4.splat (global.get $TRASH)))
    (local.set $minv ${i32x4(BIG)})
    (local.set $maxv ${i32x4(-1)})
    (local.set $b (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $b) (global.get $Bp)))
      ;; High words of the losses of trajectories b … b + 3, and their alive masks (low words of the i64 masks).
      (local.set $h (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
        (v128.load (i32.add (global.get $LOSS) (i32.shl (local.get $b) (i32.const 3))))
        (v128.load offset=16 (i32.add (global.get $LOSS) (i32.shl (local.get $b) (i32.const 3))))))
      (local.set $alive (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
        (v128.load (i32.add (global.get $ALIVE) (i32.shl (local.get $b) (i32.const 3))))
        (v128.load offset=16 (i32.add (global.get $ALIVE) (i32.shl (local.get $b) (i32.const 3))))))
      (local.set $k (i32x4.sub (i32x4.shr_u (v128.and (local.get $h) ${i32x4(0x7fffffff)}) (i32.const ${KEY_SHIFT})) ${i32x4(KEY_MIN)}))
      (local.set $kc (i32x4.min_s (local.get $k) ${i32x4(SIDE - 1)}))
      (local.set $bin (v128.bitselect
        (i32x4.sub ${i32x4(ZERO - 1)} (local.get $kc))
        (i32x4.add ${i32x4(ZERO + 1)} (local.get $kc))
        (i32x4.lt_s (local.get $h) ${i32x4(0)})))
      (local.set $bin (v128.bitselect ${i32x4(ZERO)} (local.get $bin) (i32x4.lt_s (local.get $k) ${i32x4(0)})))
      (local.set $minv (i32x4.min_s (local.get $minv) (v128.bitselect (local.get $bin) ${i32x4(BIG)} (local.get $alive))))
      (local.set $maxv (i32x4.max_s (local.get $maxv) (v128.bitselect (local.get $bin) ${i32x4(-1)} (local.get $alive))))
      (local.set $addr (v128.bitselect
        (i32x4.add (local.get $base) (i32x4.shl (local.get $bin) (i32.const 2)))
        (local.get $trash)
        (local.get $alive)))
      ${[0, 1, 2, 3].map(bump).join('')}
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br $each)))
    (local.set $minv (i32x4.min_s (local.get $minv) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $minv) (local.get $minv))))
    (local.set $minv (i32x4.min_s (local.get $minv) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $minv) (local.get $minv))))
    (local.set $maxv (i32x4.max_s (local.get $maxv) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $maxv) (local.get $maxv))))
    (local.set $maxv (i32x4.max_s (local.get $maxv) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $maxv) (local.get $maxv))))
    (local.set $lo (i32.load (i32.add (global.get $HLO) (i32.shl (local.get $band) (i32.const 2)))))
    (local.set $top (i32.load (i32.add (global.get $HHI) (i32.shl (local.get $band) (i32.const 2)))))
    (if (i32.lt_s (i32x4.extract_lane 0 (local.get $minv)) (local.get $lo)) (then (local.set $lo (i32x4.extract_lane 0 (local.get $minv)))))
    (if (i32.ge_s (i32x4.extract_lane 0 (local.get $maxv)) (local.get $top)) (then (local.set $top (i32.add (i32x4.extract_lane 0 (local.get $maxv)) (i32.const 1)))))
    (i32.store (i32.add (global.get $HLO) (i32.shl (local.get $band) (i32.const 2))) (local.get $lo))
    (i32.store (i32.add (global.get $HHI) (i32.shl (local.get $band) (i32.const 2))) (local.get $top)))
`;
