/**
 * A surface on data, summed row by row, as one description from which the surface's own value and gradient
 * (JavaScript, what the general path calls), the JavaScript kernel, the WebAssembly kernel
 * (analysis/mc/wasm/rows.wat.ts) and the WGSL (gpu/rowsum.wgsl.ts) are generated:
 *
 *   z_r = x_r·w (from +0, features in order),   f = post(s),  s = +0 + Σ_r t(z_r, y_r) (rows in order),
 *   ∇f = +0 + Σ_r e(z_r, y_r)·x_r,
 *
 * with the row's term t and its gradient weight e = ∂(post ∘ Σ t)/∂z_r written as equations in the graph's text
 * form (src/ir/graph.ts) over z and y, and post as a line `f = …` over s. The data stay data (rows × features
 * numbers in memory, read by every step), not constants of the generated code, so the code depends on the
 * number of features only. Logistic regression is one (logistic.ts).
 */
import { GraphBuilder, type Node, graphKey, needed } from '../ir/graph.ts';
import { jsFunction, jsOf, jsValues } from '../ir/js.ts';

export interface RowSumGraph {
  /** The graph's values in order of definition (over the inputs z, y and s). */
  values: Node[];
  /** The row's term t(z, y). */
  term: Node;
  /** The row's gradient weight e(z, y). */
  weight: Node;
  /** The loss post(s). */
  loss: Node;
  /** The values the term reads. */
  needTerm: boolean[];
  /** The values the weight reads. */
  needWeight: boolean[];
  /** The values the loss reads. */
  needLoss: boolean[];
}

export interface RowSum {
  /** The surface's name (messages). */
  name: string;
  /** The number of features (coordinates of w). */
  dim: number;
  /** The number of data rows. */
  rows: number;
  /** The design, row-major (rows × dim), and the targets. */
  X: Float64Array;
  y: Float64Array;
  /** For the CPU back ends (exp, log, log1p expanded). */
  cpu: RowSumGraph;
  /** For WGSL (the GPU's own functions). */
  gpu: RowSumGraph;
  /** f at w = x[o], …, x[o + d − 1]. */
  value: (x: ArrayLike<number>, o: number) => number;
  /** ∇f there, into out[0 … d − 1]. */
  gradient: (x: ArrayLike<number>, o: number, out: Float64Array) => void;
  /** Identifies the generated code (kernel caches): the graph and the number of features, not the data. */
  key: string;
}

export interface RowSumSpec {
  name: string;
  /** Rows × features, row-major. */
  X: Float64Array;
  y: Float64Array;
  dim: number;
  constants: Record<string, number>;
  /** Assignments over z, y and the constants that set the term `t` and the weight `e`. */
  lines: readonly string[];
  /** The loss over the sum s: `f = …`. */
  post: string;
}

function rowSumGraph(spec: RowSumSpec, expand: boolean): RowSumGraph {
  const b = new GraphBuilder(`surface ${spec.name}`, {}, expand);
  const z = b.input('z');
  const y = b.input('y');
  const s = b.input('s');
  const [term, weight] = b.inline(spec.constants, spec.lines, { z, y }, ['t', 'e']);
  const [loss] = b.inline(spec.constants, [spec.post], { s }, ['f']);
  return { values: b.values, term, weight, loss, needTerm: needed(b.values, [term]), needWeight: needed(b.values, [weight]), needLoss: needed(b.values, [loss]) };
}

export function rowSum(spec: RowSumSpec): RowSum {
  const { name, dim, X, y } = spec;
  const rows = y.length;
  if (X.length !== rows * dim) throw new Error(`surface ${name}: ${X.length} design entries for ${rows} rows × ${dim} features`);
  const cpu = rowSumGraph(spec, true);
  const gpu = rowSumGraph(spec, false);
  const input = (v: string) => v;
  const score = `let z = 0;
      for (let j = 0; j < ${dim}; j++) z = z + X[r * ${dim} + j] * x[o + j];
      const y = Y[r];`;
  const value = jsFunction<(x: ArrayLike<number>, o: number, X: Float64Array, Y: Float64Array) => number>(
    ['x', 'o', 'X', 'Y'],
    `let s = 0;
    for (let r = 0; r < ${rows}; r++) {
      ${score}
      ${jsValues(cpu.values, input, cpu.needTerm)}
      s = s + ${jsOf(cpu.term, input)};
    }
    ${jsValues(cpu.values, input, cpu.needLoss)}
    return ${jsOf(cpu.loss, input)};`,
  );
  const gradient = jsFunction<(x: ArrayLike<number>, o: number, out: Float64Array, X: Float64Array, Y: Float64Array) => void>(
    ['x', 'o', 'out', 'X', 'Y'],
    `for (let j = 0; j < ${dim}; j++) out[j] = 0;
    for (let r = 0; r < ${rows}; r++) {
      ${score}
      ${jsValues(cpu.values, input, cpu.needWeight)}
      const e = ${jsOf(cpu.weight, input)};
      for (let j = 0; j < ${dim}; j++) out[j] = out[j] + e * X[r * ${dim} + j];
    }`,
  );
  return {
    name,
    dim,
    rows,
    X,
    y,
    cpu,
    gpu,
    value: (x, o) => value(x, o, X, y),
    gradient: (x, o, out) => gradient(x, o, out, X, y),
    key: graphKey({ d: dim, v: cpu.values, t: cpu.term, e: cpu.weight, f: cpu.loss }),
  };
}
