/**
 * The WebAssembly SIMD lowering of a graph (src/ir/graph.ts): f64x2 code over two trajectories, the same IEEE 754
 * operations in the same order as the JavaScript lowering (WebAssembly's f64 arithmetic, sqrt, min and max are
 * IEEE 754's, as JavaScript's are). Sign is two compares and two selects (sign(±0) = ±0, sign(NaN) = NaN, as
 * Math.sign). Elementary functions are JavaScript's own Math functions, imported (module "math") and called per
 * lane, so they return Math's bits.
 */
import { type MathFunction, type Node, callsOf } from '../../../ir/graph.ts';
import { F, ZERO, lg, ls, sel, splat } from './wat.ts';

export interface GraphLowering {
  /** An input as a v128 expression. */
  input: (name: string) => string;
  /** The rule's first step: known (true/false), or a per-lane mask expression. */
  first?: boolean | string;
  /** Local name of value id (default v<id>). */
  local?: (id: number) => string;
}

const BIN: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', max: 'max', min: 'min' };

const lanes = (f: (lane: 0 | 1) => string) => `(f64x2.replace_lane 1 (f64x2.splat ${f(0)}) ${f(1)})`;
const lane = (v: string, k: 0 | 1) => `(f64x2.extract_lane ${k} ${v})`;

export function watOf(n: Node, how: GraphLowering): string {
  const r = (m: Node) => watOf(m, how);
  switch (n.k) {
    case 'num':
      return splat(n.v);
    case 'in':
      return how.input(n.name);
    case 'ref':
      return lg(how.local?.(n.id) ?? `v${n.id}`);
    case 'bin':
      return F(BIN[n.op], r(n.a), r(n.b));
    case 'un': {
      const a = r(n.a);
      if (n.op === 'sign') return sel(splat(1), sel(splat(-1), a, F('lt', a, ZERO)), F('gt', a, ZERO));
      return F(n.op, a);
    }
    case 'call': {
      const a = r(n.a);
      return lanes((k) => `(call $m_${n.fn} ${lane(a, k)})`);
    }
    case 'pow': {
      const a = r(n.a);
      const b = r(n.b);
      return lanes((k) => `(call $m_pow ${lane(a, k)} ${lane(b, k)})`);
    }
    case 'gt':
      return sel(r(n.yes), r(n.no), F('gt', r(n.a), r(n.b)));
    case 'first':
      if (how.first === true) return r(n.yes);
      if (how.first === false || how.first === undefined) return r(n.no);
      return sel(r(n.yes), r(n.no), how.first);
  }
}

/** `(local.set $v<id> …)` for the given values. */
export const watValues = (values: readonly Node[], ids: readonly number[], how: GraphLowering) =>
  ids.map((id) => ls(how.local?.(id) ?? `v${id}`, watOf(values[id], how))).join('\n        ');

/** The imports a set of graphs needs, and the object that provides them. */
export function mathImports(graphs: readonly (readonly Node[])[]): { wat: string; object: Record<string, (...a: number[]) => number> } {
  const fns = new Set<MathFunction>();
  let pow = false;
  for (const g of graphs) {
    const c = callsOf(g);
    for (const f of c.fns) fns.add(f);
    pow ||= c.pow;
  }
  const names = [...fns].sort() as string[];
  if (pow) names.push('pow');
  const wat = names.map((f) => `(import "math" "${f}" (func $m_${f} (param f64${f === 'pow' ? ' f64' : ''}) (result f64)))`).join('\n  ');
  return { wat, object: Object.fromEntries(names.map((f) => [f, Math[f as MathFunction | 'pow'] as (...a: number[]) => number])) };
}
