/**
 * The WebAssembly SIMD lowering of an update rule (src/optimizers/rules) through graph.wat.ts: f64x2 code for one
 * pair of trajectories and one coordinate, with the same floating-point operations in the same order as the rule's
 * links, so each lane returns the links' bits.
 */
import type { UpdateRule } from '../../../optimizers/rules/index.ts';
import { type GraphLowering, watOf, watValues } from './graph.wat.ts';
import { at, atB, lg, ls, vload, vstore } from './wat.ts';

export interface RuleLowering {
  /** Whether this is the trajectories' first step (known per step without full-update drop), or null (per lane: FIRST). */
  firstStep: boolean | null;
  /** Whether count values are per lane (rows CV0…, with full-update drop) rather than the step's ($cv0…). */
  perLaneCounts: boolean;
  /** The new value of a lane that moves, the old one of a lane that does not. */
  moved: (now: string, before: string) => string;
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
  const g: GraphLowering = {
    input: (name) => {
      if (name === 'g') return lg('gi');
      if (name === 'x') return lg('x');
      if (name[0] === 's') return lg(name);
      return how.perLaneCounts ? vload(atB(`CV${name.slice(1)}`)) : lg(`cv${name.slice(1)}`);
    },
    first: how.firstStep ?? vload(atB('FIRST')),
  };
  return [
    ...rule.stateNames.map((_, k) => ls(`s${k}`, vload(at(`S${k}`)))),
    watValues(rule.values, g),
    ...rule.stateOut.map((v, k) => (v === null ? '' : vstore(at(`S${k}`), how.moved(watOf(v, g), lg(`s${k}`))))),
    ls('u', watOf(rule.u, g)),
  ]
    .filter((s) => s !== '')
    .join('\n        ');
}
