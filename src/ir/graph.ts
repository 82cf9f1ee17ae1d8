/**
 * The expression graphs from which the fused kernels are generated: an optimizer's update rule
 * (src/optimizers/rules) and a surface's loss and gradient (src/surfaces/program.ts) are each one description,
 * lowered to JavaScript (ir/js.ts), WebAssembly SIMD (analysis/mc/wasm/graph.wat.ts) and WGSL (gpu/graph.wgsl.ts) —
 * the way a JAX primitive is defined once and lowered per platform.
 *
 * A graph is straight-line SSA: `values` in order of definition, each a pure node over the inputs, constants and
 * earlier values (`ref`). Every lowering performs the nodes' IEEE 754 operations in the same order (JavaScript,
 * WebAssembly and the kernels' scalar code never reassociate or fuse), so JavaScript and WebAssembly return the
 * same bits.
 *
 * Constant folding is exact: a subexpression of constants only is evaluated in float64 exactly as JavaScript
 * would evaluate it where it stands (`(1 - b1) * g` is one product, as in a link); `e * 1`, `1 * e` and `e / 1`
 * are dropped (exact for every e). Identical nodes are one value (hash-consing: pure nodes, so exact).
 *
 * The text form (rules and built-in surfaces): `name = expression` lines over + − * / (left-associative, as in
 * JavaScript), unary −, parentheses, the functions of `call` below, `first ? a : b` (rules: the first step) and
 * `a < b ? c : d` (also `<=`, `>`, `>=`, `==`). It is parsed by the small recursive-descent parser below rather than by
 * mathjs: mathjs takes about a second to load, and every worker builds its kernels at start.
 *
 * Elementary functions: sqrt, abs, sign, floor, min and max are primitives on every back end. sin, cos, exp, log and
 * log1p are expanded, for the CPU back ends, into the primitives of their own algorithm (src/ir/elementary.ts: argument
 * reduction and a polynomial), so that JavaScript and WebAssembly SIMD compute them with the same operations and
 * return the same bits; for WGSL they stay calls of the GPU's own functions (`expand: false`). The other functions
 * (tan, asin, acos, atan, sinh, cosh, tanh, log10, log2, pow) stay calls: WGSL's, and on the CPU JavaScript's
 * Math functions (called per lane from WebAssembly, so again the same bits).
 */

import { ELEMENTARY, expo, mant } from './elementary.ts';

export type BinaryOp = '+' | '-' | '*' | '/' | 'max' | 'min';
/**
 * exp2i: 2^k for an integer k in [−1022, 1023] (exp's scaling; only in expansions, which clamp k). expo and mant:
 * log's reduction a = 2^expo(a)·mant(a) with mant(a) ∈ [√2/2, √2), read off the bits (elementary.ts; defined for
 * every a, meaningful for positive normal a; only in expansions, which select another result elsewhere).
 */
export type UnaryOp = 'neg' | 'sqrt' | 'abs' | 'sign' | 'floor' | 'exp2i' | 'expo' | 'mant';
export type CmpOp = '<' | '<=' | '>' | '>=' | '==';
/** Functions kept as calls (see the header): one argument, but pow's two. */
export const CALLS = ['sin', 'cos', 'exp', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'log', 'log1p', 'log10', 'log2', 'pow'] as const;
export type CallFn = (typeof CALLS)[number];

export type Node =
  | { k: 'num'; v: number }
  /** A named input: a rule's g, x, old state slots s0…, count values c0…. */
  | { k: 'in'; name: string }
  | { k: 'ref'; id: number }
  | { k: 'bin'; op: BinaryOp; a: Node; b: Node }
  | { k: 'un'; op: UnaryOp; a: Node }
  /** The rule's first step ? yes : no. */
  | { k: 'first'; yes: Node; no: Node }
  /** a op b ? yes : no (false where either is NaN, as in JavaScript). */
  | { k: 'if'; op: CmpOp; a: Node; b: Node; yes: Node; no: Node }
  | { k: 'call'; fn: CallFn; args: Node[] }
  /**
   * sin's (shift 0) or cos's (shift 1) quadrant choice (src/ir/elementary.ts): with q = (k + shift) mod 4 read off
   * the low bits of t = a·2/π + 1.5·2⁵² (whose last mantissa bits hold the integer k), s on even q and c on odd,
   * negated for q ≥ 2. Integer operations on the bits instead of a dozen floating-point ones; CPU expansions only.
   */
  | { k: 'quadrant'; shift: 0 | 1; t: Node; s: Node; c: Node };

