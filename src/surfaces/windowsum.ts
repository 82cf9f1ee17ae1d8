/**
 * A surface that is a sum of one term per window of consecutive coordinates, as one description from which every
 * back end is generated for any d (loops, where a program (program.ts) is straight-line code for d ≤ 128):
 *
 *   f(x) = s₀ + Σᵢ t(x_i, …, x_(i+w−1)) over the n = d − w + 1 windows i = 0 … n − 1,
 *   ∂f/∂x_j = +0 + the parts d_(j−i)(x_i, …, x_(i+w−1)) of the windows i that hold x_j, in increasing i,
 *
 * with the term t and its partial derivatives d_0 … d_(w−1) written as equations in the graph's text form
 * (src/ir/graph.ts) over the window's coordinates u0 … u(w−1). The sums run left to right from s₀ (the loss) and
 * from +0 (each gradient entry), on every back end: the surface's own value and gradient (JavaScript, what the
 * general path calls), the JavaScript kernel, the WebAssembly kernel (analysis/mc/wasm/step.wat.ts: the gradient in
 * one pass, the loss's terms as the update completes each window) and the WGSL (gpu/windowsum.wgsl.ts), so the CPU
 * paths return the same bits. N-D Rosenbrock (w = 2) and Rastrigin (w = 1) are window sums; `windowSumProgram`
 * unrolls one into a program with the same operations in the same order (what the program kernels run for d ≤ 128).
 */
import { GraphBuilder, type Node, graphKey, needed } from '../ir/graph.ts';
import { jsFunction, jsOf, jsValues } from '../ir/js.ts';
import { type SurfaceProgram, surfaceProgram } from './program.ts';

export interface WindowSumGraph {
  /** The graph's values in order of definition. */
  values: Node[];
  /** The term t over u0 … u(w−1). */
  term: Node;
  /** The parts d_k = ∂t/∂u_k, k = 0 … w − 1. */
  parts: Node[];
  /** The values the term reads. */
  needTerm: boolean[];
  /** The values the parts read. */
  needParts: boolean[];
}

export interface WindowSum {
  /** The surface's name (messages). */
  name: string;
  /** The number of coordinates d. */
  dim: number;
  /** Coordinates per window. */
  width: number;
  /** The loss's starting value s₀. */
  init: number;
  /** For the CPU back ends (sin, cos, exp, log expanded). */
  cpu: WindowSumGraph;
  /** For WGSL (the GPU's own functions). */
  gpu: WindowSumGraph;
  /** f at the coordinates x[o], …, x[o + d − 1]. */
  value: (x: ArrayLike<number>, o: number) => number;
  /** ∇f there, into out[0 … d − 1]. */
  gradient: (x: ArrayLike<number>, o: number, out: Float64Array) => void;
  /** Identifies the generated code (kernel caches). */
  key: string;
}

export interface WindowSumSpec {
  name: string;
  dim: number;
  width: number;
  init?: number;
  constants: Record<string, number>;
  /** Assignments over u0 … u(w−1) and the constants that set the term `t` and its parts `d0`, `d1`, …. */
  lines: readonly string[];
}

const windowNames = (w: number) => Array.from({ length: w }, (_, k) => `u${k}`);

function windowSumGraph(spec: WindowSumSpec, expand: boolean): WindowSumGraph {
  const b = new GraphBuilder(`surface ${spec.name}`, {}, expand);
  const u = windowNames(spec.width).map((n) => b.input(n));
  const [term, ...parts] = b.inline(spec.constants, spec.lines, Object.fromEntries(u.map((n, k) => [`u${k}`, n])), ['t', ...u.map((_, k) => `d${k}`)]);
  return { values: b.values, term, parts, needTerm: needed(b.values, [term]), needParts: needed(b.values, parts) };
}

export function windowSum(spec: WindowSumSpec): WindowSum {
  const { name, dim, width } = spec;
  if (!(width >= 1 && width <= dim)) throw new Error(`surface ${name}: a window of ${width} coordinates in d = ${dim}`);
  const init = spec.init ?? 0;
  const cpu = windowSumGraph(spec, true);
  const gpu = windowSumGraph(spec, false);
  const n = dim - width + 1;
  const load = windowNames(width)
    .map((v, k) => `const ${v} = x[o + i + ${k}];`)
    .join(' ');
  const window = (v: string) => v;
  const value = jsFunction<WindowSum['value']>(
    ['x', 'o'],
    `let s = ${jsOf({ k: 'num', v: init }, window)};
    for (let i = 0; i < ${n}; i++) {
      ${load}
      ${jsValues(cpu.values, window, cpu.needTerm)}
      s = s + ${jsOf(cpu.term, window)};
    }
    return s;`,
  );
  const gradient = jsFunction<WindowSum['gradient']>(
    ['x', 'o', 'out'],
    `for (let j = 0; j < ${dim}; j++) out[j] = 0;
    for (let i = 0; i < ${n}; i++) {
      ${load}
      ${jsValues(cpu.values, window, cpu.needParts)}
      ${cpu.parts.map((p, k) => `out[i + ${k}] = out[i + ${k}] + ${jsOf(p, window)};`).join('\n      ')}
    }`,
  );
  return { name, dim, width, init, cpu, gpu, value, gradient, key: graphKey({ d: dim, w: width, s: init, v: cpu.values, t: cpu.term, p: cpu.parts }) };
}

/** The window sum as a program (its loss and gradient unrolled over the d coordinates, the same operations in the same order). */
export function windowSumProgram(spec: WindowSumSpec): SurfaceProgram {
  const { dim, width } = spec;
  const init = spec.init ?? 0;
  return surfaceProgram(spec.name, dim, (b, x) => {
    let loss: Node = b.num(init);
    const grad: Node[] = x.map(() => b.num(0));
    for (let i = 0; i + width <= dim; i++) {
      const [t, ...parts] = b.inline(spec.constants, spec.lines, Object.fromEntries(windowNames(width).map((v, k) => [v, x[i + k]])), ['t', ...windowNames(width).map((_, k) => `d${k}`)]);
      loss = b.value(b.binary('+', loss, t));
      parts.forEach((p, k) => {
        grad[i + k] = b.value(b.binary('+', grad[i + k], p));
      });
    }
    return { loss, grad };
  });
}
