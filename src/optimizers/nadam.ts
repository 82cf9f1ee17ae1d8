/**
 * NAdam's scaling (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), PyTorch `torch.optim.NAdam` semantics:
 *   μ_t = β₁(1 − ½·0.96^(tψ)),   Π_t = μ₁⋯μ_t,
 *   m_t = β₁ m_{t−1} + (1 − β₁) g_t,   v_t = β₂ v_{t−1} + (1 − β₂) g_t²,   D_t = √(v_t / (1 − β₂ᵗ)) + ε,
 *   u_t = (1 − μ_t)/(1 − Π_t) · g_t/D_t + μ_{t+1}/(1 − Π_t μ_{t+1}) · m_t/D_t.
 * PyTorch adds the two terms to the parameter one after the other (each times −η); here u_t is one direction that the
 * learning-rate link scales, which agrees with PyTorch to rounding (fixtures: 1e-12).
 */
import { requireNonNegative, requirePositive, requireUnitInterval } from '../errors.ts';
import { type GradientTransformation, checkLength } from './transform.ts';
import { powi } from './powi.ts';

export interface NadamState {
  readonly count: number;
  /** Π_t, the product of the momentum schedule so far. */
  readonly muProduct: number;
  readonly mu: Float64Array;
  readonly nu: Float64Array;
}

/** The momentum schedule μ_c = β₁(1 − ½·0.96^(cψ)). */
export const nadamMomentum = (b1: number, momentumDecay: number, c: number) => b1 * (1 - 0.5 * 0.96 ** (c * momentumDecay));

/**
 * The per-step coefficients at count c given Π_{c−1}: Π_c, the gradient's (1 − μ_c)/(1 − Π_c) and the momentum's
 * μ_{c+1}/(1 − Π_c μ_{c+1}) — shared by the link and the fused kernels' count tables.
 */
export function nadamCoefficients(b1: number, momentumDecay: number, c: number, muProductBefore: number) {
  const mu = nadamMomentum(b1, momentumDecay, c);
  const muNext = nadamMomentum(b1, momentumDecay, c + 1);
  const muProduct = muProductBefore * mu;
  return { muProduct, gradCoef: (1 - mu) / (1 - muProduct), momCoef: muNext / (1 - muProduct * muNext) };
}

/** NAdam's scaling of this module's comment (PyTorch's momentum-decay schedule μ_t). */
export function scaleByNadam(b1 = 0.9, b2 = 0.999, eps = 1e-8, momentumDecay = 4e-3): GradientTransformation<NadamState> {
  requireUnitInterval('beta1', b1);
  requireUnitInterval('beta2', b2);
  requirePositive('eps', eps);
  requireNonNegative('momentumDecay', momentumDecay);
  return {
    name: 'scaleByNadam',
    init: (params) => ({ count: 0, muProduct: 1, mu: new Float64Array(params.length), nu: new Float64Array(params.length) }),
    update(g, state) {
      checkLength('nadam', g, state.mu.length);
      const count = state.count + 1;
      const bc2 = 1 - powi(b2, count);
      const { muProduct, gradCoef, momCoef } = nadamCoefficients(b1, momentumDecay, count, state.muProduct);
      const mu = new Float64Array(g.length);
      const nu = new Float64Array(g.length);
      const u = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        mu[i] = b1 * state.mu[i] + (1 - b1) * g[i];
        nu[i] = b2 * state.nu[i] + (1 - b2) * g[i] * g[i];
        const denom = Math.sqrt(nu[i] / bc2) + eps;
        u[i] = gradCoef * (g[i] / denom) + momCoef * (mu[i] / denom);
      }
      return [u, { count, muProduct, mu, nu }];
    },
  };
}
