/**
 * WAT for Gaussian DropGrad's multipliers: $normalPass(slot) writes, for every coordinate i and trajectory of the
 * block, MULT[i] = 1 + σ_i·z_i with z the Box–Muller normals of src/rng/normal.ts (lowered from its graph, two
 * trajectories per f64x2, so the bits are the general path's) on the words $philoxPass left in NORMW for this step.
 * Coordinates 2m and 2m + 1 take R cos θ and R sin θ of pair m, whose words 2(m mod 2), 2(m mod 2) + 1 of block
 * ⌊m/2⌋ are NORMW's u32 rows 2m and 2m + 1 (row r at r·ROW/2 bytes, so row 2m starts at m·ROW). MULT has an even
 * number of rows: an odd d's last pair writes its sine into a row nothing reads. $update multiplies the gradient
 * by MULT[i].
 */
import { constantKey, constantsOf } from '../../../ir/graph.ts';
import { normalGraph } from '../../../rng/normal.ts';
import { watOf, watValues } from './graph.wat.ts';
import { F, add, forLoop, forPairs, g, lg, ls, pin, splat, splatOf, vstore } from './wat.ts';

/** The pair's two u32 words at u32 row `row` (byte offset) of NORMW, as f64x2. */
const wordsOf = (row: string) => `(f64x2.convert_low_i32x4_u (v128.load64_zero ${add(add(g('NORMW'), row), `(i32.shr_u ${lg('p')} (i32.const 1))`)}))`;

/** σ of coordinate `i` at this slot, or 0 for i = d (an odd d's phantom coordinate). */
const sigmaOf = (i: string) =>
  `(select (f64.load ${add(g('SIG'), `(i32.shl ${add(`(i32.mul ${lg('slot')} ${g('d')})`, i)} (i32.const 3))`)}) (f64.const 0) (i32.lt_u ${i} ${g('d')}))`;

export function normalPassWat(): string {
  const n = normalGraph();
  const ks = constantsOf(n.values, n.need, [n.zc, n.zs]);
  const index = new Map(ks.map((v, j) => [constantKey(v), j]));
  const how = { input: lg, first: false, num: (v: number) => lg(`k${index.get(constantKey(v))}`) };
  const locals = ['w0', 'w1', 'sc', 'ss', 'one', ...n.values.map((_, id) => `v${id}`), ...ks.map((_, j) => `k${j}`)].map((v) => `(local $${v} v128)`).join(' ');
  // Pair m: rows 2m, 2m + 1 of NORMW (u32) at m·ROW, + ROW/2; MULT rows 2m, 2m + 1 at 2m·ROW, + ROW.
  const mult = (k: 0 | 1) => add(add(g('MULT'), `(i32.shl ${lg('ri')} (i32.const 1))`), k === 0 ? lg('p') : add(g('ROW'), lg('p')));
  return `
  (func $normalPass (param $slot i32)
    (local $m i32) (local $ri i32) (local $p i32) ${locals}
    ${ks.map((v, j) => pin(`k${j}`, splat(v))).join('\n    ')}
    ${pin('one', splat(1))}
    ${forLoop(
      'm',
      '(i32.const 0)',
      `(i32.shr_u (i32.add ${g('d')} (i32.const 1)) (i32.const 1))`,
      '(i32.const 1)',
      `(local.set $ri (i32.mul (local.get $m) ${g('ROW')}))
      ${ls('sc', splatOf(sigmaOf('(i32.shl (local.get $m) (i32.const 1))')))}
      ${ls('ss', splatOf(sigmaOf('(i32.add (i32.shl (local.get $m) (i32.const 1)) (i32.const 1))')))}
      ${forPairs(`${ls('w0', wordsOf(lg('ri')))}
        ${ls('w1', wordsOf(add(lg('ri'), `(i32.shr_u ${g('ROW')} (i32.const 1))`)))}
        ${watValues(n.values, how, n.need)}
        ${vstore(mult(0), F('add', lg('one'), F('mul', lg('sc'), watOf(n.zc, how))))}
        ${vstore(mult(1), F('add', lg('one'), F('mul', lg('ss'), watOf(n.zs, how))))}`)}`,
    )})`;
}
