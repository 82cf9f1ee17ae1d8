/**
 * One cell of a sweep: its Monte-Carlo statistics and the exact values that exist for it. The result holds no
 * timings and no host facts, so it is a pure function of (config, cell): reruns, resumes and shards agree bit for bit.
 */
import { Matrix } from '../matrix.ts';
import { ParameterError } from '../errors.ts';
import { expectedLossExact, lrMax, multiStepMoments, updateLaw } from '../analysis/index.ts';
import { type SimulationResult, type SimulationSpec, simulateSync } from '../analysis/mc/index.ts';
import { ConstantSchedule, DEFAULT_LR } from '../optimizers/index.ts';
import { buildProblem } from '../problem.ts';
import type { QuadraticSurface } from '../surfaces/index.ts';
import type { Cell } from './config.ts';
import type { CellResult } from './store.ts';

export interface CellRun {
  samples: number;
  steps: number;
}

/** The simulation spec of a cell. */
export const cellSpec = (cell: Cell, run: CellRun): SimulationSpec => ({ problem: cell.problem, samples: run.samples, steps: run.steps, seed: cell.seed, bandSteps: Math.min(50, run.steps) });

/** Runs a cell on the CPU engine. */
export function runCell(cell: Cell, run: CellRun): CellResult {
  return cellResult(cell, run, simulateSync(cellSpec(cell, run)));
}

/** A cell's results from its simulation (CPU or WebGPU) and the exact values that exist for it. */
export function cellResult(cell: Cell, run: CellRun, r: SimulationResult & { backend?: string }): CellResult {
  const problem = buildProblem(cell.problem);
  const exact: Record<string, unknown> = {};
  // One step from x0: exact expected loss by term enumeration (any surface with small terms).
  try {
    const law = updateLaw({ chain: problem.chain, x: problem.x0, grad: problem.surface.gradient(problem.x0) });
    exact.oneStepExpectedLoss = expectedLossExact(problem.surface, problem.x0, law);
  } catch {
    // Terms too large to enumerate (e.g. a many-dimensional Ackley): no exact value.
  }
  const o = problem.optimizer;
  const q = problem.surface as Partial<QuadraticSurface>;
  if (q.H && o.name === 'sgd' && (o.dampening ?? 0) === 0 && problem.drop.variant !== 'gaussian') {
    const lrSpec = o.lr ?? DEFAULT_LR.sgd;
    const lr = typeof lrSpec === 'number' ? new ConstantSchedule(lrSpec) : lrSpec;
    const d = problem.surface.dim;
    const m = multiStepMoments(q as QuadraticSurface, {
      x0: problem.x0,
      steps: run.steps,
      lr: (t) => lr.at(t),
      momentum: o.momentum ?? 0,
      nesterov: o.nesterov ?? false,
      weightDecay: o.weightDecay ?? 0,
      rates: (t) => problem.chain.describeDrop!(t, d)!.rates,
      skipRate: (t) => problem.chain.describeDrop!(t, d)!.skipRate,
    });
    exact.mean = m.mean;
    exact.cov = m.cov;
    exact.expectedLoss = m.expectedLoss;
    exact.expectedLossPerStep = m.expectedLossPerStep;
    // The mean-square limit of the cell's own dynamics (weight decay included); an indefinite H has none: no
    // learning rate is stable along a direction of negative curvature, and the cell still runs.
    try {
      exact.lrMax = lrMax(new Matrix(q.H.to2DArray()), { rates: problem.chain.describeDrop!(0, d)!.rates, momentum: o.momentum ?? 0, nesterov: o.nesterov ?? false, weightDecay: o.weightDecay ?? 0 }).lrMax;
    } catch (e) {
      if (!(e instanceof ParameterError && e.parameter === 'H')) throw e;
      exact.lrMax = null;
    }
  }
  return {
    cell: { index: cell.index, id: cell.id, params: cell.params, seed: cell.seed },
    backend: r.backend ?? 'cpu',
    problem: cell.problem,
    samples: run.samples,
    steps: run.steps,
    final: { mean: r.mean, cov: r.cov, stderrMean: r.stderrMean, meanLoss: r.meanLoss, stderrLoss: r.stderrLoss, n: r.perStep.n[run.steps] },
    diverged: r.diverged,
    divergedFraction: r.divergedFraction,
    firstDivergence: r.firstDivergence,
    curves: { lossMean: r.perStep.lossMean, lossStderr: r.perStep.lossStderr, n: r.perStep.n, diverged: r.perStep.diverged, mean: r.perStep.mean, variance: r.perStep.variance },
    bands: r.bands,
    exact,
  };
}
