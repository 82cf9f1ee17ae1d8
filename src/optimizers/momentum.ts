/**
 * Momentum buffer (heavy ball or Nesterov), PyTorch `torch.optim.SGD` semantics:
 *   b₁ = g₁ (first step, when `cloneFirst`),  b_t = μ b_{t−1} + (1 − τ) g_t,
 *   u_t = g_t + μ b_t (Nesterov)  or  u_t = b_t.
 * RMSprop's buffer starts at zero instead (`cloneFirst = false`, τ = 0).
 */
import { ParameterError, requireUnitInterval } from '../errors.ts';
import { type GradientTransformation, checkLength } from './transform.ts';

export interface TraceState {
  /** Momentum buffer b. */
  readonly buf: Float64Array;
  /** Whether b has been written (PyTorch creates the buffer on the first step). */
  readonly started: boolean;
}

export interface TraceOptions {
  momentum: number;
  dampening?: number;
  nesterov?: boolean;
  cloneFirst?: boolean;
}

/** PyTorch's momentum buffer: b₁ = g (or (1 − τ)g without cloneFirst), b_t = μb_\{t−1\} + (1 − τ)g_t; emits b_t, or g_t + μb_t with Nesterov. */
export function trace({ momentum, dampening = 0, nesterov = false, cloneFirst = true }: TraceOptions): GradientTransformation<TraceState> {
  requireUnitInterval('momentum', momentum);
  requireUnitInterval('dampening', dampening);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new ParameterError('nesterov', true, 'momentum > 0 and dampening = 0 (PyTorch requires both)');
  }
  return {
    name: nesterov ? 'nesterov' : 'momentum',
    init: (params) => ({ buf: new Float64Array(params.length), started: false }),
    update(g, state) {
      checkLength('momentum', g, state.buf.length);
      const buf = new Float64Array(g.length);
      const first = cloneFirst && !state.started;
      for (let i = 0; i < g.length; i++) {
        buf[i] = first ? g[i] : momentum * state.buf[i] + (1 - dampening) * g[i];
      }
      let u = buf;
      if (nesterov) {
        u = new Float64Array(g.length);
        for (let i = 0; i < g.length; i++) u[i] = g[i] + momentum * buf[i];
      }
      return [u, { buf, started: true }];
    },
  };
}
