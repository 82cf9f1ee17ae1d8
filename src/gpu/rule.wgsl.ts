/**
 * The WGSL lowering of an update rule (src/optimizers/rules) through graph.wgsl.ts: the per-coordinate update of one
 * trajectory in f32. Count values are the host's float64 tables rounded to f32, read from `consts` after the
 * quadratic's H and x* (at D·D + D, T + 2 entries per table, index the trajectory's count).
 */
import type { UpdateRule } from '../optimizers/rules/index.ts';
import { wgslOf, wgslValues } from './graph.wgsl.ts';

/** Per-trajectory state slots per coordinate (state[(i·NS + k)·n + b]). */
export const stateSlots = (rule: UpdateRule) => rule.stateNames.length;

const input = (name: string) => (name === 'g' ? 'gi' : name === 'x' ? 'x[i * st.n + b]' : name[0] === 's' ? name : `cv${name.slice(1)}`);

/**
 * `pre`: once per trajectory and step (its count c, first-step flag, count values); `body`: per coordinate i, from
 * `gi` (the DropGrad gradient) to `u` (before −lr), storing the new state.
 */
export function ruleWgsl(rule: UpdateRule): { pre: string; body: string } {
  const counted = rule.usesFirst || rule.countNames.length > 0;
  const S = (k: number) => `state[(i * NS + ${k}u) * st.n + b]`;
  const pre = counted
    ? `let c = tmeta[st.n + b] + 1u; tmeta[st.n + b] = c;
  ${rule.usesFirst ? 'let first = c == 1u;' : ''}
  ${rule.countNames.map((_, k) => `let cv${k} = consts[CT + ${k}u * (st.T + 2u) + c];`).join(' ')}`
    : '';
  const body = [
    ...rule.stateNames.map((_, k) => `let s${k} = ${S(k)};`),
    wgslValues(rule.values, input),
    ...rule.stateOut.map((v, k) => (v === null ? '' : `${S(k)} = ${wgslOf(v, input)};`)),
    `let u = ${wgslOf(rule.u, input)};`,
  ].filter((s) => s !== '');
  return { pre, body: body.join('\n      ') };
}
