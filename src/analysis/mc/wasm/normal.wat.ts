/**
 * WAT for Gaussian DropGrad's multipliers: $normalPass(slot) writes, for every coordinate i and trajectory of the
 * block, MULT[i] = 1 + σ_i·z with z the Box–Muller normal of src/rng/normal.ts (lowered from its graph, two
 * trajectories per f64x2, so the bits are the general path's) on the words $philoxPass left in NORMW for this step:
 * coordinate i reads words 2(i mod 2), 2(i mod 2) + 1 of block ⌊i/2⌋, which are NORMW's u32 rows 2i and 2i + 1
 * (row r at r·ROW/2 bytes, so row 2i starts at i·ROW). $update multiplies the gradient by MULT[i].
 */
import { constantKey, constantsOf } from '../../../ir/graph.ts';
import { normalGraph } from '../../../rng/normal.ts';
import { watOf, watValues } from './graph.wat.ts';
import { F, add, at, forPairs, forRows, g, lg, ls, pin, splat, splatOf, vstore } from './wat.ts';

/** The pair's two u32 words at u32 row `row` (byte offset) of NORMW, as f64x2. */
const wordsOf = (row: string) => `(f64x2.convert_low_i32x4_u (v128.load64_zero ${add(add(g('NORMW'), row), `(i32.shr_u ${lg('p')} (i32.const 1))`)}))`;

export function normalPassWat(): string {
  const n = normalGraph();
  const ks = constantsOf(n.values, n.need, [n.z]);
  const index = new Map(ks.map((v, j) => [constantKey(v), j]));
  const how = { input: lg, first: false, num: (v: number) => lg(`k${index.get(constantKey(v))}`) };
  const locals = ['w0', 'w1', 's', 'one', ...n.values.map((_, id) => `v${id}`), ...ks.map((_, j) => `k${j}`)].map((v) => `(local $${v} v128)`).join(' ');
  return `
  (func $normalPass (param $slot i32)
    (local $i i32) (local $ri i32) (local $p i32) ${locals}
    ${ks.map((v, j) => pin(`k${j}`, splat(v))).join('\n    ')}
    ${pin('one', splat(1))}
    ${forRows(`${ls('s', splatOf(`(f64.load ${add(g('SIG'), `(i32.shl ${add(`(i32.mul ${lg('slot')} ${g('d')})`, lg('i'))} (i32.const 3))`)})`))}
      ${forPairs(`${ls('w0', wordsOf(lg('ri')))}
        ${ls('w1', wordsOf(add(lg('ri'), `(i32.shr_u ${g('ROW')} (i32.const 1))`)))}
        ${watValues(n.values, how, n.need)}
        ${vstore(at('MULT'), F('add', lg('one'), F('mul', lg('s'), watOf(n.z, how))))}`)}`)})`;
}
