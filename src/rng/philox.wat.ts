/**
 * WAT for Philox4x32-10 over eight trajectories at once (docs/theory.md §6, src/rng/philox.ts): two independent
 * chains (a, b) of four lanes each, interleaved so that one chain's multiplies overlap the other's; lane j of
 * chain a holds trajectory b + j, of chain b trajectory b + 4 + j. The 32×32→64-bit products come from
 * i64x2.extmul_{low,high}_i32x4_u; their high and low halves are gathered with one shuffle each. The ten rounds
 * are unrolled. Integer arithmetic only, so the words equal the scalar generator's.
 *
 * $philoxPass(B, nblk, step, first, stream, k0, k1, out, row): for b < B (B a multiple of 8) and block < nblk,
 * writes word w of counter (block, step, first + b, stream) to out + (4·block + w)·row + 4·b bytes: one row of
 * B words per word of a block (lane j of state word w is already trajectory b + j, so no transpose is needed).
 * It serves the full-update-drop stream and $refineGroup. $maskPass runs the same rounds on the mask stream and
 * writes DropGrad's keep masks instead, one row per mask half: the rows the vectorised update reads.
 */
import { STREAM_MASK, STREAM_REFINE } from './keyed.ts';

import { PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1 } from './philox.ts';

/** A Philox constant (src/rng/philox.ts) splatted to four u32 lanes. */
const splat4 = (c: number) => `(v128.const i32x4 ${Array(4).fill(`0x${c.toString(16)}`).join(' ')})`;
const M0 = splat4(PHILOX_M0);
const M1 = splat4(PHILOX_M1);
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
        (local.set $k0v (i32x4.add (local.get $k0v) ${splat4(PHILOX_W0)}))
        (local.set $k1v (i32x4.add (local.get $k1v) ${splat4(PHILOX_W1)}))`;
const ROUNDS = Array.from({ length: 10 }, (_, r) => (r > 0 ? bump : '') + round('a') + round('b')).join('');
const vars = (x: string) => ['0', '1', '2', '3', 'L0', 'H0', 'L1', 'H1'].map((v) => `(local $${x}${v} v128)`).join(' ');
const store = (x: string, at: string) => `
        (local.set $addr (i32.add (i32.add (local.get $out) (i32.shl (i32.add (local.get $b) (i32.const ${at})) (i32.const 2)))
          (i32.mul (i32.shl (local.get $blk) (i32.const 2)) (local.get $row))))
        (v128.store (local.get $addr) (local.get $${x}0))
        (v128.store (i32.add (local.get $addr) (local.get $row)) (local.get $${x}1))
        (v128.store (i32.add (local.get $addr) (i32.shl (local.get $row) (i32.const 1))) (local.get $${x}2))
        (v128.store (i32.add (local.get $addr) (i32.mul (local.get $row) (i32.const 3))) (local.get $${x}3))`;

/**
 * Keep masks of one chain's word x (state $x0 … $x3 = words 0 … 3) for halves 8·blk + 2w (low) and + 2w + 1 (high):
 * lane = −1 iff the half H > the threshold's high half; lanes where H equals it are collected in $eq (the rare
 * case the refine stream decides, see $maskPass).
 */
const halfMasks = (x: string, lane: string) =>
  [0, 1, 2, 3]
    .map((w) =>
      [0, 1]
        .map((hh) => {
          const j = 2 * w + hh;
          const h = hh === 0 ? `(v128.and (local.get $${x}${w}) (v128.const i32x4 0xffff 0xffff 0xffff 0xffff))` : `(i32x4.shr_u (local.get $${x}${w}) (i32.const 16))`;
          return `
        (local.set $h ${h})
        (local.set $eq (v128.or (local.get $eq) (i32x4.eq (local.get $h) (local.get $t${j}))))
        (v128.store (i32.add (local.get $maddr) (i32.add (i32.mul (i32.const ${j}) (local.get $row)) (i32.const ${lane}))) (i32x4.gt_s (local.get $h) (local.get $t${j})))`;
        })
        .join(''),
    )
    .join('');

/**
 * Both chains' blocks at counter (block $blk, step $step, trajectory $first + $b + lane, `stream`), key ($k0, $k1):
 * the counters, then the ten rounds; the words are left in $a0 … $a3 and $b0 … $b3.
 */
const blocks = (stream: string) => `
        (local.set $a0 (i32x4.splat (local.get $blk)))
        (local.set $a1 (i32x4.splat (local.get $step)))
        (local.set $a2 (i32x4.add (i32x4.splat (i32.add (local.get $first) (local.get $b))) (v128.const i32x4 0 1 2 3)))
        (local.set $a3 (i32x4.splat ${stream}))
        (local.set $b0 (local.get $a0))
        (local.set $b1 (local.get $a1))
        (local.set $b2 (i32x4.add (local.get $a2) (v128.const i32x4 4 4 4 4)))
        (local.set $b3 (local.get $a3))
        (local.set $k0v (i32x4.splat (local.get $k0)))
        (local.set $k1v (i32x4.splat (local.get $k1)))
