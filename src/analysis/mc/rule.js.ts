/**
 * The JavaScript lowering of an update rule (src/optimizers/rules): one generated function per rule that updates
 * a trajectory's coordinates in place, with the same floating-point operations in the same order as the rule's
 * link chain (JavaScript evaluates exactly what is written, so the bits are the links').
 */
import type { RuleNode, UpdateRule } from '../../optimizers/rules/index.ts';

/**
 * Updates coordinates i < d of the trajectory at offset o: gradient g (DropGrad applied), x, state arrays S[k]
 * (at o + i), the trajectory's count-table values C[k] and first-step flag; x += −η·u, and the step kept in
 * `last` when isLast.
 */
export type RuleStep = (d: number, o: number, g: Float64Array, x: Float64Array, S: Float64Array[], C: Float64Array, first: boolean, negEta: number, isLast: boolean, last: Float64Array) => void;

const BIN: Record<string, (a: string, b: string) => string> = {
  '+': (a, b) => `(${a} + ${b})`,
  '-': (a, b) => `(${a} - ${b})`,
  '*': (a, b) => `(${a} * ${b})`,
  '/': (a, b) => `(${a} / ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  min: (a, b) => `Math.min(${a}, ${b})`,
};
const UN: Record<string, (a: string) => string> = { neg: (a) => `(-${a})`, sqrt: (a) => `Math.sqrt(${a})`, abs: (a) => `Math.abs(${a})`, sign: (a) => `Math.sign(${a})` };

/** A node as a JavaScript expression (numbers exact: shortest round-trip form, -0, NaN, Infinity). */
export function jsOf(n: RuleNode): string {
  switch (n.k) {
    case 'num':
      return Number.isNaN(n.v) ? 'NaN' : !Number.isFinite(n.v) ? (n.v > 0 ? 'Infinity' : '-Infinity') : Object.is(n.v, -0) ? '-0' : `${n.v}`;
    case 'g':
      return 'gi';
    case 'x':
      return 'xi';
    case 'old':
      return `s${n.slot}`;
    case 'count':
      return `c${n.slot}`;
    case 'ref':
      return `v${n.id}`;
    case 'bin':
      return BIN[n.op](jsOf(n.a), jsOf(n.b));
    case 'un':
      return UN[n.op](jsOf(n.a));
    case 'first':
      return `(first ? ${jsOf(n.yes)} : ${jsOf(n.no)})`;
  }
}
const cache = new Map<string, RuleStep>();

export function ruleStepJs(rule: UpdateRule): RuleStep {
  const hit = cache.get(rule.key);
  if (hit) return hit;
  const ns = rule.stateNames.length;
  const body = `
  ${[...Array(ns).keys()].map((k) => `const S${k} = S[${k}];`).join(' ')}
  ${rule.countNames.map((_, k) => `const c${k} = C[${k}];`).join(' ')}
  for (let i = 0; i < d; i++) {
    const gi = g[i];
    const xi = x[o + i];
    ${[...Array(ns).keys()].map((k) => `const s${k} = S${k}[o + i];`).join(' ')}
    ${rule.values.map((v, id) => `const v${id} = ${jsOf(v)};`).join('\n    ')}
    ${rule.stateOut.map((v, k) => (v === null ? '' : `S${k}[o + i] = ${jsOf(v)};`)).join(' ')}
    const step = negEta * ${jsOf(rule.u)};
    if (isLast) last[o + i] = step;
    x[o + i] += step;
  }`;
  const fn = new Function('d', 'o', 'g', 'x', 'S', 'C', 'first', 'negEta', 'isLast', 'last', body) as RuleStep;
  cache.set(rule.key, fn);
  return fn;
}
