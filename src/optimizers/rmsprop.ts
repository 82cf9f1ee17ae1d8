/**
 * RMSprop's scaling (Hinton 2012), PyTorch `torch.optim.RMSprop` semantics:
 *   a_t = α a_{t−1} + (1 − α) g_t²;  centered: c_t = α c_{t−1} + (1 − α) g_t, denominator √(a_t − c_t²) + ε,
 *   otherwise √a_t + ε;  u_t = g_t / denominator.  (Momentum is a `trace` link after this one, buffer starting at 0.)
 */
import { requireUnitInterval, requirePositive } from '../errors.ts';
import { type GradientTransformation, checkLength } from './transform.ts';

export interface RmsState {
  /** Running mean of g², a. */
  readonly squareAvg: Float64Array;
  /** Running mean of g, c (centered variant only; zeros otherwise). */
  readonly gradAvg: Float64Array;
}

/** RMSprop's scaling g_t/(√a_t + ε) (centered: √(a_t − c_t²) + ε) of this module's comment. */
export function scaleByRms(alpha = 0.99, eps = 1e-8, centered = false): GradientTransformation<RmsState> {
  requireUnitInterval('alpha', alpha);
  requirePositive('eps', eps);
  return {
    name: centered ? 'scaleByCenteredRms' : 'scaleByRms',
    init: (params) => ({ squareAvg: new Float64Array(params.length), gradAvg: new Float64Array(params.length) }),
    update(g, state) {
      checkLength('rmsprop', g, state.squareAvg.length);
      const squareAvg = new Float64Array(g.length);
      const gradAvg = centered ? new Float64Array(g.length) : state.gradAvg;
      const u = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        squareAvg[i] = alpha * state.squareAvg[i] + (1 - alpha) * g[i] * g[i];
        let denom: number;
        if (centered) {
          gradAvg[i] = alpha * state.gradAvg[i] + (1 - alpha) * g[i];
          denom = Math.sqrt(squareAvg[i] - gradAvg[i] * gradAvg[i]) + eps;
        } else {
          denom = Math.sqrt(squareAvg[i]) + eps;
        }
        u[i] = g[i] / denom;
      }
      return [u, { squareAvg, gradAvg }];
    },
  };
}
