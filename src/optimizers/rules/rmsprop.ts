/**
 * RMSprop (PyTorch `RMSprop`): a = αa + (1 − α)g²;  centered: c = αc + (1 − α)g, D = √(a − c²) + ε, else D = √a + ε;
 * u = g/D;  with momentum the buffer (from zero) b = μb + u, u = b.
 */
import type { ResolvedOptimizer } from '../optimizers.ts';
import { type UpdateRule, updateRule } from './rule.ts';

export function rmspropRule(o: Extract<ResolvedOptimizer, { name: 'rmsprop' }>): UpdateRule {
  const state: Record<string, number> = { a: 0 };
  if (o.centered) state.c = 0;
  if (o.momentum !== 0) state.b = 0;
  return updateRule({
    name: 'rmsprop',
    constants: { wd: o.weightDecay, alpha: o.alpha, eps: o.eps, mu: o.momentum },
    state,
    steps: [
      o.weightDecay !== 0 ? 'g = g + wd * x' : '',
      'a = alpha * a + (1 - alpha) * g * g',
      o.centered ? 'c = alpha * c + (1 - alpha) * g' : '',
      o.centered ? 'D = sqrt(a - c * c) + eps' : 'D = sqrt(a) + eps',
      'u = g / D',
      // The momentum link's (1 − τ)·u with τ = 0 is u exactly.
      o.momentum !== 0 ? 'b = mu * b + u' : '',
      o.momentum !== 0 ? 'u = b' : '',
    ],
  });
}
