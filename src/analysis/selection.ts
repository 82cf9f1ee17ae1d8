/**
 * Minima selection under DropGrad (docs/theory.md §7): a problem's local minima with the exact mean-square and the
 * almost-sure stability limits of its optimizer on each minimum's quadratic model, and the share of a Monte-Carlo
 * ensemble whose final points flow into each basin.
 */
import type { Matrix } from '../matrix.ts';
import { type Problem, divergenceLimit } from '../problem.ts';
import { type SimulateOptions, simulate } from './mc/index.ts';
import { type Minimum, assignBasins, findMinima } from './minima.ts';
import { type AlmostSureLimit, type LinearDynamics, type LyapunovOptions, type LyapunovResult, lrMaxAlmostSure, lyapunovExponent } from './lyapunov.ts';
import { lrMax, sgdFamilyOf } from './stability.ts';

export interface MinimumReport {
  x: number[];
  value: number;
  hessian: number[][];
  eigenvalues: number[];
  sharpness: number;
  /** Sharpness over the flattest minimum's. */
  relativeSharpness: number;
  /** Largest mean-square stable learning rate on the minimum's quadratic model (null: not the SGD family). */
  lrMax: number | null;
  /** Smallest learning rate at which the top Lyapunov exponent reaches 0 (almost-sure limit). */
  lrMaxAlmostSure: AlmostSureLimit | null;
  /** The top Lyapunov exponent at the problem's learning rate (null without a constant one). */
  lyapunov: LyapunovResult | null;
}

export interface MinimaReport {
  minima: MinimumReport[];
  /** Largest sharpness over the smallest. */
  sharpnessRatio: number | null;
  rejected: { saddles: number; degenerate: number; unconverged: number };
  starts: number;
  /** Why the stability limits are absent, when they are. */
  stabilityReason?: string;
}

/**
 * The linearised dynamics' description from a problem (SGD, heavy ball, Nesterov with constant drop rates), or
 * why there is none. The learning rate is the problem's when constant (null otherwise).
 */
export function linearDynamicsOf(problem: Problem): { dynamics: Omit<LinearDynamics, 'lr'>; lr: number | null } | string {
  const o = problem.resolved;
  const family = sgdFamilyOf(o);
  if ('outside' in family) return family.outside === 'optimizer' ? `the stability limits are for SGD, heavy ball and Nesterov (not ${o.name})` : 'the stability limits follow PyTorch\'s undampened momentum (dampening 0)';
  const drop = problem.drop;
  const constant = typeof drop.rate === 'number' && (drop.fullUpdateDrop === undefined || typeof drop.fullUpdateDrop === 'number') && Object.values(drop.groups ?? {}).every((g) => typeof g.rate === 'number');
  if (!constant) return 'the stability limits are for constant drop rates (a drop-rate schedule was given)';
  const d = problem.surface.dim;
  const desc = problem.chain.describeDrop?.(0, d);
  return {
    dynamics: {
      rates: desc?.rates ?? new Float64Array(d),
      skipRate: desc?.skipRate ?? 0,
      ...family,
      gaussian: drop.variant === 'gaussian',
    },
    lr: typeof o.lr === 'number' ? o.lr : null,
  };
}

function stabilityOf(H: Matrix, lin: Exclude<ReturnType<typeof linearDynamicsOf>, string>, almostSure: boolean, mc: LyapunovOptions) {
  const { dynamics: dyn, lr } = lin;
  const ms = lrMax(H, { rates: dyn.rates, momentum: dyn.momentum, nesterov: dyn.nesterov, weightDecay: dyn.weightDecay }).lrMax;
  return {
    lrMax: ms,
    // Every mean-square stable rate is almost-surely stable (Jensen), so the scan starts just below the mean-square limit.
    lrMaxAlmostSure: almostSure ? lrMaxAlmostSure(H, dyn, 0.999 * ms, mc) : null,
    lyapunov: lr === null ? null : lyapunovExponent(H, { ...dyn, lr }, mc),
  };
}

/** The minima of the problem's surface with their stability limits under the problem's optimizer and DropGrad. */
export function minimaReport(problem: Problem, o: { starts?: number[][]; count?: number; almostSure?: boolean; lyapunov?: LyapunovOptions } = {}): MinimaReport {
  const search = findMinima(problem.surface, { starts: o.starts, count: o.count });
  const lin = linearDynamicsOf(problem);
  const flattest = Math.min(...search.minima.map((m) => m.sharpness));
  const minima = search.minima.map((m: Minimum): MinimumReport => ({
    x: Array.from(m.x),
    value: m.value,
    hessian: m.hessian.to2DArray(),
    eigenvalues: m.eigenvalues,
    sharpness: m.sharpness,
    relativeSharpness: m.sharpness / flattest,
    ...(typeof lin === 'string' ? { lrMax: null, lrMaxAlmostSure: null, lyapunov: null } : stabilityOf(m.hessian, lin, o.almostSure ?? true, o.lyapunov ?? {})),
  }));
  return {
    minima,
    sharpnessRatio: minima.length ? Math.max(...minima.map((m) => m.sharpness)) / flattest : null,
    rejected: search.rejected,
    starts: search.starts,
    ...(typeof lin === 'string' ? { stabilityReason: lin } : {}),
  };
}

export interface BasinShares {
  /** Share of the trajectories whose final point flows into each minimum (in the minima's order). */
  fractions: number[];
  /** Share that diverged (the one divergence rule) and share whose flow reached no listed minimum. */
  diverged: number;
  unassigned: number;
  samples: number;
  steps: number;
  seed: number;
  seconds: number;
}

/** Runs the problem's Monte-Carlo ensemble and assigns every final point to the basin its gradient flow ends in. */
export async function basinShares(problem: Problem, minima: readonly MinimumReport[], o: { samples: number; steps: number; seed: number } & Pick<SimulateOptions, 'workers' | 'onProgress'>): Promise<BasinShares> {
  const t0 = performance.now();
  const r = await simulate(
    { problem: problem.config, samples: o.samples, steps: o.steps, seed: o.seed, bandSteps: 0, keepFinal: true, divergenceLoss: divergenceLimit(problem.config) },
    { workers: o.workers, onProgress: o.onProgress },
  );
  return { ...sharesOf(problem, minima, r.finalPoints!), samples: o.samples, steps: o.steps, seed: o.seed, seconds: (performance.now() - t0) / 1000 };
}

/** The shares of final points (samples × d, NaN where diverged) per basin. */
export function sharesOf(problem: Problem, minima: readonly { x: ArrayLike<number>; sharpness: number }[], points: Float64Array): { fractions: number[]; diverged: number; unassigned: number } {
  const basin = assignBasins(problem.surface, minima, points);
  const counts = new Array(minima.length).fill(0);
  let diverged = 0;
  let unassigned = 0;
  for (const k of basin) {
    if (k >= 0) counts[k]++;
    else if (k === -2) diverged++;
    else unassigned++;
  }
  const n = basin.length;
  return { fractions: counts.map((c) => c / n), diverged: diverged / n, unassigned: unassigned / n };
}
