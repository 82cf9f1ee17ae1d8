/**
 * The WebAssembly SIMD lowering of a graph (src/ir/graph.ts): f64x2 code over two trajectories, the same IEEE 754
 * operations in the same order as the JavaScript lowering (WebAssembly's f64 arithmetic, sqrt, floor, min and max
 * are IEEE 754's, as JavaScript's are). Sign is two compares and two selects (sign(±0) = ±0, sign(NaN) = NaN, as
 * Math.sign); a comparison's select is a bitselect on the compare's lane mask. Calls go to `$m_<fn>`, which call
 * JavaScript's Math function on each lane (`mathImports`, `mathHelpers`): the same function, so the same bits.
 */
import type { CallFn, Node } from '../../../ir/graph.ts';
import { F, ZERO, lg, ls, sel, splat } from './wat.ts';

export interface GraphLowering {
  /** An input as a v128 expression. */
  input: (name: string) => string;
  /** The rule's first step: known (true/false), or a per-lane mask expression. */
  first: boolean | string;
  /** A constant as a v128 expression (default: v128.const). */
  num?: (v: number) => string;
  /** The locals' prefix: value id is local `<prefix><id>` (default v). */
  prefix?: string;
}

const BIN: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', max: 'max', min: 'min' };
const CMP: Record<string, string> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq' };

export function watOf(n: Node, how: GraphLowering): string {
  const r = (m: Node) => watOf(m, how);
  switch (n.k) {
    case 'num':
      return how.num ? how.num(n.v) : splat(n.v);
    case 'in':
      return how.input(n.name);
    case 'ref':
      return lg(`${how.prefix ?? 'v'}${n.id}`);
    case 'bin':
      return F(BIN[n.op], r(n.a), r(n.b));
    case 'un': {
      const a = r(n.a);
      if (n.op === 'sign') return sel(splat(1), sel(splat(-1), a, F('lt', a, ZERO)), F('gt', a, ZERO));
      // 2^k: k (an integer in [−1022, 1023]) + 1023 into the exponent bits.
      if (n.op === 'exp2i') return `(i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero ${a})) (v128.const i64x2 1023 1023)) (i32.const 52))`;
      // log's reduction (src/ir/elementary.ts): the bits plus 0x95f62 in the high word, then k = exponent field −
      // 1023 (the two lanes' low words gathered for the i32 → f64 conversion), m = significand | 0x3fe6a09e.
      if (n.op === 'expo' || n.op === 'mant') {
        const ix = `(i64x2.add ${a} (v128.const i64x2 0x00095f6200000000 0x00095f6200000000))`;
        if (n.op === 'mant') return `(i64x2.add (v128.and ${ix} (v128.const i64x2 0x000fffffffffffff 0x000fffffffffffff)) (v128.const i64x2 0x3fe6a09e00000000 0x3fe6a09e00000000))`;
        const e = `(i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 16 17 18 19 (i64x2.shr_u ${ix} (i32.const 52)) ${ZERO})`;
        return F('sub', `(f64x2.convert_low_i32x4_s ${e})`, splat(1023));
      }
      return F(n.op, a);
    }
    case 'first':
      if (how.first === true) return r(n.yes);
      if (how.first === false) return r(n.no);
      return sel(r(n.yes), r(n.no), how.first);
    case 'if':
      return sel(r(n.yes), r(n.no), F(CMP[n.op], r(n.a), r(n.b)));
    case 'call':
      return `(call $m_${n.fn} ${n.args.map(r).join(' ')})`;
    case 'quadrant': {
      // q = low bits of t (+ shift): bit 0 picks c over s, bit 1 flips the sign bit.
      const q = n.shift === 0 ? r(n.t) : `(i64x2.add ${r(n.t)} (v128.const i64x2 1 1))`;
      const v = sel(r(n.c), r(n.s), `(i64x2.eq (v128.and ${q} (v128.const i64x2 1 1)) (v128.const i64x2 1 1))`);
      return `(v128.xor ${v} (i64x2.shl (v128.and ${q} (v128.const i64x2 2 2)) (i32.const 62)))`;
    }
  }
}

/** `(local.set $v<id> …)` for every value (or every needed one). */
export const watValues = (values: readonly Node[], how: GraphLowering, need?: readonly boolean[]) =>
  values
    .map((v, id) => (need && !need[id] ? '' : ls(`${how.prefix ?? 'v'}${id}`, watOf(v, how))))
    .filter((s) => s !== '')
    .join('\n        ');

const arity = (fn: CallFn) => (fn === 'pow' ? 2 : 1);

/** The module's imports of Math's functions (they must precede its definitions). */
export const mathImports = (fns: Iterable<CallFn>) =>
  [...fns].map((fn) => `(import "math" "${fn}" (func $math_${fn} ${'(param f64) '.repeat(arity(fn))}(result f64)))`).join('\n  ');

/** `$m_<fn>`: Math's function on each lane. */
export const mathHelpers = (fns: Iterable<CallFn>) =>
  [...fns]
    .map((fn) => {
      const params = arity(fn) === 2 ? ['a', 'b'] : ['a'];
      const lane = (k: number) => `(call $math_${fn} ${params.map((p) => `(f64x2.extract_lane ${k} (local.get $${p}))`).join(' ')})`;
      return `(func $m_${fn} ${params.map((p) => `(param $${p} v128)`).join(' ')} (result v128)
    (f64x2.replace_lane 1 (f64x2.splat ${lane(0)}) ${lane(1)}))`;
    })
    .join('\n  ');

/** The import object for `mathImports`. */
export const mathImportObject = () => ({ math: Math as unknown as Record<string, (...a: number[]) => number> });
