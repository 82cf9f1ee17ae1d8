/** Adagrad (PyTorch `Adagrad`): s = s + g² (s₀ the initial accumulator),  u = g/(√s + ε) / (1 + (c − 1)·lr_decay). */
import type { ResolvedOptimizer } from '../optimizers.ts';
import { type UpdateRule, perCount, updateRule } from './rule.ts';

export function adagradRule(o: Extract<ResolvedOptimizer, { name: 'adagrad' }>): UpdateRule {
  const decays = o.lrDecay !== 0;
  return updateRule({
    name: 'adagrad',
    constants: { wd: o.weightDecay, eps: o.eps },
    state: { s: o.initialAccumulatorValue },
    counts: decays ? { names: ['decay'], table: (n) => [perCount(n, (c) => 1 + (c - 1) * o.lrDecay)] } : undefined,
    steps: [
      o.weightDecay !== 0 ? 'g = g + wd * x' : '',
      's = s + g * g',
      // Without lr_decay the link divides by 1, which is exact: the kernels skip it.
      decays ? 'u = g / (sqrt(s) + eps) / decay' : 'u = g / (sqrt(s) + eps)',
    ],
  });
}
