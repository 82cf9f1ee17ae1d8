/**
 * WAT for the per-step statistics of a block (src/analysis/mc/stats.ts `BlockRecorder.record`, same operations in
 * the same order, so the same bits): over the alive trajectories, the mean of x and of the loss (first pass), then
 * the centred sums Σ(x_i − m_i)², optional full cross-products, and Σ(ℓ − m_ℓ)² (second pass). Results go to
 * scratch areas ($RMEAN, $RM2, $RCOV) and the returned scalars to $RSCAL = [n, lossMean, lossM2].
 */
export const RECORD_WAT = `
  (func $record (param $B i32) (param $d i32) (param $withCov i32)
    (local $b i32) (local $i i32) (local $j i32) (local $o i32) (local $n i32)
    (local $lm f64) (local $l2 f64) (local $di f64) (local $dl f64) (local $nf f64) (local $a i32)
    (local.set $i (i32.const 0))
    (block $z_done (loop $z
      (br_if $z_done (i32.ge_s (local.get $i) (local.get $d)))
      (f64.store (i32.add (global.get $RMEAN) (i32.shl (local.get $i) (i32.const 3))) (f64.const 0))
      (f64.store (i32.add (global.get $RM2) (i32.shl (local.get $i) (i32.const 3))) (f64.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $z)))
    (if (local.get $withCov) (then
      (local.set $i (i32.const 0))
      (block $zc_done (loop $zc
        (br_if $zc_done (i32.ge_s (local.get $i) (i32.mul (local.get $d) (local.get $d))))
        (f64.store (i32.add (global.get $RCOV) (i32.shl (local.get $i) (i32.const 3))) (f64.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $zc)))))
    ;; first pass: sums
    (local.set $b (i32.const 0))
    (block $p1_done (loop $p1
      (br_if $p1_done (i32.ge_s (local.get $b) (local.get $B)))
      (if (i32.load8_u (i32.add (global.get $ALIVE) (local.get $b))) (then
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $o (i32.mul (local.get $b) (local.get $d)))
        (local.set $i (i32.const 0))
        (block $s_done (loop $s
          (br_if $s_done (i32.ge_s (local.get $i) (local.get $d)))
          (local.set $a (i32.add (global.get $RMEAN) (i32.shl (local.get $i) (i32.const 3))))
          (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
            (f64.load (i32.add (global.get $X) (i32.shl (i32.add (local.get $o) (local.get $i)) (i32.const 3))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $s)))
        (local.set $lm (f64.add (local.get $lm) (f64.load (i32.add (global.get $LOSS) (i32.shl (local.get $b) (i32.const 3))))))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $p1)))
    (f64.store (global.get $RSCAL) (f64.convert_i32_s (local.get $n)))
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $nf (f64.convert_i32_s (local.get $n)))
    (local.set $i (i32.const 0))
    (block $dv_done (loop $dv
      (br_if $dv_done (i32.ge_s (local.get $i) (local.get $d)))
      (local.set $a (i32.add (global.get $RMEAN) (i32.shl (local.get $i) (i32.const 3))))
      (f64.store (local.get $a) (f64.div (f64.load (local.get $a)) (local.get $nf)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $dv)))
    (local.set $lm (f64.div (local.get $lm) (local.get $nf)))
    ;; second pass: centred sums
    (local.set $b (i32.const 0))
    (block $p2_done (loop $p2
      (br_if $p2_done (i32.ge_s (local.get $b) (local.get $B)))
      (if (i32.load8_u (i32.add (global.get $ALIVE) (local.get $b))) (then
        (local.set $o (i32.mul (local.get $b) (local.get $d)))
        (local.set $i (i32.const 0))
        (block $m_done (loop $m
          (br_if $m_done (i32.ge_s (local.get $i) (local.get $d)))
          (local.set $di (f64.sub (f64.load (i32.add (global.get $X) (i32.shl (i32.add (local.get $o) (local.get $i)) (i32.const 3))))
                                  (f64.load (i32.add (global.get $RMEAN) (i32.shl (local.get $i) (i32.const 3))))))
          (local.set $a (i32.add (global.get $RM2) (i32.shl (local.get $i) (i32.const 3))))
          (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.mul (local.get $di) (local.get $di))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $m)))
        (if (local.get $withCov) (then
          (local.set $i (i32.const 0))
          (block $ci_done (loop $ci
            (br_if $ci_done (i32.ge_s (local.get $i) (local.get $d)))
            (local.set $di (f64.sub (f64.load (i32.add (global.get $X) (i32.shl (i32.add (local.get $o) (local.get $i)) (i32.const 3))))
                                    (f64.load (i32.add (global.get $RMEAN) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $j (i32.const 0))
            (block $cj_done (loop $cj
              (br_if $cj_done (i32.ge_s (local.get $j) (local.get $d)))
              (local.set $a (i32.add (global.get $RCOV) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $d)) (local.get $j)) (i32.const 3))))
              (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.mul (local.get $di)
                (f64.sub (f64.load (i32.add (global.get $X) (i32.shl (i32.add (local.get $o) (local.get $j)) (i32.const 3))))
                         (f64.load (i32.add (global.get $RMEAN) (i32.shl (local.get $j) (i32.const 3))))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $cj)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $ci)))))
        (local.set $dl (f64.sub (f64.load (i32.add (global.get $LOSS) (i32.shl (local.get $b) (i32.const 3)))) (local.get $lm)))
        (local.set $l2 (f64.add (local.get $l2) (f64.mul (local.get $dl) (local.get $dl))))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $p2)))
    (f64.store (i32.add (global.get $RSCAL) (i32.const 8)) (local.get $lm))
    (f64.store (i32.add (global.get $RSCAL) (i32.const 16)) (local.get $l2)))
`;
