/**
 * WAT for a band step's loss histogram (src/analysis/mc/histogram.ts `binOf`, the same integer operations on the
 * loss's bits, so the same bins): the key (exponent, top mantissa bits) of |ℓ|, the zero bin below KEY_MIN, signs
 * on either side of it. $hist(band) adds the block's alive trajectories to HIST[band · HIST_BINS + bin] and
 * widens the band's touched range [HLO, HHI).
 */
import { HIST_BINS, KEY_MIN, KEY_SHIFT, SIDE, ZERO } from '../histogram.ts';

export const HIST_WAT = `
  (func $hist (param $band i32)
    (local $b i32) (local $hi i32) (local $k i32) (local $bin i32) (local $cell i32) (local $lo i32) (local $top i32)
    (local.set $lo (i32.load (i32.add (global.get $HLO) (i32.shl (local.get $band) (i32.const 2)))))
    (local.set $top (i32.load (i32.add (global.get $HHI) (i32.shl (local.get $band) (i32.const 2)))))
    (local.set $b (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $b) (global.get $Bp)))
      (if (i32.load8_u (i32.add (global.get $ALIVE8) (local.get $b))) (then
        (local.set $hi (i32.load offset=4 (i32.add (global.get $LOSS) (i32.shl (local.get $b) (i32.const 3)))))
        (local.set $k (i32.sub (i32.shr_u (i32.and (local.get $hi) (i32.const 0x7fffffff)) (i32.const ${KEY_SHIFT})) (i32.const ${KEY_MIN})))
        (if (i32.lt_s (local.get $k) (i32.const 0))
          (then (local.set $bin (i32.const ${ZERO})))
          (else
            (if (i32.ge_s (local.get $k) (i32.const ${SIDE})) (then (local.set $k (i32.const ${SIDE - 1}))))
            (local.set $bin (select
              (i32.sub (i32.const ${ZERO - 1}) (local.get $k))
              (i32.add (i32.const ${ZERO + 1}) (local.get $k))
              (i32.lt_s (local.get $hi) (i32.const 0))))))
        (if (i32.lt_s (local.get $bin) (local.get $lo)) (then (local.set $lo (local.get $bin))))
        (if (i32.ge_s (local.get $bin) (local.get $top)) (then (local.set $top (i32.add (local.get $bin) (i32.const 1)))))
        (local.set $cell (i32.add (global.get $HIST) (i32.shl (i32.add (i32.mul (local.get $band) (i32.const ${HIST_BINS})) (local.get $bin)) (i32.const 2))))
        (i32.store (local.get $cell) (i32.add (i32.load (local.get $cell)) (i32.const 1)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $each)))
    (i32.store (i32.add (global.get $HLO) (i32.shl (local.get $band) (i32.const 2))) (local.get $lo))
    (i32.store (i32.add (global.get $HHI) (i32.shl (local.get $band) (i32.const 2))) (local.get $top)))
`;