export type Ast =
  | { t: 'num'; v: number }
  | { t: 'name'; name: string }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: Ast; b: Ast }
  | { t: 'neg'; a: Ast }
  | { t: 'call'; fn: string; args: Ast[] }
  | { t: 'cond'; cond: string | { op: CmpOp; a: Ast; b: Ast }; yes: Ast; no: Ast };

/** Parses one expression of the text form (grammar in the header). */
export function parse(src: string): Ast {
  const tokens = src.match(/\s*(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|[A-Za-z_]\w*|<=|>=|==|[-+*/(),?:<>])/gy);
  if (!tokens || tokens.join('').replace(/\s/g, '') !== src.replace(/\s/g, '')) throw new Error(`graph: cannot read "${src}"`);
  const tok = tokens.map((s) => s.trim());
  let i = 0;
  const peek = () => tok[i];
  const eat = (s?: string) => {
    const t = tok[i++];
    if (t === undefined || (s !== undefined && t !== s)) throw new Error(`graph: expected ${s ?? 'more'} in "${src}"`);
    return t;
  };
  const primary = (): Ast => {
    const t = eat();
    if (t === '(') {
      const e = conditional();
      eat(')');
      return e;
    }
    if (t === '-') return { t: 'neg', a: primary() };
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
    throw new Error(`graph: unexpected "${t}" in "${src}"`);
  };
  const term = (): Ast => {
    let a = primary();
    while (peek() === '*' || peek() === '/') {
      const op = eat() as '*' | '/';
      a = { t: 'bin', op, a, b: primary() };
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
    let cond: string | { op: CmpOp; a: Ast; b: Ast };
    if (['<', '<=', '>', '>=', '=='].includes(peek())) {
      const op = eat() as CmpOp;
      cond = { op, a: c, b: sum() };
      if (peek() !== '?') throw new Error(`graph: a comparison must be followed by ? a : b in "${src}"`);
    } else {
      if (peek() !== '?') return c;
      if (c.t !== 'name') throw new Error(`graph: a condition must be a name or a comparison in "${src}"`);
      cond = c.name;
    }
    eat('?');
    const yes = conditional();
    eat(':');
    return { t: 'cond', cond, yes, no: conditional() };
  };
  const e = conditional();
  if (i !== tok.length) throw new Error(`graph: unexpected "${tok[i]}" in "${src}"`);
  return e;
}

const ASTS = new Map<string, Ast>();
/** `parse`, once per distinct text (the expansions of sin, cos, exp and log are read at every use). */
function parsed(src: string): Ast {
  let a = ASTS.get(src);
  if (!a) {
    a = parse(src);
    ASTS.set(src, a);
  }
  return a;
}

const FOLD: Record<BinaryOp, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  max: Math.max,
  min: Math.min,
};
const FOLD1: Record<UnaryOp, (a: number) => number> = { neg: (a) => -a, sqrt: Math.sqrt, abs: Math.abs, sign: Math.sign, floor: Math.floor, exp2i: (k) => 2 ** k, expo, mant };
const CMP: Record<CmpOp, (a: number, b: number) => boolean> = { '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '==': (a, b) => a === b };
/** Largest integer exponent expanded into products. */
const MAX_POWER = 64;
/** ±2^n for an integer n, normal (its reciprocal is exact). */
const isPowerOfTwo = (v: number) => v !== 0 && Number.isFinite(v) && Math.abs(v) >= 2 ** -1022 && 2 ** Math.round(Math.log2(Math.abs(v))) === Math.abs(v);
export const isLeaf = (n: Node) => n.k === 'num' || n.k === 'in' || n.k === 'ref';

/** Builds a graph: nodes with exact folding, values with hash-consing, and named assignments of the text form. */
export class GraphBuilder {
  readonly values: Node[] = [];
  private readonly seen = new Map<string, number>();
  /** Names in scope: inputs, assigned values (constants are substituted). */
  readonly env = new Map<string, Node>();
  usesFirst = false;

  constructor(
    private readonly label: string,
    private constants: Record<string, number> = {},
    /** Whether sin, cos, exp and log are expanded into primitives (CPU back ends) or kept as calls (WGSL). */
    readonly expand = true,
  ) {}

  input(name: string): Node {
    const n: Node = { k: 'in', name };
    this.env.set(name, n);
    return n;
  }

  /** n as a value of its own (a leaf stays itself); identical nodes share one value. */
  value(n: Node): Node {
    if (isLeaf(n)) return n;
    const key = graphKey(n);
    let id = this.seen.get(key);
    if (id === undefined) {
      id = this.values.push(n) - 1;
      this.seen.set(key, id);
    }
    return { k: 'ref', id };
  }

  num = (v: number): Node => ({ k: 'num', v });

  binary(op: BinaryOp, a: Node, b: Node): Node {
    if (a.k === 'num' && b.k === 'num') return this.num(FOLD[op](a.v, b.v));
    if (op === '*' && a.k === 'num' && a.v === 1) return b;
    if ((op === '*' || op === '/') && b.k === 'num' && b.v === 1) return a;
    // e / 2^n is e · 2^−n exactly (both scale the exponent; 2^−n normal): a product is several times cheaper.
    if (op === '/' && b.k === 'num' && isPowerOfTwo(b.v) && Number.isFinite(1 / b.v) && isPowerOfTwo(1 / b.v)) return { k: 'bin', op: '*', a, b: this.num(1 / b.v) };
    return { k: 'bin', op, a, b };
  }

  unary(op: UnaryOp, a: Node): Node {
    if (a.k === 'num') return this.num(FOLD1[op](a.v));
    // sign reads its argument three times in SIMD (two compares, a select): one value.
    return { k: 'un', op, a: op === 'sign' ? this.value(a) : a };
  }

  cond(op: CmpOp, a: Node, b: Node, yes: Node, no: Node): Node {
    if (a.k === 'num' && b.k === 'num') return CMP[op](a.v, b.v) ? yes : no;
    return { k: 'if', op, a, b, yes, no };
  }

  /** a^n for an integer n (|n| ≤ 64) as products (binary powering: a³ = (a·a)·a), 1/a^|n| for n < 0, else pow. */
  power(a: Node, n: Node): Node {
    if (n.k !== 'num' || !Number.isInteger(n.v) || Math.abs(n.v) > MAX_POWER) return this.call('pow', [a, n]);
    const pos = (k: number): Node => (k === 1 ? a : k % 2 === 0 ? this.binary('*', this.value(pos(k / 2)), this.value(pos(k / 2))) : this.binary('*', this.value(pos(k - 1)), a));
    if (n.v === 0) return this.num(1);
    return n.v > 0 ? pos(n.v) : this.binary('/', this.num(1), this.value(pos(-n.v)));
  }

  /** A function by name: primitives, expansions (sin, cos, exp, log when `expand`), the reciprocal ones, calls. */
  call(fn: string, args: Node[]): Node {
    const one = args.length === 1;
    if ((fn === 'max' || fn === 'min') && args.length === 2) return this.binary(fn, args[0], args[1]);
    if ((fn === 'sqrt' || fn === 'abs' || fn === 'sign' || fn === 'floor' || fn === 'exp2i' || fn === 'expo' || fn === 'mant') && one) return this.unary(fn, args[0]);
    if ((fn === 'quadrant0' || fn === 'quadrant1') && args.length === 3) {
      const [t, sv, c] = args.map((x) => this.value(x));
      return { k: 'quadrant', shift: fn === 'quadrant0' ? 0 : 1, t, s: sv, c };
    }
    if (fn === 'pow' && args.length === 2) {
      if (args[0].k === 'num' && args[1].k === 'num') return this.num(args[0].v ** args[1].v);
      return { k: 'call', fn, args: args.map((x) => this.value(x)) };
    }
    const recip: Record<string, string> = { sec: 'cos', csc: 'sin', cot: 'tan', sech: 'cosh' };
    if (one && fn in recip) return this.binary('/', this.num(1), this.value(this.call(recip[fn], args)));
    if (one && fn === 'square') return this.power(args[0], this.num(2));
    if (one && fn === 'cube') return this.power(args[0], this.num(3));
    if (one && (CALLS as readonly string[]).includes(fn)) {
      const a = this.value(args[0]);
      if (a.k === 'num') return this.num((Math as unknown as Record<string, (v: number) => number>)[fn](a.v));
      const e = ELEMENTARY[fn];
      if (this.expand && e) return this.inline(e.constants, e.steps, { a }, ['y'])[0];
      return { k: 'call', fn: fn as CallFn, args: [a] };
    }
    throw new Error(`${this.label}: unknown function ${fn}/${args.length}`);
  }

  /**
   * The values of `results` after the assignments `steps` in a scope of their own (names `args`, constants
   * `constants`): an expansion shares this graph's values (hash-consing), not its names.
   */
  inline(constants: Record<string, number>, steps: readonly string[], args: Record<string, Node>, results: readonly string[]): Node[] {
    const env = new Map(this.env);
    const outer = this.constants;
    this.env.clear();
    for (const [k, v] of Object.entries(args)) this.env.set(k, v);
    this.constants = constants;
    try {
      for (const line of steps) this.assign(line);
      return results.map((r) => this.get(r));
    } finally {
      this.env.clear();
      for (const [k, v] of env) this.env.set(k, v);
      this.constants = outer;
    }
  }

  /** The node of a parsed expression. */
  build(a: Ast): Node {
    switch (a.t) {
      case 'num':
        return this.num(a.v);
      case 'name': {
        if (Object.hasOwn(this.constants, a.name)) return this.num(this.constants[a.name]);
        const n = this.env.get(a.name);
        if (!n) throw new Error(`${this.label}: unknown name ${a.name}`);
        return n;
      }
      case 'neg':
        return this.unary('neg', this.build(a.a));
      case 'bin':
        return this.binary(a.op, this.build(a.a), this.build(a.b));
      case 'call':
        return this.call(a.fn, a.args.map((x) => this.build(x)));
      case 'cond':
        if (typeof a.cond !== 'string') {
          return this.cond(a.cond.op, this.value(this.build(a.cond.a)), this.value(this.build(a.cond.b)), this.value(this.build(a.yes)), this.value(this.build(a.no)));
        }
        if (a.cond !== 'first') throw new Error(`${this.label}: the only named condition is first`);
        this.usesFirst = true;
        return { k: 'first', yes: this.build(a.yes), no: this.build(a.no) };
    }
  }

  /** `name = expression`: the name now refers to the expression's value. Returns it. */
  assign(line: string): Node {
    const m = /^\s*([A-Za-z_]\w*)\s*=(.*)$/.exec(line);
    if (!m) throw new Error(`${this.label}: "${line}" is not an assignment`);
    const [, name, rhs] = m;
    if (Object.hasOwn(this.constants, name)) throw new Error(`${this.label}: the constant ${name} cannot be assigned`);
    const v = this.value(this.build(parsed(rhs)));
    this.env.set(name, v);
    return v;
  }

  get(name: string): Node {
    const n = this.env.get(name);
    if (!n) throw new Error(`${this.label}: ${name} is never assigned`);
    return n;
  }
}

/** A node's operands (its direct sub-nodes; a ref's value is not one). */
function operands(n: Node): Node[] {
  switch (n.k) {
    case 'bin':
      return [n.a, n.b];
    case 'un':
      return [n.a];
    case 'first':
      return [n.yes, n.no];
    case 'if':
      return [n.a, n.b, n.yes, n.no];
    case 'call':
      return n.args;
    case 'quadrant':
      return [n.t, n.s, n.c];
    default:
      return [];
  }
}

/** Visits `n` and its operands, recursively, without following refs. */
function visitNode(n: Node, f: (n: Node) => void): void {
  f(n);
  for (const m of operands(n)) visitNode(m, f);
}

/**
 * The values that `outputs` read, directly or through other values (a back end evaluates only those). Values refer
 * only to earlier ones, so one sweep from the last value down marks them all (no recursion along chains of values:
 * a sum of thousands of terms is such a chain).
 */
export function needed(values: readonly Node[], outputs: readonly Node[]): boolean[] {
  const need = new Array<boolean>(values.length).fill(false);
  const mark = (n: Node) =>
    visitNode(n, (m) => {
      if (m.k === 'ref') need[m.id] = true;
    });
  for (const o of outputs) mark(o);
  for (let id = values.length - 1; id >= 0; id--) if (need[id]) mark(values[id]);
  return need;
}

/** Visits every node of the needed values and of `outputs`, without following refs. */
function eachNode(values: readonly Node[], need: readonly boolean[], outputs: readonly Node[], f: (n: Node) => void): void {
  values.forEach((v, id) => {
    if (need[id]) visitNode(v, f);
  });
  for (const o of outputs) visitNode(o, f);
}

/** A constant's identity (−0 and 0 are different constants). */
export const constantKey = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/**
 * A node's (or a graph's) identity as text: JSON with every number written by constantKey, since JSON itself writes
 * −0 as 0 and ±∞, NaN as null (which made x·−0 one value with x·0, and a select of ∞ one with a select of NaN).
 */
export const graphKey = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `#${constantKey(v)}` : v));

/** The distinct constants that the needed values and `outputs` read (a back end may keep them in registers). */
export function constantsOf(values: readonly Node[], need: readonly boolean[], outputs: readonly Node[]): number[] {
  const seen = new Map<string, number>();
  eachNode(values, need, outputs, (n) => {
    if (n.k === 'num') seen.set(constantKey(n.v), n.v);
  });
  return [...seen.values()];
}

/** The calls that the needed values make (a back end declares them). */
export function callsOf(values: readonly Node[], need: readonly boolean[]): Set<CallFn> {
  const fns = new Set<CallFn>();
  eachNode(values, need, [], (n) => {
    if (n.k === 'call') fns.add(n.fn);
  });
  return fns;
}
