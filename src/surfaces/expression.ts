/**
 * Custom surfaces from a mathjs expression over named variables (e.g. "100*(y - x^2)^2 + (1 - x)^2").
 *
 * Safety: the parsed tree is checked against an allow-list before anything is evaluated: numbers,
 * the declared variables, the constants pi and e, the arithmetic operators + − * / ^ (and unary ±),
 * parentheses, and calls of the elementary functions in `FUNCTIONS` by name. Assignments, function
 * definitions, property or index access, objects, arrays, strings, units, conditionals and calls of
 * anything else (import, createUnit, evaluate, …) are rejected with the offending piece named.
 * Only then is the tree, with its symbolic gradient from `mathjs.derivative`, converted into the surface's program
 * (program.ts: one graph for the loss and the gradient, from which its JavaScript `value` and `gradient` and the
 * fused CPU and GPU kernels are generated), and its Hessian and terms compiled to plain JavaScript functions of the
 * coordinate vector; nothing but allow-listed nodes reaches either.
 *
 * Term structure: a top-level sum is split into its terms, each reading only its own variables.
 */
import type { MathNode } from 'mathjs';
import { Matrix } from '../matrix.ts';
import { ParameterError } from '../errors.ts';
import { lazy } from '../lazy.ts';
import type { GraphBuilder, Node } from '../ir/graph.ts';
import { type SurfaceProgram, surfaceProgram } from './program.ts';
import { type Surface, type Term, generatedValue } from './surface.ts';

/** Elementary functions a surface may call, with their JavaScript form (including those derivatives produce). */
const FUNCTIONS: Record<string, string> = {
  sin: 'Math.sin',
  cos: 'Math.cos',
  tan: 'Math.tan',
  sec: '1/Math.cos',
  csc: '1/Math.sin',
  cot: '1/Math.tan',
  asin: 'Math.asin',
  acos: 'Math.acos',
  atan: 'Math.atan',
  sinh: 'Math.sinh',
  cosh: 'Math.cosh',
  tanh: 'Math.tanh',
  sech: '1/Math.cosh',
  exp: 'Math.exp',
  log: 'Math.log',
  log10: 'Math.log10',
  log2: 'Math.log2',
  sqrt: 'Math.sqrt',
  abs: 'Math.abs',
  sign: 'Math.sign',
  square: 'SQUARE',
  cube: 'CUBE',
};
const CONSTANTS: Record<string, string> = { pi: 'Math.PI', e: 'Math.E' };
const BINARY: Record<string, string> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '**' };
const UNARY: Record<string, string> = { unaryMinus: '-', unaryPlus: '+' };

export class ExpressionError extends ParameterError {}

/** Longest expression accepted (a few thousand terms; parsing and differentiation are linear in its size). */
const MAX_EXPR = 100_000;

type MathJs = Pick<typeof import('mathjs'), 'parse' | 'derivative' | 'OperatorNode'>;
/** mathjs is loaded on first use (it takes about a second), so commands that need no expression start fast. */
const math = lazy<MathJs>('mathjs');

/**
 * Deepest nesting accepted, of brackets in the text and of operators in the parsed tree (a^b^c… and −−x nest
 * without brackets): mathjs's parser and its derivative recurse once per level, and beyond a few thousand levels
 * the stack runs out. 100 is far beyond any formula written by hand.
 */
const MAX_NESTING = 100;

const tooDeep = (expr: string, depth: string) => new ExpressionError('expr', expr, `at most ${MAX_NESTING} levels of nesting (brackets, function calls, chained powers)`, depth);

