/**
 * Adam's scaling (Kingma & Ba 2015), PyTorch `torch.optim.Adam` semantics:
 *   m_t = β₁ m_{t−1} + (1 − β₁) g_t,   v_t = β₂ v_{t−1} + (1 − β₂) g_t²,
 *   u_t = (m_t / (1 − β₁ᵗ)) / (√v_t / √(1 − β₂ᵗ) + ε).
 * AMSGrad (Reddi et al. 2018, PyTorch `amsgrad=True`): v̂_t = max(v̂_{t−1}, v_t) replaces v_t in the denominator.
 * The learning rate is a separate link; AdamW adds decoupled decay after this one.
 */
import { requireUnitInterval, requirePositive } from '../errors.ts';
import { type GradientTransformation, checkLength } from './transform.ts';
import { powi } from './powi.ts';

export interface AdamState {
  /** Number of updates applied (t after the update). */
  readonly count: number;
  readonly mu: Float64Array;
  readonly nu: Float64Array;
  /** AMSGrad's running maximum of ν (zeros without AMSGrad). */
  readonly nuMax: Float64Array;
}

/** Adam's (or AMSGrad's) bias-corrected scaling of this module's comment; the learning rate is a separate link. */
export function scaleByAdam(b1 = 0.9, b2 = 0.999, eps = 1e-8, amsgrad = false): GradientTransformation<AdamState> {
  requireUnitInterval('beta1', b1);
  requireUnitInterval('beta2', b2);
  requirePositive('eps', eps);
  return {
    name: amsgrad ? 'scaleByAmsgrad' : 'scaleByAdam',
    init: (params) => ({ count: 0, mu: new Float64Array(params.length), nu: new Float64Array(params.length), nuMax: new Float64Array(params.length) }),
    update(g, state) {
      checkLength('adam', g, state.mu.length);
      const count = state.count + 1;
      const bc1 = 1 - powi(b1, count);
      const bc2Sqrt = Math.sqrt(1 - powi(b2, count));
      const mu = new Float64Array(g.length);
      const nu = new Float64Array(g.length);
      const nuMax = amsgrad ? new Float64Array(g.length) : state.nuMax;
      const u = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        mu[i] = b1 * state.mu[i] + (1 - b1) * g[i];
        nu[i] = b2 * state.nu[i] + (1 - b2) * g[i] * g[i];
        if (amsgrad) nuMax[i] = Math.max(state.nuMax[i], nu[i]);
        u[i] = mu[i] / bc1 / (Math.sqrt(amsgrad ? nuMax[i] : nu[i]) / bc2Sqrt + eps);
      }
      return [u, { count, mu, nu, nuMax }];
    },
  };
}
