/**
 * The WebAssembly SIMD lowering of a graph (src/ir/graph.ts): f64x2 code over two trajectories, the same IEEE 754
 * operations in the same order as the JavaScript lowering (WebAssembly's f64 arithmetic, sqrt, min and max are
 * IEEE 754's, as JavaScript's are). Sign is two compares and two selects (sign(±0) = ±0, sign(NaN) = NaN, as
 * Math.sign).
 */
import type { Node } from '../../../ir/graph.ts';
import { F, ZERO, lg, ls, sel, splat } from './wat.ts';

export interface GraphLowering {
  /** An input as a v128 expression. */
  input: (name: string) => string;
  /** The rule's first step: known (true/false), or a per-lane mask expression. */
  first: boolean | string;
}

const BIN: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', max: 'max', min: 'min' };

export function watOf(n: Node, how: GraphLowering): string {
  const r = (m: Node) => watOf(m, how);
  switch (n.k) {
    case 'num':
      return splat(n.v);
    case 'in':
      return how.input(n.name);
    case 'ref':
      return lg(`v${n.id}`);
    case 'bin':
      return F(BIN[n.op], r(n.a), r(n.b));
    case 'un': {
      const a = r(n.a);
      if (n.op === 'sign') return sel(splat(1), sel(splat(-1), a, F('lt', a, ZERO)), F('gt', a, ZERO));
      return F(n.op, a);
    }
    case 'first':
      if (how.first === true) return r(n.yes);
      if (how.first === false) return r(n.no);
      return sel(r(n.yes), r(n.no), how.first);
  }
}

/** `(local.set $v<id> …)` for every value. */
export const watValues = (values: readonly Node[], how: GraphLowering) => values.map((v, id) => ls(`v${id}`, watOf(v, how))).join('\n        ');