/** Parses an expression with its nesting bounded first, so that no input reaches a stack overflow. */
function parseBounded(expr: string): MathNode {
  let depth = 0;
  let deepest = 0;
  for (const c of expr) {
    if (c === '(' || c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  if (deepest > MAX_NESTING) throw tooDeep(expr, `${deepest} levels of brackets`);
  let root: MathNode;
  try {
    root = math().parse(expr);
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep(expr, 'nested too deeply to parse');
    throw new ExpressionError('expr', expr, 'a well-formed mathjs expression', (e as Error).message);
  }
  // The tree's depth without recursion (a long sum is a deep chain of additions: that is allowed, see checkNode).
  const stack: [MathNode, number][] = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    const op = (n as MathNode & { fn?: string }).fn;
    const level = d + (op === 'add' || op === 'subtract' ? 0 : 1);
    if (level > MAX_NESTING) throw tooDeep(expr, `more than ${MAX_NESTING} nested operations`);
    for (const c of (n as MathNode & { args?: MathNode[]; content?: MathNode }).args ?? []) stack.push([c, level]);
    const content = (n as MathNode & { content?: MathNode }).content;
    if (content) stack.push([content, level]);
  }
  return root;
}

function reject(expr: string, what: string): never {
  throw new ExpressionError('expr', expr, 'arithmetic (+ − * / ^), numbers, the variables, pi, e and elementary functions', what);
}

/** Validates a parsed tree; returns the variable names it reads. */
export function checkNode(node: MathNode, expr: string, allowed?: ReadonlySet<string>): Set<string> {
  const vars = new Set<string>();
  const visit = (n: MathNode): void => {
    const anyN = n as MathNode & Record<string, unknown>;
    switch (n.type) {
      case 'ConstantNode': {
        if (typeof anyN.value !== 'number' || !Number.isFinite(anyN.value)) reject(expr, `constant ${String(anyN.value)} is not a finite number`);
        return;
      }
      case 'SymbolNode': {
        const name = anyN.name as string;
        if (name in CONSTANTS && !allowed?.has(name)) return;
        if (name in FUNCTIONS) reject(expr, `${name} is a function: call it as ${name}(…)`);
        if (allowed && !allowed.has(name)) reject(expr, `unknown variable ${name}; the variables are ${[...allowed].join(', ')}`);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) reject(expr, `symbol ${name} is not allowed`);
        vars.add(name);
        return;
      }
      case 'ParenthesisNode':
        visit(anyN.content as MathNode);
        return;
      case 'OperatorNode': {
        const fn = anyN.fn as string;
        const args = anyN.args as MathNode[];
        if (!((fn in BINARY && args.length === 2) || (fn in UNARY && args.length === 1))) reject(expr, `operator ${anyN.op as string} is not allowed`);
        for (const a of args) visit(a);
        return;
      }
      case 'FunctionNode': {
        const fnNode = anyN.fn as MathNode & { name?: string };
        const name = fnNode.type === 'SymbolNode' ? fnNode.name : undefined;
        if (!name || !Object.hasOwn(FUNCTIONS, name)) reject(expr, `calling ${name ?? 'an expression'} is not allowed`);
        const args = anyN.args as MathNode[];
        if (args.length !== 1) reject(expr, `${name} takes one argument, got ${args.length}`);
        visit(args[0]);
        return;
      }
      default:
        reject(expr, `${n.type.replace(/Node$/, '').toLowerCase()} syntax is not allowed`);
    }
  };
  visit(node);
  return vars;
}

/** Compiles a checked tree to JavaScript source over `x[i]`. */
function toJs(n: MathNode, index: ReadonlyMap<string, number>): string {
  const a = n as MathNode & Record<string, unknown>;
  switch (n.type) {
    case 'ConstantNode':
      return `(${String(a.value)})`;
    case 'SymbolNode': {
      const name = a.name as string;
      const i = index.get(name);
      if (i !== undefined) return `x[${i}]`;
      return CONSTANTS[name];
    }
    case 'ParenthesisNode':
      return toJs(a.content as MathNode, index);
    case 'OperatorNode': {
      const args = (a.args as MathNode[]).map((c) => toJs(c, index));
      const fn = a.fn as string;
      return args.length === 1 ? `(${UNARY[fn]}${args[0]})` : `(${args[0]} ${BINARY[fn]} ${args[1]})`;
    }
    case 'FunctionNode': {
      const name = (a.fn as { name: string }).name;
      const arg = toJs((a.args as MathNode[])[0], index);
      const js = FUNCTIONS[name];
      if (js === 'SQUARE') return `(${arg} ** 2)`;
      if (js === 'CUBE') return `(${arg} ** 3)`;
      return `(${js}(${arg}))`;
    }
    default:
      throw new Error(`unreachable: ${n.type}`);
  }
}

