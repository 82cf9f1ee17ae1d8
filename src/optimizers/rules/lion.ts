/** Lion (Chen et al. 2023, Algorithm 2): u = sign(β₁m + (1 − β₁)g) [+ λx],  m = β₂m + (1 − β₂)g. */
import type { ResolvedOptimizer } from '../optimizers.ts';
import { type UpdateRule, updateRule } from './rule.ts';

export function lionRule(o: Extract<ResolvedOptimizer, { name: 'lion' }>): UpdateRule {
  const [b1, b2] = o.betas;
  return updateRule({
    name: 'lion',
    constants: { b1, b2, wd: o.weightDecay },
    state: { m: 0 },
    steps: ['u = sign(b1 * m + (1 - b1) * g)', 'm = b2 * m + (1 - b2) * g', o.weightDecay !== 0 ? 'u = u + wd * x' : ''],
  });
}
