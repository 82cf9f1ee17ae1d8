/**
 * NAdam (PyTorch `NAdam`): m = β₁m + (1 − β₁)g,  v = β₂v + (1 − β₂)g²,  D = √(v/(1 − β₂ᶜ)) + ε,
 * u = (1 − μ_c)/(1 − Π_c)·(g/D) + μ_{c+1}/(1 − Π_c μ_{c+1})·(m/D), the coefficients per count (../nadam.ts).
 */
import { nadamCoefficients } from '../nadam.ts';
import type { ResolvedOptimizer } from '../optimizers.ts';
import { type UpdateRule, perCount, updateRule } from './rule.ts';
import { powi } from '../powi.ts';

export function nadamRule(o: Extract<ResolvedOptimizer, { name: 'nadam' }>): UpdateRule {
  const [b1, b2] = o.betas;
  const coefficients = (n: number) => {
    const gc = new Float64Array(n + 1);
    const mc = new Float64Array(n + 1);
    let product = 1;
    for (let c = 1; c <= n; c++) {
      const k = nadamCoefficients(b1, o.momentumDecay, c, product);
      product = k.muProduct;
      gc[c] = k.gradCoef;
      mc[c] = k.momCoef;
    }
    return [perCount(n, (c) => 1 - powi(b2, c)), gc, mc];
  };
  return updateRule({
    name: 'nadam',
    constants: { b1, b2, eps: o.eps, wd: o.weightDecay },
    state: { m: 0, v: 0 },
    counts: { names: ['bc2', 'cg', 'cm'], table: coefficients },
    steps: [
      o.weightDecay !== 0 ? 'g = g + wd * x' : '',
      'm = b1 * m + (1 - b1) * g',
      'v = b2 * v + (1 - b2) * g * g',
      'D = sqrt(v / bc2) + eps',
      'u = cg * (g / D) + cm * (m / D)',
    ],
  });
}