/** A checked tree as a node of the program's graph (every subexpression one value: loss and gradient share them). */
function toGraph(n: MathNode, b: GraphBuilder, x: ReadonlyMap<string, Node>): Node {
  const a = n as MathNode & Record<string, unknown>;
  const r = (m: MathNode) => toGraph(m, b, x);
  switch (n.type) {
    case 'ConstantNode':
      return b.num(a.value as number);
    case 'SymbolNode': {
      const name = a.name as string;
      return x.get(name) ?? b.num(name === 'pi' ? Math.PI : Math.E);
    }
    case 'ParenthesisNode':
      return r(a.content as MathNode);
    case 'OperatorNode': {
      const args = (a.args as MathNode[]).map(r);
      const fn = a.fn as string;
      const [p, q] = args;
      if (fn === 'unaryPlus') return p;
      if (fn === 'unaryMinus') return b.value(b.unary('neg', p));
      // The symbolic zeros and ones of an unsimplified derivative (d/dx of a constant, the chain rule's factors):
      // dropped as algebra, not as IEEE arithmetic (0·e is 0 as a derivative even where e is not finite).
      if (fn === 'multiply' && (isZero(p) || isZero(q))) return b.num(0);
      if (fn === 'divide' && isZero(p)) return b.num(0);
      if (fn === 'add' && isZero(p)) return q;
      if ((fn === 'add' || fn === 'subtract') && isZero(q)) return p;
      if (fn === 'subtract' && isZero(p)) return b.value(b.unary('neg', q));
      if (fn === 'multiply' && isOne(p)) return q;
      if (fn === 'pow') return isZero(q) ? b.num(1) : isOne(q) ? p : b.value(b.power(p, q));
      return b.value(b.binary(BINARY[fn] as '+' | '-' | '*' | '/', p, q));
    }
    case 'FunctionNode':
      return b.value(b.call((a.fn as { name: string }).name, (a.args as MathNode[]).map(r)));
    default:
      throw new Error(`unreachable: ${n.type}`);
  }
}

/**
 * The program: the loss as the sum of its terms left to right (splitSum; each term converted on its own, so that a
 * sum of thousands of terms is not one recursion that deep), and each gradient entry as the sum, in term order, of
 * the derivatives of the terms that read its variable.
 */
function programOf(name: string, terms: readonly MathNode[], grads: readonly (readonly MathNode[])[], variables: readonly string[]): SurfaceProgram {
  return surfaceProgram(name, variables.length, (b, xs) => {
    const x = new Map(variables.map((v, i) => [v, xs[i]]));
    const add = (a: Node, t: Node) => b.value(b.binary('+', a, t));
    const loss = terms.map((t) => toGraph(t, b, x)).reduce(add);
    const sum = (ds: readonly MathNode[]) => ds.map((d) => toGraph(d, b, x)).reduce((a, t) => (isZero(a) ? t : isZero(t) ? a : add(a, t)), b.num(0));
    return { loss, grad: grads.map(sum) };
  });
}

const isZero = (n: Node) => n.k === 'num' && n.v === 0;
const isOne = (n: Node) => n.k === 'num' && n.v === 1;

function compile(n: MathNode, index: ReadonlyMap<string, number>): (x: ArrayLike<number>) => number {
  return new Function('x', `"use strict"; return ${toJs(n, index)};`) as (x: ArrayLike<number>) => number;
}

/** Parses and checks an expression over the given variables (for other back ends, e.g. WGSL generation). */
export function parseExpression(text: string, variables: readonly string[]): MathNode {
  const node = parseBounded(text);
  checkNode(node, text, new Set(variables));
  return node;
}

/**
 * Splits a top-level sum into signed terms, in order. Iterative (a sum of thousands of terms is a left spine that
 * deep); a subtracted term becomes its negation, so that f = Σ terms left to right, the same floating-point sum.
 */
function splitSum(n: MathNode): MathNode[] {
  const out: MathNode[] = [];
  // Work list of (node, negated), processed depth-first with the left operand first.
  const todo: [MathNode, boolean][] = [[n, false]];
  while (todo.length > 0) {
    const [m, neg] = todo.pop()!;
    const a = m as MathNode & Record<string, unknown>;
    if (m.type === 'ParenthesisNode') todo.push([a.content as MathNode, neg]);
    else if (m.type === 'OperatorNode' && (a.fn === 'add' || a.fn === 'subtract') && (a.args as MathNode[]).length === 2) {
      const [l, r] = a.args as MathNode[];
      todo.push([r, a.fn === 'subtract' ? !neg : neg], [l, neg]);
    } else out.push(neg ? new (math().OperatorNode)('-', 'unaryMinus', [m]) : m);
  }
  return out;
}

/** Orders variables: x1, x2, … numerically; else x, y, z, w; else alphabetically. */
export function orderVariables(vars: Iterable<string>): string[] {
  const v = [...vars];
  const rank = (s: string) => {
    const m = /^([A-Za-z_]+)(\d+)$/.exec(s);
    if (m) return [m[1], Number(m[2])] as const;
    const xyz = ['x', 'y', 'z', 'w'].indexOf(s);
    return ['', xyz >= 0 ? xyz : 100] as const;
  };
  return v.sort((p, q) => {
    const [pa, pn] = rank(p);
    const [qa, qn] = rank(q);
    return pa === qa ? pn - qn || p.localeCompare(q) : pa.localeCompare(qa);
  });
}

