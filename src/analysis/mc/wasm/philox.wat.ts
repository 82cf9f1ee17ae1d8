/**
 * WAT for Philox4x32-10 over four trajectories at once (THEORY.md §6, src/rng/philox.ts): lane j of each i32x4
 * holds trajectory b + j. The 32×32→64-bit products come from i64x2.extmul_{low,high}_i32x4_u; their high
 * halves are gathered with one shuffle. Integer arithmetic only, so the words equal the scalar generator's.
 *
 * $philoxPass(B, nblk, step, first, stream, k0, k1, out): for b < B (B a multiple of 4) and block < nblk,
 * writes word w of counter (block, step, first + b, stream) to out[(b·4·nblk + 4·block + w)·4 bytes].
 */
const ROUND = `
          (local.set $hi0 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.extmul_low_i32x4_u (local.get $c0) (v128.const i32x4 0xd2511f53 0xd2511f53 0xd2511f53 0xd2511f53))
            (i64x2.extmul_high_i32x4_u (local.get $c0) (v128.const i32x4 0xd2511f53 0xd2511f53 0xd2511f53 0xd2511f53))))
          (local.set $lo0 (i32x4.mul (local.get $c0) (v128.const i32x4 0xd2511f53 0xd2511f53 0xd2511f53 0xd2511f53)))
          (local.set $hi1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.extmul_low_i32x4_u (local.get $c2) (v128.const i32x4 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57))
            (i64x2.extmul_high_i32x4_u (local.get $c2) (v128.const i32x4 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57))))
          (local.set $lo1 (i32x4.mul (local.get $c2) (v128.const i32x4 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57)))
          (local.set $c0 (v128.xor (v128.xor (local.get $hi1) (local.get $c1)) (local.get $k0v)))
          (local.set $c1 (local.get $lo1))
          (local.set $c2 (v128.xor (v128.xor (local.get $hi0) (local.get $c3)) (local.get $k1v)))
          (local.set $c3 (local.get $lo0))
          (local.set $k0v (i32x4.add (local.get $k0v) (v128.const i32x4 0x9e3779b9 0x9e3779b9 0x9e3779b9 0x9e3779b9)))
          (local.set $k1v (i32x4.add (local.get $k1v) (v128.const i32x4 0xbb67ae85 0xbb67ae85 0xbb67ae85 0xbb67ae85)))
`;

export const PHILOX_WAT = `
  (func $philoxPass (param $B i32) (param $nblk i32) (param $step i32) (param $first i32) (param $stream i32)
                    (param $k0 i32) (param $k1 i32) (param $out i32)
    (local $b i32) (local $blk i32) (local $r i32) (local $addr i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $k0v v128) (local $k1v v128)
    (local $hi0 v128) (local $lo0 v128) (local $hi1 v128) (local $lo1 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $b (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $blk (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_u (local.get $blk) (local.get $nblk)))
        (local.set $c0 (i32x4.splat (local.get $blk)))
        (local.set $c1 (i32x4.splat (local.get $step)))
        (local.set $c2 (i32x4.add (i32x4.splat (i32.add (local.get $first) (local.get $b))) (v128.const i32x4 0 1 2 3)))
        (local.set $c3 (i32x4.splat (local.get $stream)))
        (local.set $k0v (i32x4.splat (local.get $k0)))
        (local.set $k1v (i32x4.splat (local.get $k1)))
        (local.set $r (i32.const 0))
        (block $rdone (loop $rloop
          (br_if $rdone (i32.ge_u (local.get $r) (i32.const 10)))
${ROUND}          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rloop)))
        ;; transpose: lane j of (c0, c1, c2, c3) → the four words of trajectory b + j
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c0) (local.get $c1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c0) (local.get $c1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c2) (local.get $c3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c2) (local.get $c3)))
        (local.set $addr (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $b) (i32.shl (local.get $nblk) (i32.const 2))) (i32.shl (local.get $blk) (i32.const 2))) (i32.const 2))))
        (v128.store (local.get $addr) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (local.set $addr (i32.add (local.get $addr) (i32.shl (local.get $nblk) (i32.const 4))))
        (v128.store (local.get $addr) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (local.set $addr (i32.add (local.get $addr) (i32.shl (local.get $nblk) (i32.const 4))))
        (v128.store (local.get $addr) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (local.set $addr (i32.add (local.get $addr) (i32.shl (local.get $nblk) (i32.const 4))))
        (v128.store (local.get $addr) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
        (br $kloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br $bloop)))
  )
`;
