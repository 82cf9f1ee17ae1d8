/**
 * A surface built from sums over its coordinates, as one description from which every back end is generated for
 * any d: loops (the surface's own value and gradient, the JavaScript kernel, the WebAssembly kernel,
 * analysis/mc/wasm/coordsum.wat.ts) and, for d ≤ 128, the same operations unrolled as a program (program.ts: the
 * program kernels and the WGSL). In stages:
 *
 *   stage k: sums S = +0 + Σᵢ φ(xᵢ; the scalars so far) (coordinates in order), then scalar lines over them;
 *   f = F(the scalars),   ∂f/∂xᵢ = γ(xᵢ; the scalars),
 *
 * each written as equations in the graph's text form (src/ir/graph.ts) over the coordinate u and the scalars' names.
 * Ackley (sums of x² and cos cx) and the double well (the mean, then the spread about it) are coordinate sums.
 */
import { GraphBuilder, type Node, graphKey, needed } from '../ir/graph.ts';
import { jsFunction, jsOf, jsValues } from '../ir/js.ts';
import { type SurfaceProgram, surfaceProgram } from './program.ts';

export interface CoordSumStage {
  /** Each sum's name and its term over u and the earlier scalars. */
  sums: Record<string, string>;
  /** Assignments over the sums and the earlier scalars (new scalars). */
  lines: readonly string[];
}

export interface CoordSumSpec {
  name: string;
  dim: number;
  constants: Record<string, number>;
  stages: readonly CoordSumStage[];
  /** The loss over the scalars: `f = …`. */
  loss: string;
  /** A gradient entry over u and the scalars: `g = …`. */
  grad: string;
}

/** One piece of the loops: its output nodes over the inputs u and the scalars (as inputs), and the values it reads. */
export interface CoordSumPiece {
  /** The names the outputs set (sums, scalars, f or g). */
  names: string[];
  outputs: Node[];
  need: boolean[];
}

export interface CoordSum {
  /** The surface's name (messages). */
  name: string;
  /** The number of coordinates d. */
  dim: number;
  /** The graph's values (for the CPU back ends), over the inputs u and the scalars' names. */
  values: Node[];
  /** Per stage, its sums' terms (evaluated per coordinate) and its scalar lines (once). */
  stages: { terms: CoordSumPiece; scalars: CoordSumPiece }[];
  /** The loss over the scalars, and the gradient entry over u and the scalars. */
  loss: CoordSumPiece;
  grad: CoordSumPiece;
  /** f at the coordinates x[o], …, x[o + d − 1]. */
  value: (x: ArrayLike<number>, o: number) => number;
  /** ∇f there, into out[0 … d − 1]. */
  gradient: (x: ArrayLike<number>, o: number, out: Float64Array) => void;
  /** Identifies the generated code (kernel caches). */
  key: string;
}

/** The names a scalar line assigns. */
const assigned = (lines: readonly string[]) => lines.map((l) => /^\s*([A-Za-z_]\w*)\s*=/.exec(l)![1]);

export function coordSum(spec: CoordSumSpec): CoordSum {
  const b = new GraphBuilder(`surface ${spec.name}`, {}, true);
  const u = b.input('u');
  const scope: Record<string, Node> = {};
  const piece = (lines: readonly string[], names: string[], args: Record<string, Node>): CoordSumPiece => {
    const outputs = b.inline(spec.constants, lines, args, names);
    return { names, outputs, need: [] };
  };
  const stages = spec.stages.map((st) => {
    const sumNames = Object.keys(st.sums);
    const terms = piece(
      sumNames.map((n) => `${n} = ${st.sums[n]}`),
      sumNames,
      { u, ...scope },
    );
    for (const n of sumNames) scope[n] = b.input(n);
    const names = assigned(st.lines);
    const scalars = piece(st.lines, names, { ...scope });
    for (const n of names) scope[n] = b.input(n);
    return { terms, scalars };
  });
  const loss = piece([spec.loss], ['f'], { ...scope });
  const grad = piece([spec.grad], ['g'], { u, ...scope });
  for (const p of [...stages.flatMap((s) => [s.terms, s.scalars]), loss, grad]) p.need = needed(b.values, p.outputs);

  const input = (v: string) => v;
  const dim = spec.dim;
  const sums = (p: CoordSumPiece) => `${p.names.map((n) => `let ${n} = 0;`).join(' ')}
    for (let i = 0; i < ${dim}; i++) {
      const u = x[o + i];
      ${jsValues(b.values, input, p.need)}
      ${p.outputs.map((t, k) => `${p.names[k]} = ${p.names[k]} + ${jsOf(t, input)};`).join(' ')}
    }`;
  const scalarLines = (p: CoordSumPiece) => `{
    ${jsValues(b.values, input, p.need)}
    ${p.outputs.map((t, k) => `${p.names[k]} = ${jsOf(t, input)};`).join(' ')}
    }`;
  // Scalars are declared up front (each stage's block assigns them), so later stages and the loss see them.
  const declare = stages.flatMap((s) => s.scalars.names).map((n) => `let ${n} = 0;`).join(' ');
  const prologue = `${declare}\n${stages.map((s) => `${sums(s.terms)}\n${scalarLines(s.scalars)}`).join('\n')}`;
  const value = jsFunction<CoordSum['value']>(['x', 'o'], `${prologue}\n${jsValues(b.values, input, loss.need)}\nreturn ${jsOf(loss.outputs[0], input)};`);
  const gradient = jsFunction<CoordSum['gradient']>(
    ['x', 'o', 'out'],
    `${prologue}
    for (let i = 0; i < ${dim}; i++) {
      const u = x[o + i];
      ${jsValues(b.values, input, grad.need)}
      out[i] = ${jsOf(grad.outputs[0], input)};
    }`,
  );
  const shape = (p: CoordSumPiece) => ({ n: p.names, o: p.outputs });
  return {
    name: spec.name,
    dim,
    values: b.values,
    stages,
    loss,
    grad,
    value,
    gradient,
    key: graphKey({ d: dim, v: b.values, s: stages.map((s) => [shape(s.terms), shape(s.scalars)]), f: shape(loss), g: shape(grad) }),
  };
}

/** The coordinate sum as a program (unrolled over the d coordinates, the same operations in the same order). */
export function coordSumProgram(spec: CoordSumSpec): SurfaceProgram {
  return surfaceProgram(spec.name, spec.dim, (b, x) => {
    const scope: Record<string, Node> = {};
    for (const st of spec.stages) {
      for (const [name, term] of Object.entries(st.sums)) {
        let acc: Node = b.num(0);
        for (const xi of x) acc = b.value(b.binary('+', acc, b.inline(spec.constants, [`t = ${term}`], { u: xi, ...scope }, ['t'])[0]));
        scope[name] = acc;
      }
      const names = assigned(st.lines);
      b.inline(spec.constants, st.lines, { ...scope }, names).forEach((n, k) => {
        scope[names[k]] = n;
      });
    }
    const [loss] = b.inline(spec.constants, [spec.loss], { ...scope }, ['f']);
    const grad = x.map((xi) => b.inline(spec.constants, [spec.grad], { u: xi, ...scope }, ['g'])[0]);
    return { loss, grad };
  });
}
