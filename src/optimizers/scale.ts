/** Stateless links: learning rate, L2 weight decay, decoupled weight decay. */
import { requireNonNegative } from '../errors.ts';
import { checkLearningRateSchedule, type ScheduleLike } from './schedules.ts';
import { type GradientTransformation, type NoState, NO_STATE, checkLength } from './transform.ts';

/** u ← −η_t·u, η_t the learning rate at global step t (a number or a Schedule). */
export function scaleByLearningRate(lr: ScheduleLike): GradientTransformation<NoState> {
  const sched = checkLearningRateSchedule('lr', lr);
  return {
    name: 'scaleByLearningRate',
    init: () => NO_STATE,
    update(u, state, _params, ctx) {
      const eta = sched.at(ctx.step);
      const out = new Float64Array(u.length);
      for (let i = 0; i < u.length; i++) out[i] = -eta * u[i];
      return [out, state];
    },
  };
}

/** L2 regularisation added to the gradient (PyTorch `weight_decay` of SGD, Adam, Adagrad, RMSprop, Adadelta): g ← g + λx. */
export function addWeightDecay(weightDecay: number): GradientTransformation<NoState> {
  requireNonNegative('weightDecay', weightDecay);
  return {
    name: 'addWeightDecay',
    init: () => NO_STATE,
    update(g, state, params) {
      checkLength('addWeightDecay', g, params.length);
      if (weightDecay === 0) return [g, state];
      const out = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) out[i] = g[i] + weightDecay * params[i];
      return [out, state];
    },
  };
}

/** Decoupled weight decay (AdamW, Lion), applied before the learning rate: u ← u + λx, so x ← x − η(u + λx). */
export const addDecayedWeights = (weightDecay: number): GradientTransformation<NoState> => ({
  ...addWeightDecay(weightDecay),
  name: 'addDecayedWeights',
});
