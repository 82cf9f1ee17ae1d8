/**
 * Sources of DropGrad's random decisions (the `DropSource` of a step context).
 * - `randomSource(seed, trajectory)`: the keyed Philox stream of docs/theory.md §6; coordinate i at step t is
 *   kept iff its decision word ≥ ⌊p·2³²⌋ (see src/rng/keyed.ts).
 * - `givenSource(...)`: decisions supplied by the caller, e.g. "every coordinate kept" or "every coordinate
 *   dropped", which is how the analysis reads a chain's two-point update (docs/theory.md §1).
 * - `mt19937Source(seed, trajectory)` (./mt19937.ts): an independent generator, to check the keyed mapping.
 */
import { KeyedRandom, STREAM_SKIP, threshold } from '../rng/keyed.ts';
import type { DropSource } from './transform.ts';

/** DropGrad's random decisions for trajectory `trajectory` of run `seed`: the keyed Philox stream (docs/theory.md §6), so a trajectory's masks do not depend on how the ensemble is split over threads or devices. */
export function randomSource(seed: number, trajectory = 0): DropSource {
  const rng = new KeyedRandom(seed, trajectory);
  return {
    keep: (step, coord, p, dim) => p === 0 || rng.kept(step, coord, dim, threshold(p)),
    normal: (step, coord) => rng.normal(step, coord),
    skip: (step, r) => r > 0 && rng.word(step, 0, STREAM_SKIP) < threshold(r),
  };
}

export interface GivenDecisions {
  /** Kept decision per (step, coordinate); default: always kept. */
  keep?: (step: number, coord: number) => boolean;
  /** Standard normal per (step, coordinate); default 0 (multiplier exactly 1). */
  normal?: (step: number, coord: number) => number;
  /** Whether the step is skipped; default never. */
  skip?: (step: number) => boolean;
}

/** Decisions supplied by the caller (each default: kept, multiplier 1, never skipped). */
export function givenSource({ keep, normal, skip }: GivenDecisions): DropSource {
  return {
    keep: (step, coord) => (keep ? keep(step, coord) : true),
    normal: (step, coord) => (normal ? normal(step, coord) : 0),
    skip: (step) => (skip ? skip(step) : false),
  };
}

/** A fixed mask history: masks[t][i] ∈ \{0, 1\} (1 = kept); steps beyond the history are kept. */
export function maskSource(masks: ArrayLike<ArrayLike<number>>, skips?: ArrayLike<boolean>): DropSource {
  return givenSource({
    keep: (t, i) => (t < masks.length ? masks[t][i] !== 0 : true),
    skip: (t) => (skips ? t < skips.length && skips[t] : false),
  });
}

/** Every coordinate kept, every step: DropGrad becomes the identity (the p = 0 chain). */
export const ALL_KEPT: DropSource = givenSource({});
/** Every coordinate dropped: the two-point update's other branch (docs/theory.md §1). */
export const ALL_DROPPED: DropSource = givenSource({ keep: () => false });