export interface ExpressionOptions {
  /** Variable names in coordinate order; default: the expression's symbols (see `orderVariables`). */
  variables?: string[];
  /** Expected dimension; an error if the variables do not match it. */
  dim?: number;
  name?: string;
  start?: ArrayLike<number>;
  bounds?: [number, number][];
}

export interface ExpressionSurface extends Surface {
  readonly expression: string;
  readonly variables: readonly string[];
  /** Symbolic gradient, one mathjs string per variable. */
  readonly gradientExpressions: readonly string[];
}

/**
 * A surface from a mathjs expression over its variables (x, y, … or x1, x2, …): checked against an allow-list
 * (arithmetic, numbers, the variables, pi, e, elementary functions), differentiated symbolically, and compiled to
 * the same program as the built-in surfaces, so it runs on the fused CPU and WebGPU kernels.
 */
export function expressionSurface(expr: string, options: ExpressionOptions = {}): ExpressionSurface {
  if (typeof expr !== 'string' || expr.trim() === '') throw new ExpressionError('expr', expr, 'a non-empty mathjs expression');
  if (expr.length > MAX_EXPR) throw new ExpressionError('expr', `${expr.slice(0, 40)}…`, `at most ${MAX_EXPR.toLocaleString('en')} characters`);
  const root = parseBounded(expr);
  const allowed = options.variables ? new Set(options.variables) : undefined;
  const found = checkNode(root, expr, allowed);
  const variables = options.variables ?? orderVariables(found);
  if (variables.length === 0) throw new ExpressionError('expr', expr, 'an expression of at least one variable');
  if (options.dim !== undefined && variables.length !== options.dim) {
    throw new ParameterError('dim', options.dim, `${variables.length}, the number of variables of the expression (${variables.join(', ')})`);
  }
  const dim = variables.length;
  const index = new Map(variables.map((v, i) => [v, i]));
  const varSet = new Set(variables);
  // Symbolic derivatives term by term, without mathjs's simplify: it is exponential in the expression's size (20
  // squares took 3.5 s, 30 over a minute) and recursion in a long sum overflowed the stack. The program's graph
  // folds constants, and toGraph drops the derivative's symbolic zeros, so nothing needs simplifying.
  const differentiate = (n: MathNode, v: string): MathNode => {
    let d: MathNode;
    try {
      d = math().derivative(n, v, { simplify: false });
    } catch (e) {
      throw new ExpressionError('expr', expr, 'an expression mathjs can differentiate symbolically', (e as Error).message);
    }
    checkNode(d, expr, varSet);
    return d;
  };
  const termNodes = splitSum(root);
  const termVars = termNodes.map((t) => checkNode(t, expr, varSet));
  // ∂f/∂v: the derivatives of the terms that read v.
  const gradTerms = variables.map((v) => termNodes.flatMap((t, k) => (termVars[k].has(v) ? [differentiate(t, v)] : [])));
  const program = programOf(options.name ?? expr, termNodes, gradTerms, variables);
  // The Hessian (exact analysis only) is differentiated on first use.
  let hess: ((x: ArrayLike<number>) => number)[][] | null = null;
  const hessian = () =>
    (hess ??= gradTerms.map((ds) => variables.map((v) => {
      const parts = ds.filter((d) => checkNode(d, expr, varSet).has(v)).map((d) => compile(differentiate(d, v), index));
      return (x: ArrayLike<number>) => parts.reduce((a, f) => a + f(x), 0);
    })));
  const terms: Term[] = termNodes.map((t, k) => ({ coords: [...termVars[k]].map((v) => index.get(v)!).sort((p, q) => p - q), value: compile(t, index) }));
  const start = options.start ? Float64Array.from(options.start) : new Float64Array(dim).fill(0.5);
  return {
    name: options.name ?? expr,
    expression: expr,
    variables,
    gradientExpressions: gradTerms.map((ds) => (ds.length === 0 ? '0' : ds.map((d) => d.toString()).join(' + '))),
    dim,
    terms,
    defaultStart: start,
    bounds: options.bounds ?? Array.from({ length: dim }, () => [-3, 3] as [number, number]),
    program,
    ...generatedValue(program),
    hessian(x) {
      return new Matrix(hessian().map((row) => row.map((f) => f(x))));
    },
  };
}
