/**
 * WAT for a band step's loss histogram (src/analysis/mc/histogram.ts `binOf`, the same operations, so the same
 * bins): log₁₀|ℓ| from the float's exponent and a polynomial in its mantissa, 1/64-decade bins, signs on
 * either side of the zero bin. $hist(band) adds the block's alive trajectories to HIST[band · HIST_BINS + bin] and widens the band's
 * touched range [HLO, HHI).
 */
import { BINS_PER_DECADE, HIST_BINS, LOG10_2, LOG2_1P, LOG_MIN, MIN_ABS, SIDE, ZERO } from '../histogram.ts';
import { lit } from './wat.ts';

/**
 * Estrin's scheme, in the JavaScript's order (histogram.ts log10Abs): b0 = c0 + c1·f + f²·(c2 + c3·f),
 * b1 = c4 + c5·f + f²·(c6 + c7·f), p = b0 + f⁴·b1 + f⁴·f⁴·c8 (JavaScript's left-to-right + and ·).
 */
function estrin(): string {
  const c = (k: number) => `(f64.const ${lit(LOG2_1P[k])})`;
  const F = '(local.get $f)';
  const f2 = `(f64.mul ${F} ${F})`;
  const f4 = `(f64.mul ${f2} ${f2})`;
  const pair = (a: number) => `(f64.add (f64.add ${c(a)} (f64.mul ${c(a + 1)} ${F})) (f64.mul ${f2} (f64.add ${c(a + 2)} (f64.mul ${c(a + 3)} ${F}))))`;
  return `(f64.add (f64.add ${pair(0)} (f64.mul ${f4} ${pair(4)})) (f64.mul (f64.mul ${f4} ${f4}) ${c(8)}))`;
}

export const HIST_WAT = `
  (func $hist (param $band i32)
    (local $b i32) (local $l f64) (local $a f64) (local $hi i32) (local $k i32) (local $bin i32) (local $cell i32)
    (local $lo i32) (local $top i32) (local $bits i64) (local $f f64)
    (local.set $lo (i32.load (i32.add (global.get $HLO) (i32.shl (local.get $band) (i32.const 2)))))
    (local.set $top (i32.load (i32.add (global.get $HHI) (i32.shl (local.get $band) (i32.const 2)))))
    (local.set $b (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $b) (global.get $Bp)))
      (if (i32.load8_u (i32.add (global.get $ALIVE8) (local.get $b))) (then
        (local.set $l (f64.load (i32.add (global.get $LOSS) (i32.shl (local.get $b) (i32.const 3)))))
        (local.set $a (f64.abs (local.get $l)))
        (if (f64.lt (local.get $a) (f64.const ${lit(MIN_ABS)}))
          (then (local.set $bin (i32.const ${ZERO})))
          (else
            (local.set $bits (i64.reinterpret_f64 (local.get $a)))
            (local.set $hi (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
            (local.set $f (f64.sub (f64.reinterpret_i64 (i64.or (i64.and (local.get $bits) (i64.const 0x000fffffffffffff)) (i64.const 0x3ff0000000000000))) (f64.const 1)))
            (local.set $k (i32.trunc_f64_s (f64.floor (f64.mul
              (f64.sub
                (f64.mul
                  (f64.add
                    (f64.convert_i32_s (i32.sub (i32.and (i32.shr_u (local.get $hi) (i32.const 20)) (i32.const 0x7ff)) (i32.const 1023)))
                    ${estrin()})
                  (f64.const ${lit(LOG10_2)}))
                (f64.const ${lit(LOG_MIN)}))
              (f64.const ${BINS_PER_DECADE})))))
            (if (i32.ge_s (local.get $k) (i32.const ${SIDE})) (then (local.set $k (i32.const ${SIDE - 1}))))
            (local.set $bin (if (result i32) (f64.gt (local.get $l) (f64.const 0))
              (then (i32.add (i32.const ${ZERO + 1}) (local.get $k)))
              (else (i32.sub (i32.const ${ZERO - 1}) (local.get $k)))))))
        (if (i32.lt_s (local.get $bin) (local.get $lo)) (then (local.set $lo (local.get $bin))))
        (if (i32.ge_s (local.get $bin) (local.get $top)) (then (local.set $top (i32.add (local.get $bin) (i32.const 1)))))
        (local.set $cell (i32.add (global.get $HIST) (i32.shl (i32.add (i32.mul (local.get $band) (i32.const ${HIST_BINS})) (local.get $bin)) (i32.const 2))))
        (i32.store (local.get $cell) (i32.add (i32.load (local.get $cell)) (i32.const 1)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $each)))
    (i32.store (i32.add (global.get $HLO) (i32.shl (local.get $band) (i32.const 2))) (local.get $lo))
    (i32.store (i32.add (global.get $HHI) (i32.shl (local.get $band) (i32.const 2))) (local.get $top)))
`;
