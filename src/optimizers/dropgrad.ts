/**
 * DropGrad as a link of a chain (docs/theory.md §0).
 *
 * Bernoulli (default): g̃_i = m_i g_i / q_i with m_i ~ Bernoulli(q_i), q_i = 1 − p_i.
 * Gaussian (Tseng et al. 2020): g̃_i = ξ_i g_i with ξ_i ~ N(1, p_i/q_i): the same first two moments.
 * Per-group rates: `groups` maps a group name to its coordinates and its rate (a number or a
 * schedule), like the `params` mapping of the original package; other coordinates use `rate`.
 * Every rate may be a schedule of the global step (LinearDropRateScheduler, …).
 *
 * Full-update drop is a wrapper, `skipUpdates(inner, r)`: with probability r the whole step is
 * skipped, parameters and optimizer state untouched, no rescale.
 */
import { ParameterError } from '../errors.ts';
import { ConstantSchedule, checkDropRateSchedule, type Schedule, type ScheduleLike } from './schedules.ts';
import { type AnyTransformation, type DropDescription, type GradientTransformation, type NoState, NO_STATE, chain } from './transform.ts';

export interface DropGroup {
  /** Coordinates (indices into the flat parameter vector) of the group. */
  indices: number[];
  rate: ScheduleLike;
}

export interface DropGradOptions {
  /** Default drop rate p ∈ [0, 1) (or a schedule). */
  rate?: ScheduleLike;
  /** Per-group drop rates keyed by group name. */
  groups?: Record<string, DropGroup>;
  variant?: 'bernoulli' | 'gaussian';
}

export interface DropGradLink extends GradientTransformation<NoState> {
  /** Drop rates p_i at `step` for a `dim`-coordinate problem. */
  rates(step: number, dim: number): Float64Array;
}

/** The DropGrad link of this module's comment: g̃_i = m_i g_i/(1 − p_i), m_i ~ Bernoulli(1 − p_i) (or the Gaussian ξ_i ~ N(1, p_i/(1 − p_i))), per-group rates and schedules. */
export function dropGrad({ rate = 0, groups = {}, variant = 'bernoulli' }: DropGradOptions = {}): DropGradLink {
  if (variant !== 'bernoulli' && variant !== 'gaussian') {
    throw new ParameterError('variant', variant, '"bernoulli" or "gaussian"');
  }
  const base = checkDropRateSchedule('dropRate', rate);
  const scheds: Schedule[] = [base];
  const coordSched = new Map<number, number>();
  for (const [name, g] of Object.entries(groups)) {
    scheds.push(checkDropRateSchedule(`groups.${name}.rate`, g.rate));
    for (const i of g.indices) {
      if (!Number.isInteger(i) || i < 0) throw new ParameterError(`groups.${name}.indices`, i, 'integers ≥ 0');
      if (coordSched.has(i)) throw new ParameterError(`groups.${name}.indices`, i, 'coordinates that belong to one group only');
      coordSched.set(i, scheds.length - 1);
    }
  }
  const maxIndex = coordSched.size ? Math.max(...coordSched.keys()) : -1;
  const constant = scheds.every((s) => s instanceof ConstantSchedule);
  let cached: { dim: number; step: number; rates: Float64Array } | undefined;

  function rates(step: number, dim: number): Float64Array {
    if (maxIndex >= dim) throw new ParameterError('DropGrad group index', maxIndex, `an index < ${dim} (the number of parameters)`);
    if (cached && cached.dim === dim && (constant || cached.step === step)) return cached.rates;
    const values = scheds.map((s) => s.at(step));
    const out = new Float64Array(dim).fill(values[0]);
    for (const [i, k] of coordSched) out[i] = values[k];
    cached = { dim, step, rates: out };
    return out;
  }

  return {
    name: variant === 'gaussian' ? 'dropGradGaussian' : 'dropGrad',
    rates,
    init: () => NO_STATE,
    update(g, state, _params, ctx) {
      const p = rates(ctx.step, g.length);
      const out = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        const pi = p[i];
        if (variant === 'bernoulli') {
          out[i] = ctx.source.keep(ctx.step, i, pi, g.length) ? g[i] / (1 - pi) : 0;
        } else {
          out[i] = pi === 0 ? g[i] : g[i] * (1 + Math.sqrt(pi / (1 - pi)) * ctx.source.normal(ctx.step, i));
        }
      }
      return [out, state];
    },
    describeDrop(step, dim): DropDescription {
      return { variant, rates: rates(step, dim), skipRate: 0 };
    },
  };
}

/**
 * Full-update drop: with probability r_t (a number or schedule) the step is skipped — zero update,
 * the inner state returned unchanged (so counters such as Adam's t do not advance).
 */
export function skipUpdates<S>(inner: GradientTransformation<S>, rate: ScheduleLike): GradientTransformation<S> {
  const probability = checkDropRateSchedule('fullUpdateDrop', rate, 'the probability of skipping a whole step');
  return {
    name: `skipUpdates(${inner.name})`,
    init: (params) => inner.init(params),
    update(g, state, params, ctx) {
      if (ctx.source.skip(ctx.step, probability.at(ctx.step))) return [new Float64Array(g.length), state];
      return inner.update(g, state, params, ctx);
    },
    describeDrop(step, dim) {
      const d = inner.describeDrop?.(step, dim) ?? { variant: 'bernoulli' as const, rates: new Float64Array(dim), skipRate: 0 };
      return { ...d, skipRate: probability.at(step) };
    },
  };
}

export interface WithDropGradOptions extends DropGradOptions {
  /** Probability of skipping the whole update (parameters and state). */
  fullUpdateDrop?: ScheduleLike;
}

/** chain(dropGrad(...), ...optimizer), wrapped in full-update drop when asked: the DropGrad optimizer of the original package. */
export function withDropGrad(optimizer: AnyTransformation, options: WithDropGradOptions = {}): AnyTransformation {
  const inner = chain(dropGrad(options), optimizer);
  return options.fullUpdateDrop !== undefined ? skipUpdates(inner, options.fullUpdateDrop) : inner;
}
