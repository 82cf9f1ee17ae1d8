/**
 * The WGSL lowering of a surface's program (src/surfaces/program.ts): `grad(o)` and `value(o)` of trajectory o, in
 * f32, from the program's graph with sin, cos, exp and log kept as the GPU's own functions (graph.wgsl.ts). The same
 * description as the CPU kernels; the GPU agrees with them to f32 rounding (test/gpu).
 */
import type { SurfaceProgram } from '../surfaces/program.ts';
import { wgslOf, wgslValues } from './graph.wgsl.ts';

export function programWgsl(p: SurfaceProgram): string {
  const c = p.gpu;
  const load = Array.from({ length: p.dim }, (_, i) => `let x${i} = x[${i}u * st.n + o];`).join(' ');
  const input = (name: string) => name;
  return `fn grad(o: u32) {
  ${load}
  ${wgslValues(c.values, input, c.needGrad)}
  ${c.grad.map((g, i) => `g[${i}] = ${wgslOf(g, input)};`).join('\n  ')}
}
fn value(o: u32) -> f32 {
  ${load}
  ${wgslValues(c.values, input, c.needLoss)}
  return ${wgslOf(c.loss, input)};
}`;
}
