/**
 * The JavaScript lowering of an update rule (src/optimizers/rules): one generated function per rule that updates a
 * trajectory's coordinates in place, with the same floating-point operations in the same order as the rule's link
 * chain (JavaScript evaluates exactly what is written, so the bits are the links').
 */
import { jsOf, jsValues } from '../../ir/js.ts';
import type { UpdateRule } from '../../optimizers/rules/index.ts';

/**
 * Updates coordinates i < d of the trajectory at offset o: gradient g (DropGrad applied), x, state arrays S[k]
 * (at o + i), the trajectory's count-table values C[k] and first-step flag; x += −η·u, and the step kept in
 * `last` when isLast.
 */
export type RuleStep = (d: number, o: number, g: Float64Array, x: Float64Array, S: Float64Array[], C: Float64Array, first: boolean, negEta: number, isLast: boolean, last: Float64Array) => void;

const input = (name: string) => (name === 'g' ? 'gi' : name === 'x' ? 'xi' : name);
const cache = new Map<string, RuleStep>();

export function ruleStepJs(rule: UpdateRule): RuleStep {
  const hit = cache.get(rule.key);
  if (hit) return hit;
  const slots = rule.stateNames.map((_, k) => k);
  const body = `
  ${slots.map((k) => `const S${k} = S[${k}];`).join(' ')}
  ${rule.countNames.map((_, k) => `const c${k} = C[${k}];`).join(' ')}
  for (let i = 0; i < d; i++) {
    const gi = g[i];
    const xi = x[o + i];
    ${slots.map((k) => `const s${k} = S${k}[o + i];`).join(' ')}
    ${jsValues(rule.values, input)}
    ${rule.stateOut.map((v, k) => (v === null ? '' : `S${k}[o + i] = ${jsOf(v, input)};`)).join(' ')}
    const step = negEta * ${jsOf(rule.u, input)};
    if (isLast) last[o + i] = step;
    x[o + i] += step;
  }`;
  const fn = new Function('d', 'o', 'g', 'x', 'S', 'C', 'first', 'negEta', 'isLast', 'last', body) as RuleStep;
  cache.set(rule.key, fn);
  return fn;
}
