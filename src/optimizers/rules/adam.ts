/**
 * Adam, AdamW and AMSGrad (PyTorch `Adam`/`AdamW`, `amsgrad`):
 *   m = β₁m + (1 − β₁)g,  v = β₂v + (1 − β₂)g²,  [v̂ = max(v̂, v)],  u = m/(1 − β₁ᶜ) / (√v/√(1 − β₂ᶜ) + ε)  [+ λx, AdamW].
 */
import type { ResolvedOptimizer } from '../optimizers.ts';
import { type UpdateRule, perCount, updateRule } from './rule.ts';
import { powi } from '../powi.ts';

export function adamRule(o: Extract<ResolvedOptimizer, { name: 'adam' | 'adamw' }>): UpdateRule {
  const [b1, b2] = o.betas;
  const decoupled = o.name === 'adamw';
  const decay = o.weightDecay !== 0;
  return updateRule({
    name: o.amsgrad ? `${o.name}-amsgrad` : o.name,
    constants: { b1, b2, eps: o.eps, wd: o.weightDecay },
    state: o.amsgrad ? { m: 0, v: 0, vmax: 0 } : { m: 0, v: 0 },
    // The link's own expressions, per count c: 1 − β₁ᶜ and √(1 − β₂ᶜ).
    counts: { names: ['bc1', 'bc2'], table: (n) => [perCount(n, (c) => 1 - powi(b1, c)), perCount(n, (c) => Math.sqrt(1 - powi(b2, c)))] },
    steps: [
      decay && !decoupled ? 'g = g + wd * x' : '',
      'm = b1 * m + (1 - b1) * g',
      'v = b2 * v + (1 - b2) * g * g',
      o.amsgrad ? 'vmax = max(vmax, v)' : '',
      o.amsgrad ? 'u = m / bc1 / (sqrt(vmax) / bc2 + eps)' : 'u = m / bc1 / (sqrt(v) / bc2 + eps)',
      decay && decoupled ? 'u = u + wd * x' : '',
    ],
  });
}
