/**
 * WGSL from a custom mathjs surface: its value and its symbolic gradient (mathjs `derivative`, already checked
 * against the allow-list of src/surfaces/expression.ts) become `value(o)` and `grad(o)`. Integer powers up to 8
 * are expanded to products (WGSL's pow() is undefined for negative bases); other powers use pow().
 */
import type { MathNode } from 'mathjs';
import { type ExpressionSurface, parseExpression } from '../surfaces/expression.ts';

const FUNCS: Record<string, (a: string) => string> = {
  sin: (a) => `sin(${a})`,
  cos: (a) => `cos(${a})`,
  tan: (a) => `tan(${a})`,
  sec: (a) => `(1.0 / cos(${a}))`,
  csc: (a) => `(1.0 / sin(${a}))`,
  cot: (a) => `(1.0 / tan(${a}))`,
  asin: (a) => `asin(${a})`,
  acos: (a) => `acos(${a})`,
  atan: (a) => `atan(${a})`,
  sinh: (a) => `sinh(${a})`,
  cosh: (a) => `cosh(${a})`,
  tanh: (a) => `tanh(${a})`,
  sech: (a) => `(1.0 / cosh(${a}))`,
  exp: (a) => `exp(${a})`,
  log: (a) => `log(${a})`,
  log10: (a) => `(log(${a}) * 0.4342944819032518)`,
  log2: (a) => `log2(${a})`,
  sqrt: (a) => `sqrt(${a})`,
  abs: (a) => `abs(${a})`,
  sign: (a) => `sign(${a})`,
  square: (a) => `((${a}) * (${a}))`,
  cube: (a) => `((${a}) * (${a}) * (${a}))`,
};
const OPS: Record<string, string> = { add: '+', subtract: '-', multiply: '*', divide: '/' };

const lit = (v: number) => {
  const s = Math.fround(v).toString();
  return /[.eE]/.test(s) ? (s.includes('e') && !s.includes('.') ? s.replace('e', '.0e') : s) : `${s}.0`;
};

function emit(n: MathNode, index: ReadonlyMap<string, number>): string {
  const a = n as MathNode & Record<string, unknown>;
  switch (n.type) {
    case 'ConstantNode':
      return `(${lit(a.value as number)})`;
    case 'SymbolNode': {
      const name = a.name as string;
      const i = index.get(name);
      if (i !== undefined) return `x[${i}u * st.n + o]`;
      return name === 'pi' ? '3.141592653589793' : '2.718281828459045';
    }
    case 'ParenthesisNode':
      return emit(a.content as MathNode, index);
    case 'OperatorNode': {
      const args = a.args as MathNode[];
      const fn = a.fn as string;
      if (args.length === 1) return fn === 'unaryMinus' ? `(-${emit(args[0], index)})` : emit(args[0], index);
      if (fn === 'pow') {
        const e = args[1] as MathNode & { value?: unknown };
        const base = emit(args[0], index);
        if (e.type === 'ConstantNode' && Number.isInteger(e.value) && Math.abs(e.value as number) <= 8) {
          const k = e.value as number;
          if (k === 0) return '1.0';
          const prod = `(${new Array(Math.abs(k)).fill(`(${base})`).join(' * ')})`;
          return k > 0 ? prod : `(1.0 / ${prod})`;
        }
        return `pow(${base}, ${emit(args[1], index)})`;
      }
      return `(${emit(args[0], index)} ${OPS[fn]} ${emit(args[1], index)})`;
    }
    case 'FunctionNode': {
      const name = (a.fn as { name: string }).name;
      return FUNCS[name](emit((a.args as MathNode[])[0], index));
    }
    default:
      throw new Error(`unreachable node ${n.type}`);
  }
}

/** WGSL `grad(o)` and `value(o)` for an expression surface. */
export function expressionWgsl(s: ExpressionSurface): string {
  const index = new Map(s.variables.map((v, i) => [v, i]));
  const value = emit(parseExpression(s.expression, s.variables), index);
  const grads = s.gradientExpressions.map((g) => emit(parseExpression(g, s.variables), index));
  return `fn grad(o: u32) {
${grads.map((g, i) => `  g[${i}] = ${g};`).join('\n')}
}
fn value(o: u32) -> f32 { return ${value}; }`;
}
