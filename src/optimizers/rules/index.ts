/** The update rule of a resolved optimizer (rule.ts): one description per optimizer, lowered to every back end. */
import type { ResolvedOptimizer } from '../optimizers.ts';
import { adadeltaRule } from './adadelta.ts';
import { adagradRule } from './adagrad.ts';
import { adamRule } from './adam.ts';
import { lionRule } from './lion.ts';
import { nadamRule } from './nadam.ts';
import { rmspropRule } from './rmsprop.ts';
import type { UpdateRule } from './rule.ts';
import { sgdRule } from './sgd.ts';

export * from './rule.ts';

export function ruleOf(o: ResolvedOptimizer): UpdateRule {
  switch (o.name) {
    case 'sgd':
      return sgdRule(o);
    case 'adam':
    case 'adamw':
      return adamRule(o);
    case 'nadam':
      return nadamRule(o);
    case 'adagrad':
      return adagradRule(o);
    case 'rmsprop':
      return rmspropRule(o);
    case 'adadelta':
      return adadeltaRule(o);
    case 'lion':
      return lionRule(o);
  }
}
