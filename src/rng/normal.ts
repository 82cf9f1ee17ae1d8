/**
 * Box–Muller, the Gaussian DropGrad's standard normals, as one description (src/ir/graph.ts) from which the general
 * path's functions (JavaScript) and the fused kernels' (WebAssembly SIMD, analysis/mc/wasm/normal.wat.ts) are
 * generated: log, cos and sin are the toolkit's own (src/ir/elementary.ts), so the two give the same bits, and so
 * does every JavaScript engine (Math.log and Math.cos differ in the last bit between V8 versions and browsers).
 *
 * On two uint32 words w0, w1: u1 = (w0 + 1)/2³² ∈ (0, 1], u2 = w1/2³² ∈ [0, 1), R = √(−2 ln u1), θ = 2π u2, and
 * the pair of independent standard normals z_c = R cos θ, z_s = R sin θ (one argument reduction and one log for
 * both). Coordinates 2m and 2m + 1 take z_c and z_s of pair m (src/rng/keyed.ts `normal`).
 */
import { GraphBuilder, type Node, needed } from '../ir/graph.ts';
import { jsFunction, jsOf, jsValues } from '../ir/js.ts';
import { U32_TO_UNIT } from './philox.ts';

export interface NormalGraph {
  values: Node[];
  /** R cos θ and R sin θ, over the inputs w0 and w1 (the words as numbers). */
  zc: Node;
  zs: Node;
  /** The values that zc, that zs, and that both read. */
  needC: boolean[];
  needS: boolean[];
  need: boolean[];
}

/** The graph of (z_c, z_s)(w0, w1), for the CPU back ends (log, cos and sin expanded). */
export function normalGraph(): NormalGraph {
  const b = new GraphBuilder('Box–Muller', { U: U32_TO_UNIT, TWO_PI: 2 * Math.PI });
  b.input('w0');
  b.input('w1');
  b.assign('u1 = (w0 + 1) * U');
  b.assign('u2 = w1 * U');
  b.assign('r = sqrt(-2 * log(u1))');
  b.assign('theta = TWO_PI * u2');
  const zc = b.assign('zc = r * cos(theta)');
  const zs = b.assign('zs = r * sin(theta)');
  return { values: b.values, zc, zs, needC: needed(b.values, [zc]), needS: needed(b.values, [zs]), need: needed(b.values, [zc, zs]) };
}

const word = (name: string) => name;
const g = normalGraph();

/** z_c of Box–Muller on two uint32 words (above): the normal of an even coordinate. */
export const boxMuller: (w0: number, w1: number) => number = jsFunction(['w0', 'w1'], `${jsValues(g.values, word, g.needC)}\nreturn ${jsOf(g.zc, word)};`);
/** z_s of the same words: the normal of the odd coordinate beside it. */
export const boxMullerSin: (w0: number, w1: number) => number = jsFunction(['w0', 'w1'], `${jsValues(g.values, word, g.needS)}\nreturn ${jsOf(g.zs, word)};`);
