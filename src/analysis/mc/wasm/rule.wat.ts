/**
 * The WebAssembly SIMD lowering of an update rule (src/optimizers/rules): f64x2 code for one pair of trajectories
 * and one coordinate, with the same floating-point operations in the same order as the rule's links (WebAssembly's
 * f64 arithmetic, sqrt, min and max are IEEE 754's, as JavaScript's are), so each lane returns the links' bits.
 * Lion's sign is two compares and two selects (sign(±0) = ±0, sign(NaN) = NaN, as Math.sign).
 */
import type { RuleNode, UpdateRule } from '../../../optimizers/rules/index.ts';
import { F, ZERO, at, atB, lg, ls, sel, splat, vload, vstore } from './wat.ts';

export interface RuleLowering {
  /** Whether this is the trajectories' first step (known per step without full-update drop), or null (per lane: FIRST). */
  firstStep: boolean | null;
  /** Whether count values are per lane (rows CV0…, with full-update drop) rather than the step's ($cv0…). */
  perLaneCounts: boolean;
  /** The new value of a lane that moves, the old one of a lane that does not. */
  moved: (now: string, before: string) => string;
}

const BIN: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', max: 'max', min: 'min' };

function watOf(n: RuleNode, how: RuleLowering): string {
  switch (n.k) {
    case 'num':
      return splat(n.v);
    case 'g':
      return lg('gi');
    case 'x':
      return lg('x');
    case 'old':
      return lg(`s${n.slot}`);
    case 'count':
      return how.perLaneCounts ? vload(atB(`CV${n.slot}`)) : lg(`cv${n.slot}`);
    case 'ref':
      return lg(`v${n.id}`);
    case 'bin':
      return F(BIN[n.op], watOf(n.a, how), watOf(n.b, how));
    case 'un': {
      const a = watOf(n.a, how);
      if (n.op === 'sign') return sel(splat(1), sel(splat(-1), a, F('lt', a, ZERO)), F('gt', a, ZERO));
      return F(n.op, a);
    }
    case 'first':
      if (how.firstStep === true) return watOf(n.yes, how);
      if (how.firstStep === false) return watOf(n.no, how);
      return sel(watOf(n.yes, how), watOf(n.no, how), vload(atB('FIRST')));
  }
}

/** Locals the lowering uses (v128). */
export const ruleLocals = (rule: UpdateRule) => [
  ...rule.stateNames.map((_, k) => `s${k}`),
  ...rule.countNames.map((_, k) => `cv${k}`),
  ...rule.values.map((_, id) => `v${id}`),
];

/**
 * The direction $u from the masked gradient $gi at $x: the old state loaded from rows S0…, each value into its local,
 * the new state stored (where the lane moves), then $u.
 */
export function ruleWat(rule: UpdateRule, how: RuleLowering): string {
  return [
    ...rule.stateNames.map((_, k) => ls(`s${k}`, vload(at(`S${k}`)))),
    ...rule.values.map((v, id) => ls(`v${id}`, watOf(v, how))),
    ...rule.stateOut.map((v, k) => (v === null ? '' : vstore(at(`S${k}`), how.moved(watOf(v, how), lg(`s${k}`))))),
    ls('u', watOf(rule.u, how)),
  ]
    .filter((s) => s !== '')
    .join('\n        ');
}
