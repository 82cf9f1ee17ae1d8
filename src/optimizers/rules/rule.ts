/**
 * One description of an optimizer's update rule, from which every fused Monte-Carlo back end is generated
 * (JavaScript: rule.js.ts, WebAssembly SIMD: rule.wat.ts, WGSL: src/gpu/rule.wgsl.ts) — the same idea as a JAX
 * primitive defined once and lowered per platform. The links in src/optimizers stay the readable, composable
 * reference; test/optimizers/rules.test.ts proves that each generated kernel returns the links' bits.
 *
 * A rule is written as the equations of its paper in PyTorch's order of operations: a list of assignments
 * `name = expression` over
 *   g      the DropGrad gradient coordinate g̃ᵢ (it may be reassigned, e.g. `g = g + wd * x` for L2 decay),
 *   x      the parameter coordinate xᵢ before the step,
 *   state  the rule's per-coordinate state (declared with its initial value; a read before the state's assignment
 *          is the previous step's value, the last assignment is the new state),
 *   counts per-count scalars (bias corrections and the like): functions of the rule's own step count c = 1, 2, …
 *          computed on the host in float64 and looked up by count, so they cost nothing per coordinate,
 *   first  true at c = 1 (PyTorch's momentum buffer starts as the first gradient), only as `first ? a : b`,
 * and named constants (the hyperparameters), substituted as literals; the direction is `u` (x ← x − η·u).
 * Operators: + − * / (left-associative, as in JavaScript), unary −, parentheses, sqrt, abs, sign, max, min.
 * Subexpressions of constants only are folded in float64 exactly as JavaScript evaluates them (`(1 - b1) * g`
 * is one product, as in the link); `e * 1`, `1 * e` and `e / 1` are dropped (exact).
 *
 * The language is parsed by the small recursive-descent parser below rather than by mathjs: mathjs takes about a
 * second to load, and every worker builds its kernels when it starts.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | 'max' | 'min';
export type UnaryOp = 'neg' | 'sqrt' | 'abs' | 'sign';

/** A node of a rule's expression graph. `ref` points at an earlier value (SSA: each assignment is one value). */
export type RuleNode =
  | { k: 'num'; v: number }
  | { k: 'g' }
  | { k: 'x' }
  | { k: 'old'; slot: number }
  | { k: 'count'; slot: number }
  | { k: 'ref'; id: number }
  | { k: 'bin'; op: BinaryOp; a: RuleNode; b: RuleNode }
  | { k: 'un'; op: UnaryOp; a: RuleNode }
  | { k: 'first'; yes: RuleNode; no: RuleNode };

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

/** The compiled rule: values in order of definition, the new state's values and the direction u. */
export interface UpdateRule {
  name: string;
  stateNames: string[];
  stateInit: number[];
  countNames: string[];
  countTable: (cMax: number) => Float64Array[];
  /** Whether `first` is read. */
  usesFirst: boolean;
  values: RuleNode[];
  /** Per state slot, the node of its new value (null: not assigned, the state keeps its value). */
  stateOut: (RuleNode | null)[];
  u: RuleNode;
  /** A string that identifies the generated code (cache key): the graph, without the host tables. */
  key: string;
}

/** Most state slots and count tables a rule may have (the kernels' layouts reserve this many). */
export const MAX_STATE = 4;
export const MAX_COUNTS = 4;

type Ast =
  | { t: 'num'; v: number }
  | { t: 'name'; name: string }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: Ast; b: Ast }
  | { t: 'neg'; a: Ast }
  | { t: 'call'; fn: string; args: Ast[] }
  | { t: 'cond'; cond: string; yes: Ast; no: Ast };

/** Parses one expression of the rule language (grammar in the header). */
export function parseRuleExpression(src: string): Ast {
  const tokens = src.match(/\s*(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|[A-Za-z_]\w*|[-+*/(),?:])/gy);
  if (!tokens || tokens.join('').replace(/\s/g, '') !== src.replace(/\s/g, '')) throw new Error(`rule: cannot read "${src}"`);
  const tok = tokens.map((s) => s.trim());
  let i = 0;
  const peek = () => tok[i];
  const eat = (s?: string) => {
    const t = tok[i++];
    if (t === undefined || (s !== undefined && t !== s)) throw new Error(`rule: expected ${s ?? 'more'} in "${src}"`);
    return t;
  };
  const primary = (): Ast => {
    const t = eat();
    if (t === '(') {
      const e = conditional();
      eat(')');
      return e;
    }
    if (t === '-') return { t: 'neg', a: unary() };
    if (/^[\d.]/.test(t)) return { t: 'num', v: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() !== '(') return { t: 'name', name: t };
      eat('(');
      const args = [conditional()];
      while (peek() === ',') {
        eat(',');
        args.push(conditional());
      }
      eat(')');
      return { t: 'call', fn: t, args };
    }
    throw new Error(`rule: unexpected "${t}" in "${src}"`);
  };
  const unary = (): Ast => primary();
  const term = (): Ast => {
    let a = unary();
    while (peek() === '*' || peek() === '/') {
      const op = eat() as '*' | '/';
      a = { t: 'bin', op, a, b: unary() };
    }
    return a;
  };
  const sum = (): Ast => {
    let a = term();
    while (peek() === '+' || peek() === '-') {
      const op = eat() as '+' | '-';
      a = { t: 'bin', op, a, b: term() };
    }
    return a;
  };
  const conditional = (): Ast => {
    const c = sum();
    if (peek() !== '?') return c;
    if (c.t !== 'name') throw new Error(`rule: a condition must be a name (first) in "${src}"`);
    eat('?');
    const yes = conditional();
    eat(':');
    return { t: 'cond', cond: c.name, yes, no: conditional() };
  };
  const e = conditional();
  if (i !== tok.length) throw new Error(`rule: unexpected "${tok[i]}" in "${src}"`);
  return e;
}

