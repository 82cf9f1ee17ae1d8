/**
 * The JavaScript lowering of a graph (graph.ts): a node as a JavaScript expression, values as `const` lines. Numbers
 * are exact (the shortest round-trip form, -0, NaN, Infinity).
 */
import type { Node } from './graph.ts';

const BIN: Record<string, (a: string, b: string) => string> = {
  '+': (a, b) => `(${a} + ${b})`,
  '-': (a, b) => `(${a} - ${b})`,
  '*': (a, b) => `(${a} * ${b})`,
  '/': (a, b) => `(${a} / ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  min: (a, b) => `Math.min(${a}, ${b})`,
};
const UN: Record<string, (a: string) => string> = { neg: (a) => `(-${a})`, sqrt: (a) => `Math.sqrt(${a})`, abs: (a) => `Math.abs(${a})`, sign: (a) => `Math.sign(${a})` };

export const jsNumber = (v: number) => (Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'Infinity' : '-Infinity') : Object.is(v, -0) ? '-0' : `${v}`);

/** Inputs become `input(name)`, values `v<id>`, the rule's first step the variable `first`. */
export function jsOf(n: Node, input: (name: string) => string): string {
  const r = (m: Node) => jsOf(m, input);
  switch (n.k) {
    case 'num':
      return jsNumber(n.v);
    case 'in':
      return input(n.name);
    case 'ref':
      return `v${n.id}`;
    case 'bin':
      return BIN[n.op](r(n.a), r(n.b));
    case 'un':
      return UN[n.op](r(n.a));
    case 'first':
      return `(first ? ${r(n.yes)} : ${r(n.no)})`;
  }
}

/** `const v<id> = …;` for every value. */
export const jsValues = (values: readonly Node[], input: (name: string) => string) => values.map((v, id) => `const v${id} = ${jsOf(v, input)};`).join('\n    ');
