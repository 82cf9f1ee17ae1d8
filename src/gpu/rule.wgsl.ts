/**
 * The WGSL lowering of an update rule (src/optimizers/rules): the per-coordinate update of one trajectory in f32,
 * the same operations in the same order as the rule's links (WGSL has no f64, so the GPU agrees with the CPU to
 * f32 rounding: test/gpu). Count values are the host's float64 tables rounded to f32, read from `consts` after the
 * quadratic's H and x* (at D·D + D, T + 2 entries per table, index the trajectory's count).
 */
import type { RuleNode, UpdateRule } from '../optimizers/rules/index.ts';

/** A float as a WGSL literal (abstract float: converted to f32 where it is used). */
export const wgslFloat = (v: number) => {
  if (!Number.isFinite(v)) throw new Error(`non-finite constant ${v}`);
  const s = String(v);
  return /[.eE]/.test(s) ? (s.includes('e') && !s.includes('.') ? s.replace('e', '.0e') : s) : `${s}.0`;
};

const BIN: Record<string, (a: string, b: string) => string> = {
  '+': (a, b) => `(${a} + ${b})`,
  '-': (a, b) => `(${a} - ${b})`,
  '*': (a, b) => `(${a} * ${b})`,
  '/': (a, b) => `(${a} / ${b})`,
  max: (a, b) => `max(${a}, ${b})`,
  min: (a, b) => `min(${a}, ${b})`,
};

function wgslOf(n: RuleNode): string {
  switch (n.k) {
    case 'num':
      return `f32(${wgslFloat(n.v)})`;
    case 'g':
      return 'gi';
    case 'x':
      return 'x[i * st.n + b]';
    case 'old':
      return `s${n.slot}`;
    case 'count':
      return `cv${n.slot}`;
    case 'ref':
      return `v${n.id}`;
    case 'bin':
      return BIN[n.op](wgslOf(n.a), wgslOf(n.b));
    case 'un':
      return n.op === 'neg' ? `(-${wgslOf(n.a)})` : `${n.op}(${wgslOf(n.a)})`;
    case 'first':
      return `select(${wgslOf(n.no)}, ${wgslOf(n.yes)}, first)`;
  }
}

/** Per-trajectory state slots per coordinate (state[(i·NS + k)·n + b]). */
export const stateSlots = (rule: UpdateRule) => rule.stateNames.length;

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
  ${rule.countNames.map((_, k) => `let cv${k} = consts[D * D + D + ${k}u * (st.T + 2u) + c];`).join(' ')}`
    : '';
  const body = [
    ...rule.stateNames.map((_, k) => `let s${k} = ${S(k)};`),
    ...rule.values.map((v, id) => `let v${id} = ${wgslOf(v)};`),
    ...rule.stateOut.map((v, k) => (v === null ? '' : `${S(k)} = ${wgslOf(v)};`)),
    `let u = ${wgslOf(rule.u)};`,
  ].filter((s) => s !== '');
  return { pre, body: body.join('\n      ') };
}
