/** Adadelta (PyTorch `Adadelta`): a = ρa + (1 − ρ)g²,  δ = √(e + ε)/√(a + ε)·g,  e = ρe + (1 − ρ)δ²,  u = δ. */
import type { ResolvedOptimizer } from '../optimizers.ts';
import { type UpdateRule, updateRule } from './rule.ts';

export function adadeltaRule(o: Extract<ResolvedOptimizer, { name: 'adadelta' }>): UpdateRule {
  return updateRule({
    name: 'adadelta',
    constants: { wd: o.weightDecay, rho: o.rho, eps: o.eps },
    state: { a: 0, e: 0 },
    steps: [
      o.weightDecay !== 0 ? 'g = g + wd * x' : '',
      'a = rho * a + (1 - rho) * g * g',
      'delta = sqrt(e + eps) / sqrt(a + eps) * g',
      'e = rho * e + (1 - rho) * delta * delta',
      'u = delta',
    ],
  });
}
