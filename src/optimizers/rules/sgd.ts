/** SGD (PyTorch `SGD`): L2 decay, then the momentum buffer b₁ = g, b_t = μb + (1 − τ)g; u = Nesterov ? g + μb : b. */
import type { ResolvedOptimizer } from '../optimizers.ts';
import { type UpdateRule, updateRule } from './rule.ts';

export function sgdRule(o: Extract<ResolvedOptimizer, { name: 'sgd' }>): UpdateRule {
  const buffered = o.momentum !== 0 || o.nesterov;
  return updateRule({
    name: 'sgd',
    constants: { wd: o.weightDecay, mu: o.momentum, tau: o.dampening },
    state: buffered ? { b: 0 } : {},
    steps: [
      o.weightDecay !== 0 ? 'g = g + wd * x' : '',
      buffered ? 'b = first ? g : mu * b + (1 - tau) * g' : '',
      buffered ? (o.nesterov ? 'u = g + mu * b' : 'u = b') : 'u = g',
    ],
  });
}
