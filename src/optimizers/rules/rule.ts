/**
 * One description of an optimizer's update rule, from which every fused Monte-Carlo back end is generated
 * (JavaScript: analysis/mc/rule.js.ts, WebAssembly SIMD: analysis/mc/wasm/rule.wat.ts, WGSL: gpu/rule.wgsl.ts).
 * The links in src/optimizers stay the readable, composable reference that users call; the engine tests prove that
 * each generated kernel returns the links' bits (test/analysis/engine.test.ts), and the links match PyTorch
 * (test/optimizers/torch.test.ts).
 *
 * A rule is written as its paper's equations in PyTorch's order of operations: `name = expression` lines (the text
 * form of src/ir/graph.ts) over
 *   g      the DropGrad gradient coordinate g̃ᵢ (it may be reassigned, e.g. `g = g + wd * x` for L2 decay),
 *   x      the parameter coordinate xᵢ before the step,
 *   state  the per-coordinate state, declared with its initial value (a read before the state's assignment is the
 *          previous step's value; its last assignment is the new state),
 *   counts per-count scalars (bias corrections and the like): functions of the rule's own step count c = 1, 2, …,
 *          computed on the host in float64 by the links' own expressions and looked up by count,
 *   first  true at c = 1 (PyTorch's momentum buffer starts as the first gradient), as `first ? a : b`,
 * and named constants (the hyperparameters), substituted as literals; the direction is `u` (x ← x − η·u).
 */
import { GraphBuilder, type Node, graphKey } from '../../ir/graph.ts';

export interface RuleSpec {
  /** The optimizer's name (messages and kernel cache keys). */
  name: string;
  /** Hyperparameters, substituted as literals. */
  constants?: Record<string, number>;
  /** Per-coordinate state and its initial value, in slot order. */
  state?: Record<string, number>;
  /**
   * Per-count scalars: `table(cMax)` returns, for each name in order, values at counts c = 0 … cMax (index c;
   * c = 0 is never read). Built in order of c, so running products are the links' own.
   */
  counts?: { names: string[]; table: (cMax: number) => Float64Array[] };
  /** The assignments, in order (empty strings are skipped: a line that an option turns off). */
  steps: string[];
}

/**
 * The compiled rule. Inputs: `g`, `x`, the old state `s0`, `s1`, … and the count values `c0`, `c1`, …;
 * `values` in order of definition, the new state per slot (null: unchanged) and the direction u.
 */
export interface UpdateRule {
  name: string;
  stateNames: string[];
  stateInit: number[];
  countNames: string[];
  countTable: (cMax: number) => Float64Array[];
  /** Whether `first` is read. */
  usesFirst: boolean;
  values: Node[];
  stateOut: (Node | null)[];
  u: Node;
  /** A string that identifies the generated code (cache key): the graph, without the host tables. */
  key: string;
}

/** Most state slots and count tables a rule may have (the kernels' layouts reserve this many). */
export const MAX_STATE = 4;
export const MAX_COUNTS = 4;

/** Compiles a rule's equations into its graph. */
export function updateRule(spec: RuleSpec): UpdateRule {
  const stateNames = Object.keys(spec.state ?? {});
  const countNames = spec.counts?.names ?? [];
  if (stateNames.length > MAX_STATE) throw new Error(`rule ${spec.name}: at most ${MAX_STATE} state slots`);
  if (countNames.length > MAX_COUNTS) throw new Error(`rule ${spec.name}: at most ${MAX_COUNTS} count tables`);
  const b = new GraphBuilder(`rule ${spec.name}`, spec.constants);
  b.input('g');
  b.input('x');
  const old = stateNames.map((n, k) => {
    const input: Node = { k: 'in', name: `s${k}` };
    b.env.set(n, input);
    return input;
  });
  countNames.forEach((n, k) => b.env.set(n, { k: 'in', name: `c${k}` }));
  for (const line of spec.steps) {
    if (line.trim() === '') continue;
    const name = /^\s*(\w+)/.exec(line)?.[1];
    if (name === 'x' || (name !== undefined && countNames.includes(name))) throw new Error(`rule ${spec.name}: ${name} cannot be assigned`);
    b.assign(line);
  }
  const u = b.get('u');
  const stateOut = stateNames.map((n, k) => {
    const v = b.get(n);
    return v === old[k] ? null : v;
  });
  const rule = {
    name: spec.name,
    stateNames,
    stateInit: stateNames.map((n) => spec.state![n]),
    countNames,
    countTable: spec.counts?.table ?? (() => []),
    usesFirst: b.usesFirst,
    values: b.values,
    stateOut,
    u,
  };
  return { ...rule, key: graphKey({ n: rule.name, s: rule.stateInit, c: countNames.length, f: rule.usesFirst, v: rule.values, o: stateOut, u }) };
}

/** Count tables for c = 0 … cMax from a function of c (index 0 holds f(0), never read). */
export const perCount = (cMax: number, f: (c: number) => number) => Float64Array.from({ length: cMax + 1 }, (_, c) => f(c));
