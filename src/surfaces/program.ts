/**
 * A surface as one description — its loss and gradient as an expression graph (src/ir/graph.ts) over the
 * coordinates x0 … x_{d−1} — from which every back end is generated: the surface's own `value` and `gradient`
 * (JavaScript), the fused CPU kernels (WebAssembly SIMD, analysis/mc/wasm/step.wat.ts) and the WebGPU kernel
 * (gpu/program.wgsl.ts). JavaScript and WebAssembly perform the same operations in the same order, so the general
 * path and the fused kernels return the same bits; sin, cos, exp and log are the expansions of src/ir/elementary.ts on
 * the CPU (within 1–2 ulp of Math's) and the GPU's own functions in WGSL (f32).
 *
 * The built-in benchmark surfaces (benchmarks.ts) are written in the graph's text form, as their equations; a
 * custom mathjs expression (expression.ts) is converted from mathjs's tree and its symbolic gradient.
 */
import { GraphBuilder, type Node, graphKey, needed } from '../ir/graph.ts';
import { jsFunction, jsOf, jsValues } from '../ir/js.ts';

/** Largest dimension of a surface program that runs fused (its loss and gradient are straight-line code). */
export const PROGRAM_MAX_D = 128;

export interface ProgramGraph {
  values: Node[];
  loss: Node;
  /** ∂f/∂x_i, i = 0 … d − 1. */
  grad: Node[];
  /** The values the loss reads, and those the gradient reads. */
  needLoss: boolean[];
  needGrad: boolean[];
}

/** A surface's value and gradient compiled to one graph per back end (what the engine's kernels are generated from). */
export interface SurfaceProgram {
  name: string;
  dim: number;
  /** For the CPU back ends (sin, cos, exp, log expanded). */
  cpu: ProgramGraph;
  /** For WGSL (sin, cos, exp, log as calls of the GPU's functions). */
  gpu: ProgramGraph;
  /** f at the coordinates x[o], …, x[o + d − 1]. */
  value: (x: ArrayLike<number>, o: number) => number;
  /** ∇f there, into out[0 … d − 1]. */
  gradient: (x: ArrayLike<number>, o: number, out: Float64Array) => void;
  /** Identifies the generated code (kernel caches). */
  key: string;
}

/** The builder's loss and gradient, from the inputs x0 … x_{d−1}. */
export type ProgramBuild = (b: GraphBuilder, x: Node[]) => { loss: Node; grad: Node[] };

function graphOf(name: string, dim: number, build: ProgramBuild, expand: boolean): ProgramGraph {
  const b = new GraphBuilder(`surface ${name}`, {}, expand);
  const x = Array.from({ length: dim }, (_, i) => b.input(`x${i}`));
  const out = build(b, x);
  if (out.grad.length !== dim) throw new Error(`surface ${name}: ${out.grad.length} gradient entries for d = ${dim}`);
  return { values: b.values, loss: out.loss, grad: out.grad, needLoss: needed(b.values, [out.loss]), needGrad: needed(b.values, out.grad) };
}

const coordinate = (name: string) => name;

export function surfaceProgram(name: string, dim: number, build: ProgramBuild): SurfaceProgram {
  const cpu = graphOf(name, dim, build, true);
  const gpu = graphOf(name, dim, build, false);
  const load = Array.from({ length: dim }, (_, i) => `const x${i} = x[o + ${i}];`).join(' ');
  const value = jsFunction<SurfaceProgram['value']>(['x', 'o'], `${load}\n${jsValues(cpu.values, coordinate, cpu.needLoss)}\nreturn ${jsOf(cpu.loss, coordinate)};`);
  const gradient = jsFunction<SurfaceProgram['gradient']>(
    ['x', 'o', 'out'],
    `${load}\n${jsValues(cpu.values, coordinate, cpu.needGrad)}\n${cpu.grad.map((g, i) => `out[${i}] = ${jsOf(g, coordinate)};`).join('\n')}`,
  );
  return { name, dim, cpu, gpu, value, gradient, key: graphKey({ d: dim, v: cpu.values, l: cpu.loss, g: cpu.grad }) };
}

/**
 * A program in the text form: `lines` of `name = expression` over the variables (coordinates in order) and the
 * named constants; the loss is `f`, the gradient `g0`, `g1`, … (by coordinate).
 */
export function textProgram(name: string, variables: readonly string[], constants: Record<string, number>, lines: readonly string[]): SurfaceProgram {
  return surfaceProgram(name, variables.length, (b, x) => {
    const [loss, ...grad] = b.inline(constants, lines, Object.fromEntries(variables.map((v, i) => [v, x[i]])), ['f', ...variables.map((_, i) => `g${i}`)]);
    return { loss, grad };
  });
}
