/**
 * Adadelta's scaling (Zeiler 2012), PyTorch `torch.optim.Adadelta` semantics:
 *   a_t = ρ a_{t−1} + (1 − ρ) g_t²,   δ_t = √(d_{t−1} + ε) / √(a_t + ε) · g_t,   d_t = ρ d_{t−1} + (1 − ρ) δ_t²,
 *   u_t = δ_t  (then scaled by the learning rate, default 1).
 */
import { requireUnitInterval, requirePositive } from '../errors.ts';
import { type GradientTransformation, checkLength } from './transform.ts';

export interface AdadeltaState {
  /** Running mean of g², a. */
  readonly squareAvg: Float64Array;
  /** Running mean of δ², d. */
  readonly accDelta: Float64Array;
}

/** Adadelta's scaling δ_t = √(d_\{t−1\} + ε)/√(a_t + ε)·g_t of this module's comment. */
export function scaleByAdadelta(rho = 0.9, eps = 1e-6): GradientTransformation<AdadeltaState> {
  requireUnitInterval('rho', rho);
  requirePositive('eps', eps);
  return {
    name: 'scaleByAdadelta',
    init: (params) => ({ squareAvg: new Float64Array(params.length), accDelta: new Float64Array(params.length) }),
    update(g, state) {
      checkLength('adadelta', g, state.squareAvg.length);
      const squareAvg = new Float64Array(g.length);
      const accDelta = new Float64Array(g.length);
      const u = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        squareAvg[i] = rho * state.squareAvg[i] + (1 - rho) * g[i] * g[i];
        const delta = (Math.sqrt(state.accDelta[i] + eps) / Math.sqrt(squareAvg[i] + eps)) * g[i];
        accDelta[i] = rho * state.accDelta[i] + (1 - rho) * delta * delta;
        u[i] = delta;
      }
      return [u, { squareAvg, accDelta }];
    },
  };
}
