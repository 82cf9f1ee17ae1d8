/**
 * The WGSL lowering of a window sum (src/surfaces/windowsum.ts): `grad(o)` and `value(o)` of trajectory o
 * as loops over the windows, in f32, with sin, cos, exp and log as the GPU's own functions (graph.wgsl.ts). The
 * same description and order of operations as the CPU kernels; the GPU agrees with them to f32 rounding (test/gpu).
 */
import type { WindowSum } from '../surfaces/windowsum.ts';
import { wgslFloat, wgslOf, wgslValues } from './graph.wgsl.ts';

export function windowSumWgsl(c: WindowSum): string {
  const g = c.gpu;
  const n = c.dim - c.width + 1;
  const load = Array.from({ length: c.width }, (_, k) => `let u${k} = x[(i + ${k}u) * st.n + o];`).join(' ');
  const input = (name: string) => name;
  return `fn grad(o: u32) {
  for (var j = 0u; j < ${c.dim}u; j++) { g[j] = 0.0; }
  for (var i = 0u; i < ${n}u; i++) {
    ${load}
    ${wgslValues(g.values, input, g.needParts)}
    ${g.parts.map((p, k) => `g[i + ${k}u] = g[i + ${k}u] + ${wgslOf(p, input)};`).join('\n    ')}
  }
}
fn value(o: u32) -> f32 {
  var s = f32(${wgslFloat(c.init)});
  for (var i = 0u; i < ${n}u; i++) {
    ${load}
    ${wgslValues(g.values, input, g.needTerm)}
    s = s + ${wgslOf(g.term, input)};
  }
  return s;
}`;
}