${ROUNDS}`;

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
${blocks('(local.get $stream)')}
${store('a', '0')}
${store('b', '4')}
        (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
        (br $kloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 8)))
      (br $bloop)))
  )

  ;; DropGrad's keep masks (src/rng/keyed.ts): for b < B (a multiple of 8) and block < nblk, mask half f = 8·block + j
  ;; at counter (block, step, first + b, mask stream) against the threshold thr[f] (u32 at $thr + 4f): writes −1
  ;; (kept: H·2¹⁶ + R ≥ thr) or 0 to out + f·row + 4·b. H alone decides unless it equals thr's high half; when that
  ;; happens anywhere in a group of eight trajectories (probability ≈ 2⁻¹⁰), $refineGroup redoes the group exactly.
  (func $maskPass (param $B i32) (param $nblk i32) (param $step i32) (param $first i32)
                  (param $k0 i32) (param $k1 i32) (param $out i32) (param $row i32) (param $thr i32)
    (local $b i32) (local $blk i32) (local $maddr i32) (local $k0v v128) (local $k1v v128) (local $h v128) (local $eq v128)
    ${[0, 1, 2, 3, 4, 5, 6, 7].map((j) => `(local $t${j} v128)`).join(' ')}
    ${vars('a')} ${vars('b')}
    (local.set $blk (i32.const 0))
    (block $kdone (loop $kloop
      (br_if $kdone (i32.ge_u (local.get $blk) (local.get $nblk)))
      ;; The high halves of the block's eight thresholds, one per half.
      ${[0, 1, 2, 3, 4, 5, 6, 7].map((j) => `(local.set $t${j} (i32x4.splat (i32.shr_u (i32.load offset=${4 * j} (i32.add (local.get $thr) (i32.shl (local.get $blk) (i32.const 5)))) (i32.const 16))))`).join('\n      ')}
      (local.set $b (i32.const 0))
      (block $bdone (loop $bloop
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
${blocks(`(i32.const ${STREAM_MASK})`)}
        (local.set $maddr (i32.add (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 2)))
          (i32.mul (i32.shl (local.get $blk) (i32.const 3)) (local.get $row))))
        (local.set $eq (v128.const i32x4 0 0 0 0))
${halfMasks('a', '0')}
${halfMasks('b', '16')}
        (if (v128.any_true (local.get $eq)) (then
          (call $refineGroup (local.get $b) (local.get $blk) (local.get $step) (local.get $first)
            (local.get $k0) (local.get $k1) (local.get $out) (local.get $row) (local.get $thr))))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $bloop)))
      (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
      (br $kloop)))
  )

  ;; The exact masks of trajectories b … b + 7 for block blk: both streams' blocks (computed by $philoxPass into
  ;; RSCR: blocks 0 … blk, eight lanes per row), then W = H·2¹⁶ + R ≥ thr lane by lane.
  (func $refineGroup (param $b i32) (param $blk i32) (param $step i32) (param $first i32)
                     (param $k0 i32) (param $k1 i32) (param $out i32) (param $row i32) (param $thr i32)
    (local $j i32) (local $lane i32) (local $hw i32) (local $rw i32) (local $w i64) (local $shift i32) (local $at i32)
    (local $rows i32)
    (local.set $rows (i32.shl (i32.add (local.get $blk) (i32.const 1)) (i32.const 2)))
    (call $philoxPass (i32.const 8) (i32.add (local.get $blk) (i32.const 1)) (local.get $step) (i32.add (local.get $first) (local.get $b))
      (i32.const ${STREAM_MASK}) (local.get $k0) (local.get $k1) (global.get $RSCR) (i32.const 32))
    (call $philoxPass (i32.const 8) (i32.add (local.get $blk) (i32.const 1)) (local.get $step) (i32.add (local.get $first) (local.get $b))
      (i32.const ${STREAM_REFINE}) (local.get $k0) (local.get $k1) (i32.add (global.get $RSCR) (i32.shl (local.get $rows) (i32.const 5))) (i32.const 32))
    (local.set $j (i32.const 0))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_u (local.get $j) (i32.const 8)))
      (local.set $shift (i32.shl (i32.and (local.get $j) (i32.const 1)) (i32.const 4)))
      (local.set $lane (i32.const 0))
      (block $ldone (loop $lloop
        (br_if $ldone (i32.ge_u (local.get $lane) (i32.const 8)))
        ;; Word ⌊j/2⌋ of block blk for this lane: row 4·blk + ⌊j/2⌋ of the scratch.
        (local.set $at (i32.add (global.get $RSCR) (i32.add (i32.shl (i32.add (i32.shl (local.get $blk) (i32.const 2)) (i32.shr_u (local.get $j) (i32.const 1))) (i32.const 5))
          (i32.shl (local.get $lane) (i32.const 2)))))
        (local.set $hw (i32.and (i32.shr_u (i32.load (local.get $at)) (local.get $shift)) (i32.const 0xffff)))
        (local.set $rw (i32.and (i32.shr_u (i32.load (i32.add (local.get $at) (i32.shl (local.get $rows) (i32.const 5)))) (local.get $shift)) (i32.const 0xffff)))
        (local.set $w (i64.or (i64.shl (i64.extend_i32_u (local.get $hw)) (i64.const 16)) (i64.extend_i32_u (local.get $rw))))
        (i32.store
          (i32.add (i32.add (local.get $out) (i32.shl (i32.add (local.get $b) (local.get $lane)) (i32.const 2)))
            (i32.mul (i32.add (i32.shl (local.get $blk) (i32.const 3)) (local.get $j)) (local.get $row)))
          (i32.sub (i32.const 0) (i64.ge_u (local.get $w)
            (i64.extend_i32_u (i32.load (i32.add (local.get $thr) (i32.shl (i32.add (i32.shl (local.get $blk) (i32.const 3)) (local.get $j)) (i32.const 2))))))))
        (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
        (br $lloop)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jloop)))
  )
`;
