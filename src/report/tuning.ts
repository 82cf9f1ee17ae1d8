/**
 * Learning rates tuned for a comparison, the reports' one way of doing it (pages 1 and 5): the best of a log grid
 * by the median final loss of a simulated ensemble among the learning rates at which at least 95% of the
 * trajectories survive (the divergence rule of problem.ts), or, on a quadratic with SGD, the argmin of the exact
 * E f(x_T) of the moment recursion (docs/theory.md §3).
 */
import { multiStepMoments } from '../analysis/index.ts';
import { simulateSync } from '../analysis/mc/index.ts';
import { type ProblemConfig, divergenceLimit } from '../problem.ts';
import type { QuadraticSurface } from '../surfaces/index.ts';
import type { ReportContext } from './context.ts';

/** At least this share of the trajectories must survive for a learning rate to count. */
export const SURVIVAL = 0.95;

/** n learning rates spaced geometrically from a to b. */
export const logGrid = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a * (b / a) ** (i / (n - 1)));

export interface Tuned {
  lr: number;
  /** Median final loss at the tuned η (NaN when no η of the grid keeps 95% alive). */
  value: number;
  survival: number;
  /** The tuned η is the grid's first or last point (the optimum may lie outside). */
  atEdge: boolean;
}

/**
 * The η of `grid` with the lowest median final loss after `steps` steps among those where ≥ 95% survive (ties: the
 * smaller η, since medians come from histogram bins). One simulation of `samples` trajectories per η.
 */
export function tuneBySimulation(ctx: ReportContext, problemAt: (lr: number) => ProblemConfig, grid: readonly number[], steps: number, samples: number): Tuned {
  let best: Tuned | null = null;
  grid.forEach((lr, i) => {
    const problem = problemAt(lr);
    const r = simulateSync({ problem, samples, steps, seed: ctx.nextSeed(), bandSteps: 1, divergenceLoss: divergenceLimit(problem) });
    const survival = r.perStep.n[steps] / samples;
    const value = survival > 0 ? r.bands.values.at(-1)![2] : Number.POSITIVE_INFINITY;
    if (survival >= SURVIVAL && (!best || value < best.value)) best = { lr, value, survival, atEdge: i === 0 || i === grid.length - 1 };
  });
  return best ?? { lr: Number.NaN, value: Number.NaN, survival: 0, atEdge: false };
}

/** SGD on a quadratic: the η of `grid` minimising the exact E f(x_T) from x0 at drop rate p, and that minimum. */
export function tuneExactSgd(q: QuadraticSurface, x0: ArrayLike<number>, steps: number, p: number, grid: readonly number[]): { lr: number; value: number } {
  let best = { lr: Number.NaN, value: Number.POSITIVE_INFINITY };
  for (const lr of grid) {
    const m = multiStepMoments(q, { x0, steps, lr: () => lr, rates: () => new Float64Array(q.dim).fill(p) });
    if (m.expectedLoss < best.value) best = { lr, value: m.expectedLoss };
  }
  return best;
}