const FOLD: Record<BinaryOp, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  max: Math.max,
  min: Math.min,
};
const FOLD1: Record<UnaryOp, (a: number) => number> = { neg: (a) => -a, sqrt: Math.sqrt, abs: Math.abs, sign: Math.sign };
const isLeaf = (n: RuleNode) => n.k === 'num' || n.k === 'g' || n.k === 'x' || n.k === 'old' || n.k === 'count' || n.k === 'ref';

/** Compiles a rule's equations into its expression graph. */
export function updateRule(spec: RuleSpec): UpdateRule {
  const constants = spec.constants ?? {};
  const stateNames = Object.keys(spec.state ?? {});
  const countNames = spec.counts?.names ?? [];
  if (stateNames.length > MAX_STATE) throw new Error(`rule ${spec.name}: at most ${MAX_STATE} state slots`);
  if (countNames.length > MAX_COUNTS) throw new Error(`rule ${spec.name}: at most ${MAX_COUNTS} count tables`);
  const values: RuleNode[] = [];
  const env = new Map<string, RuleNode>([
    ['g', { k: 'g' }],
    ['x', { k: 'x' }],
  ]);
  stateNames.forEach((n, slot) => env.set(n, { k: 'old', slot }));
  countNames.forEach((n, slot) => env.set(n, { k: 'count', slot }));
  let usesFirst = false;
  /** A value of its own (so that a node read twice, as sign's argument, is computed once). */
  const materialise = (n: RuleNode): RuleNode => {
    if (isLeaf(n)) return n;
    values.push(n);
    return { k: 'ref', id: values.length - 1 };
  };
  const build = (a: Ast): RuleNode => {
    switch (a.t) {
      case 'num':
        return { k: 'num', v: a.v };
      case 'name': {
        if (a.name in constants) return { k: 'num', v: constants[a.name] };
        const n = env.get(a.name);
        if (!n) throw new Error(`rule ${spec.name}: unknown name ${a.name}`);
        return n;
      }
      case 'neg': {
        const x = build(a.a);
        return x.k === 'num' ? { k: 'num', v: -x.v } : { k: 'un', op: 'neg', a: x };
      }
      case 'bin':
        return binary(a.op, build(a.a), build(a.b));
      case 'call': {
        const args = a.args.map(build);
        if ((a.fn === 'max' || a.fn === 'min') && args.length === 2) return binary(a.fn, args[0], args[1]);
        if ((a.fn === 'sqrt' || a.fn === 'abs' || a.fn === 'sign') && args.length === 1) {
          const x = args[0];
          if (x.k === 'num') return { k: 'num', v: FOLD1[a.fn](x.v) };
          return { k: 'un', op: a.fn, a: a.fn === 'sign' ? materialise(x) : x };
        }
        throw new Error(`rule ${spec.name}: unknown function ${a.fn}/${args.length}`);
      }
      case 'cond':
        if (a.cond !== 'first') throw new Error(`rule ${spec.name}: the only condition is first`);
        usesFirst = true;
        return { k: 'first', yes: build(a.yes), no: build(a.no) };
    }
  };
  const binary = (op: BinaryOp, x: RuleNode, y: RuleNode): RuleNode => {
    if (x.k === 'num' && y.k === 'num') return { k: 'num', v: FOLD[op](x.v, y.v) };
    if (op === '*' && x.k === 'num' && x.v === 1) return y;
    if ((op === '*' || op === '/') && y.k === 'num' && y.v === 1) return x;
    return { k: 'bin', op, a: x, b: y };
  };
  for (const line of spec.steps) {
    if (line.trim() === '') continue;
    const m = /^\s*([A-Za-z_]\w*)\s*=(.*)$/.exec(line);
    if (!m) throw new Error(`rule ${spec.name}: "${line}" is not an assignment`);
    const [, name, rhs] = m;
    if (name === 'x' || name in constants || countNames.includes(name)) throw new Error(`rule ${spec.name}: ${name} cannot be assigned`);
    env.set(name, materialise(build(parseRuleExpression(rhs))));
  }
  const u = env.get('u');
  if (!u) throw new Error(`rule ${spec.name}: the direction u is never assigned`);
  const stateOut = stateNames.map((n, slot) => {
    const v = env.get(n)!;
    return v.k === 'old' && v.slot === slot ? null : v;
  });
  const rule = {
    name: spec.name,
    stateNames,
    stateInit: stateNames.map((n) => spec.state![n]),
    countNames,
    countTable: spec.counts?.table ?? (() => []),
    usesFirst,
    values,
    stateOut,
    u,
  };
  return { ...rule, key: JSON.stringify({ n: rule.name, s: rule.stateInit, c: countNames.length, f: usesFirst, v: values, o: stateOut, u }) };
}

/** Count tables for c = 0 … cMax from a function of c (index 0 holds f(0), never read). */
export const perCount = (cMax: number, f: (c: number) => number) => Float64Array.from({ length: cMax + 1 }, (_, c) => f(c));
