/**
 * Lion's scaling (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2):
 *   c_t = β₁ m_{t−1} + (1 − β₁) g_t,   u_t = sign(c_t),   m_t = β₂ m_{t−1} + (1 − β₂) g_t,
 * with sign(0) = 0. Decoupled decay and the learning rate follow as separate links: x ← x − η(sign(c) + λx).
 */
import { requireUnitInterval } from '../errors.ts';
import { type GradientTransformation, checkLength } from './transform.ts';

export interface LionState {
  readonly mu: Float64Array;
}

/** Lion's sign(β₁m + (1 − β₁)g) with the momentum update m ← β₂m + (1 − β₂)g of this module's comment. */
export function scaleByLion(b1 = 0.9, b2 = 0.99): GradientTransformation<LionState> {
  requireUnitInterval('beta1', b1);
  requireUnitInterval('beta2', b2);
  return {
    name: 'scaleByLion',
    init: (params) => ({ mu: new Float64Array(params.length) }),
    update(g, state) {
      checkLength('lion', g, state.mu.length);
      const mu = new Float64Array(g.length);
      const u = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        u[i] = Math.sign(b1 * state.mu[i] + (1 - b1) * g[i]);
        mu[i] = b2 * state.mu[i] + (1 - b2) * g[i];
      }
      return [u, { mu }];
    },
  };
}
