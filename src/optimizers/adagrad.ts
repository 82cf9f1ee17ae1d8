/**
 * Adagrad's scaling (Duchi et al. 2011), PyTorch `torch.optim.Adagrad` semantics:
 *   s_t = s_{t−1} + g_t²  (s₀ = initial accumulator),   u_t = g_t / (√s_t + ε) / (1 + (t − 1)·lr_decay).
 * The learning-rate decay factor uses Adagrad's own step count t, as PyTorch does.
 */
import { requireNonNegative, requirePositive } from '../errors.ts';
import { type GradientTransformation, checkLength } from './transform.ts';

export interface AdagradState {
  readonly count: number;
  /** Sum of squared gradients s. */
  readonly sum: Float64Array;
}

export interface AdagradScaleOptions {
  lrDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

/** Adagrad's scaling g_t/(√s_t + ε)/(1 + (t − 1)·lr_decay) of this module's comment. */
export function scaleByAdagrad({ lrDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 }: AdagradScaleOptions = {}): GradientTransformation<AdagradState> {
  requireNonNegative('lrDecay', lrDecay);
  requireNonNegative('initialAccumulatorValue', initialAccumulatorValue);
  requirePositive('eps', eps);
  return {
    name: 'scaleByAdagrad',
    init: (params) => ({ count: 0, sum: new Float64Array(params.length).fill(initialAccumulatorValue) }),
    update(g, state) {
      checkLength('adagrad', g, state.sum.length);
      const count = state.count + 1;
      const decay = 1 + (count - 1) * lrDecay;
      const sum = new Float64Array(g.length);
      const u = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        sum[i] = state.sum[i] + g[i] * g[i];
        u[i] = g[i] / (Math.sqrt(sum[i]) + eps) / decay;
      }
      return [u, { count, sum }];
    },
  };
}
