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
 * JavaScript), unary −, parentheses, sqrt abs sign max min, and `first ? a : b` (rules: the first step). It is parsed by the small recursive-descent parser
 * below rather than by mathjs: mathjs takes about a second to load, and every worker builds its kernels at start.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | 'max' | 'min';
export type UnaryOp = 'neg' | 'sqrt' | 'abs' | 'sign';

export type Node =
  | { k: 'num'; v: number }
  /** A named input: a rule's g, x, old state slots s0…, count values c0…. */
  | { k: 'in'; name: string }
  | { k: 'ref'; id: number }
  | { k: 'bin'; op: BinaryOp; a: Node; b: Node }
  | { k: 'un'; op: UnaryOp; a: Node }
  /** The rule's first step ? yes : no. */
  | { k: 'first'; yes: Node; no: Node };

export type Ast =
  | { t: 'num'; v: number }
  | { t: 'name'; name: string }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: Ast; b: Ast }
  | { t: 'neg'; a: Ast }
  | { t: 'call'; fn: string; args: Ast[] }
  | { t: 'cond'; cond: string; yes: Ast; no: Ast };

/** Parses one expression of the text form (grammar in the header). */
export function parse(src: string): Ast {
  const tokens = src.match(/\s*(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|[A-Za-z_]\w*|[-+*/(),?:])/gy);
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
    if (peek() !== '?') return c;
    if (c.t !== 'name') throw new Error(`graph: a condition must be a name in "${src}"`);
    eat('?');
    const yes = conditional();
    eat(':');
    return { t: 'cond', cond: c.name, yes, no: conditional() };
  };
  const e = conditional();
  if (i !== tok.length) throw new Error(`graph: unexpected "${tok[i]}" in "${src}"`);
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
    private readonly constants: Record<string, number> = {},
  ) {}

  input(name: string): Node {
    const n: Node = { k: 'in', name };
    this.env.set(name, n);
    return n;
  }

  /** n as a value of its own (a leaf stays itself); identical nodes share one value. */
  value(n: Node): Node {
    if (isLeaf(n)) return n;
    const key = JSON.stringify(n);
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
    return { k: 'bin', op, a, b };
  }

  unary(op: UnaryOp, a: Node): Node {
    if (a.k === 'num') return this.num(FOLD1[op](a.v));
    // sign reads its argument three times in SIMD (two compares, a select): one value.
    return { k: 'un', op, a: op === 'sign' ? this.value(a) : a };
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
      case 'call': {
        const args = a.args.map((x) => this.build(x));
        if ((a.fn === 'max' || a.fn === 'min') && args.length === 2) return this.binary(a.fn, args[0], args[1]);
        if ((a.fn === 'sqrt' || a.fn === 'abs' || a.fn === 'sign') && args.length === 1) return this.unary(a.fn, args[0]);
        throw new Error(`${this.label}: unknown function ${a.fn}/${args.length}`);
      }
      case 'cond':
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
    const v = this.value(this.build(parse(rhs)));
    this.env.set(name, v);
    return v;
  }

  get(name: string): Node {
    const n = this.env.get(name);
    if (!n) throw new Error(`${this.label}: ${name} is never assigned`);
    return n;
  }
}
