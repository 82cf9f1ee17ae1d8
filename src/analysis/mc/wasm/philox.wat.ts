/**
 * WAT for Philox4x32-10 over eight trajectories at once (THEORY.md §6, src/rng/philox.ts): two independent
 * chains (a, b) of four lanes each, interleaved so that one chain's multiplies overlap the other's; lane j of
 * chain a holds trajectory b + j, of chain b trajectory b + 4 + j. The 32×32→64-bit products come from
 * i64x2.extmul_{low,high}_i32x4_u; their high and low halves are gathered with one shuffle each. The ten rounds
 * are unrolled. Integer arithmetic only, so the words equal the scalar generator's.
 *
 * $philoxPass(B, nblk, step, first, stream, k0, k1, out, row): for b < B (B a multiple of 8) and block < nblk,
 * writes word w of counter (block, step, first + b, stream) to out + (4·block + w)·row + 4·b bytes: one row of
 * B words per coordinate, the layout the vectorised update reads (lane j of state word w is already trajectory
 * b + j, so no transpose is needed).
 */
const M0 = '(v128.const i32x4 0xd2511f53 0xd2511f53 0xd2511f53 0xd2511f53)';
const M1 = '(v128.const i32x4 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57 0xcd9e8d57)';
const HI = (l: string, h: string) => `(i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $${l}) (local.get $${h}))`;
const LO = (l: string, h: string) => `(i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $${l}) (local.get $${h}))`;

/** One round for chain x (state $x0 … $x3) with the current round keys. */
const round = (x: string) => `
        (local.set $${x}L0 (i64x2.extmul_low_i32x4_u (local.get $${x}0) ${M0}))
        (local.set $${x}H0 (i64x2.extmul_high_i32x4_u (local.get $${x}0) ${M0}))
        (local.set $${x}L1 (i64x2.extmul_low_i32x4_u (local.get $${x}2) ${M1}))
        (local.set $${x}H1 (i64x2.extmul_high_i32x4_u (local.get $${x}2) ${M1}))
        (local.set $${x}0 (v128.xor (v128.xor ${HI(`${x}L1`, `${x}H1`)} (local.get $${x}1)) (local.get $k0v)))
        (local.set $${x}2 (v128.xor (v128.xor ${HI(`${x}L0`, `${x}H0`)} (local.get $${x}3)) (local.get $k1v)))
        (local.set $${x}1 ${LO(`${x}L1`, `${x}H1`)})
        (local.set $${x}3 ${LO(`${x}L0`, `${x}H0`)})`;
const bump = `
        (local.set $k0v (i32x4.add (local.get $k0v) (v128.const i32x4 0x9e3779b9 0x9e3779b9 0x9e3779b9 0x9e3779b9)))
        (local.set $k1v (i32x4.add (local.get $k1v) (v128.const i32x4 0xbb67ae85 0xbb67ae85 0xbb67ae85 0xbb67ae85)))`;
const ROUNDS = Array.from({ length: 10 }, (_, r) => (r > 0 ? bump : '') + round('a') + round('b')).join('');
const vars = (x: string) => ['0', '1', '2', '3', 'L0', 'H0', 'L1', 'H1'].map((v) => `(local $${x}${v} v128)`).join(' ');
const store = (x: string, at: string) => `
        (local.set $addr (i32.add (i32.add (local.get $out) (i32.shl (i32.add (local.get $b) (i32.const ${at})) (i32.const 2)))
          (i32.mul (i32.shl (local.get $blk) (i32.const 2)) (local.get $row))))
        (v128.store (local.get $addr) (local.get $${x}0))
        (v128.store (i32.add (local.get $addr) (local.get $row)) (local.get $${x}1))
        (v128.store (i32.add (local.get $addr) (i32.shl (local.get $row) (i32.const 1))) (local.get $${x}2))
        (v128.store (i32.add (local.get $addr) (i32.mul (local.get $row) (i32.const 3))) (local.get $${x}3))`;

export const PHILOX_WAT = `
  (func $philoxPass (param $B i32) (param $nblk i32) (param $step i32) (param $first i32) (param $stream i32)
                    (param $k0 i32) (param $k1 i32) (param $out i32) (param $row i32)
    (local $b i32) (local $blk i32) (local $addr i32) (local $k0v v128) (local $k1v v128)
    ${vars('a')} ${vars('b')}
    (local.set $b (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $blk (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_u (local.get $blk) (local.get $nblk)))
        (local.set $a0 (i32x4.splat (local.get $blk)))
        (local.set $a1 (i32x4.splat (local.get $step)))
        (local.set $a2 (i32x4.add (i32x4.splat (i32.add (local.get $first) (local.get $b))) (v128.const i32x4 0 1 2 3)))
        (local.set $a3 (i32x4.splat (local.get $stream)))
        (local.set $b0 (local.get $a0))
        (local.set $b1 (local.get $a1))
        (local.set $b2 (i32x4.add (local.get $a2) (v128.const i32x4 4 4 4 4)))
        (local.set $b3 (local.get $a3))
        (local.set $k0v (i32x4.splat (local.get $k0)))
        (local.set $k1v (i32x4.splat (local.get $k1)))
${ROUNDS}
${store('a', '0')}
${store('b', '4')}
        (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
        (br $kloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 8)))
      (br $bloop)))
  )
`;
