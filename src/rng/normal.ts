/**
 * Box–Muller, the Gaussian DropGrad's standard normal, as one description (src/ir/graph.ts) from which the general
 * path's function (JavaScript) and the fused kernels' (WebAssembly SIMD, analysis/mc/wasm/normal.wat.ts) are
 * generated: log and cos are the toolkit's own (src/ir/elementary.ts), so the two give the same bits, and so does
 * every JavaScript engine (Math.log and Math.cos differ in the last bit between V8 versions and browsers).
 *
 * On two uint32 words w0, w1: u1 = (w0 + 1)/2³² ∈ (0, 1], u2 = w1/2³² ∈ [0, 1), z = √(−2 ln u1)·cos(2π u2).
 */
import { GraphBuilder, type Node, needed } from '../ir/graph.ts';
import { jsFunction, jsOf, jsValues } from '../ir/js.ts';
import { U32_TO_UNIT } from './philox.ts';

export interface NormalGraph {
  values: Node[];
  /** The standard normal, over the inputs w0 and w1 (the words as numbers). */
  z: Node;
  need: boolean[];
}

/** The graph of z(w0, w1), for the CPU back ends (log and cos expanded). */
export function normalGraph(): NormalGraph {
  const b = new GraphBuilder('Box–Muller', { U: U32_TO_UNIT, TWO_PI: 2 * Math.PI });
  b.input('w0');
  b.input('w1');
  b.assign('u1 = (w0 + 1) * U');
  b.assign('u2 = w1 * U');
  const z = b.assign('z = sqrt(-2 * log(u1)) * cos(TWO_PI * u2)');
  return { values: b.values, z, need: needed(b.values, [z]) };
}

const word = (name: string) => name;
const g = normalGraph();

/** Box–Muller on two uint32 words (above). */
export const boxMuller: (w0: number, w1: number) => number = jsFunction(['w0', 'w1'], `${jsValues(g.values, word, g.need)}\nreturn ${jsOf(g.z, word)};`);
