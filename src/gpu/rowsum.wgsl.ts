/**
 * The WGSL lowering of a sum over data rows (src/surfaces/rowsum.ts: logistic regression): `grad(o)` and
 * `value(o)` of trajectory o as loops over the rows, in f32, with exp, log and log1p as the GPU's own functions
 * (graph.wgsl.ts). The design (rows × features, row-major) and the targets are the first numbers of `consts`
 * (gpu/simulate.ts puts them there; the rule's count tables follow, kernel.wgsl.ts `CT`). The same description and
 * order of operations as the CPU kernels; the GPU agrees with them to f32 rounding (test/gpu).
 */
import type { RowSum } from '../surfaces/rowsum.ts';
import { wgslOf, wgslValues } from './graph.wgsl.ts';

export function rowSumWgsl(r: RowSum): string {
  const g = r.gpu;
  const n = r.rows;
  const input = (name: string) => name;
  const score = `var z = 0.0;
    for (var j = 0u; j < D; j++) { z = z + consts[r * D + j] * x[j * st.n + o]; }
    let y = consts[${n}u * D + r];`;
  return `fn grad(o: u32) {
  for (var j = 0u; j < D; j++) { g[j] = 0.0; }
  for (var r = 0u; r < ${n}u; r++) {
    ${score}
    ${wgslValues(g.values, input, g.needWeight)}
    let e = ${wgslOf(g.weight, input)};
    for (var j = 0u; j < D; j++) { g[j] = g[j] + e * consts[r * D + j]; }
  }
}
fn value(o: u32) -> f32 {
  var s = 0.0;
  for (var r = 0u; r < ${n}u; r++) {
    ${score}
    ${wgslValues(g.values, input, g.needTerm)}
    s = s + ${wgslOf(g.term, input)};
  }
  ${wgslValues(g.values, input, g.needLoss)}
  return ${wgslOf(g.loss, input)};
}`;
}
