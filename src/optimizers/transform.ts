/**
 * Gradient transformations in the style of optax (DeepMind's gradient-transformation library): an optimizer is a chain of
 * small pure links, each an `init(params) → state` and `update(grads, state, params, ctx) → [updates, state]`.
 * Updates are *added* to the parameters: x ← x + u.
 *
 * Randomness is explicit: every stochastic link reads it from `ctx.source` (a seeded keyed generator,
 * or a given mask). That is what lets the analysis ask any chain for its kept and dropped outcome
 * (docs/theory.md §1) without knowing which optimizer it is.
 */
import { ParameterError } from '../errors.ts';

export type Vec = Float64Array;

/** Where DropGrad's random decisions come from (src/optimizers/sources.ts). */
export interface DropSource {
  /** Is coordinate `coord` of a `dim`-dimensional gradient kept at `step` when its drop rate is `p`? */
  keep(step: number, coord: number, p: number, dim: number): boolean;
  /** Standard normal for coordinate `coord` at `step` (Gaussian DropGrad). */
  normal(step: number, coord: number): number;
  /** Is the whole update at `step` skipped when the full-update drop rate is `r`? */
  skip(step: number, r: number): boolean;
}

export interface StepContext {
  /** Global step index t = 0, 1, 2, … Schedules and random numbers are keyed by it. */
  readonly step: number;
  readonly source: DropSource;
}

/** What DropGrad does at a step, for the analysis (docs/theory.md §0). */
export interface DropDescription {
  variant: 'bernoulli' | 'gaussian';
  /** Per-coordinate drop rates p_i at this step. */
  rates: Float64Array;
  /** Full-update drop probability r at this step (0 when none). */
  skipRate: number;
}

/** A link of an optimizer chain (optax's GradientTransformation): `init` makes its state, `update` maps updates to updates. */
export interface GradientTransformation<S = unknown> {
  readonly name: string;
  init(params: Vec): S;
  update(grads: Vec, state: S, params: Vec, ctx: StepContext): [Vec, S];
  /** Links that inject DropGrad noise describe it here; a chain reports the first. */
  describeDrop?(step: number, dim: number): DropDescription | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a chain holds links of heterogeneous state types
export type AnyTransformation = GradientTransformation<any>;

/** Checks that a state vector matches the gradient's length. */
export function checkLength(link: string, grads: Vec, expected: number): void {
  if (grads.length !== expected) {
    throw new ParameterError(`${link}: gradient length`, grads.length, `${expected} (the length of the optimizer state)`);
  }
}

/** Applies the links in order; the state is the tuple of the links' states. */
export function chain(...links: AnyTransformation[]): GradientTransformation<unknown[]> {
  return {
    name: links.map((l) => l.name).join(' → '),
    init(params) {
      return links.map((l) => l.init(params));
    },
    update(grads, state, params, ctx) {
      if (state.length !== links.length) {
        throw new ParameterError('chain state length', state.length, `${links.length} (one state per link)`);
      }
      let u = grads;
      const next = new Array<unknown>(links.length);
      for (let i = 0; i < links.length; i++) {
        const [ui, si] = links[i].update(u, state[i], params, ctx);
        u = ui;
        next[i] = si;
      }
      return [u, next];
    },
    describeDrop(step, dim) {
      for (const l of links) {
        const d = l.describeDrop?.(step, dim);
        if (d) return d;
      }
      return undefined;
    },
  };
}

/** x ← x + u, in place. */
export function applyUpdates(params: Vec, updates: Vec): Vec {
  for (let i = 0; i < params.length; i++) params[i] += updates[i];
  return params;
}

/** Empty state for stateless links. */
export type NoState = Record<string, never>;
export const NO_STATE: NoState = Object.freeze({}) as NoState;
