/**
 * One block of a simulation: picks the fused kernel when the problem is one of the hot cases, otherwise the
 * general path; both record the same statistics (and give the same bits).
 */
import { type Problem, buildProblem } from '../../problem.ts';
import { ConstantSchedule } from '../../optimizers/index.ts';
import { isQuadratic } from '../../surfaces/index.ts';
import { PROGRAM_MAX_D } from '../../surfaces/program.ts';
import type { BandSink } from './bands.ts';
import { runGeneralBlock } from './general.ts';
import { type FastSurface, type StepTables, runFastBlock } from './kernels.ts';
import { type UpdateRule, ruleOf } from '../../optimizers/rules/index.ts';
import { runWasmBlock, wasmReady } from './wasm/kernel.ts';
import { threshold } from '../../rng/keyed.ts';
import { BLOCK_SIZE, type SimulationSpec, bandStepList, checkKeptFinal } from './spec.ts';
import { BlockRecorder, type BlockStats } from './stats.ts';


/** The fused kernel's description of the problem, or why there is none. */
export function fastPathOf(problem: Problem): { surface: FastSurface; rule: UpdateRule; gaussian: boolean } | string {
  const cfg = problem.config;
  const s = problem.surface;
  let surface: FastSurface;
  if (isQuadratic(s)) {
    const q = s;
    const H = Float64Array.from(q.H.to1DArray());
    let diag = true;
    for (let i = 0; i < q.dim; i++) for (let j = 0; j < q.dim; j++) if (i !== j && H[i * q.dim + j] !== 0) diag = false;
    surface = { kind: 'quadratic', d: q.dim, H, diag, xStar: q.xStar, c: q.c };
  } else if (s.program && s.dim <= PROGRAM_MAX_D) surface = { kind: 'program', d: s.dim, program: s.program };
  else if (s.windowSum) surface = { kind: 'windowSum', d: s.dim, windowSum: s.windowSum };
  else if (s.rowSum) surface = { kind: 'rows', d: s.dim, rowSum: s.rowSum };
  else if (s.coordSum) surface = { kind: 'coordSum', d: s.dim, coordSum: s.coordSum };
  else if (s.program) return `no fused kernel for a ${s.dim}-dimensional ${cfg.surface.kind} (its loss and gradient are generated unrolled, for d ≤ ${PROGRAM_MAX_D})`;
  else return `no fused kernel for surface ${cfg.surface.kind}`;
  return { surface, rule: ruleOf(problem.resolved), gaussian: problem.drop.variant === 'gaussian' };
}

export interface BlockContext {
  spec: SimulationSpec;
  problem: Problem;
  fast: ReturnType<typeof fastPathOf>;
  bandSteps: number[];
  /** The fused kernels' per-step tables, built on first use (once per job and thread, not per block). */
  tables: StepTables | null;
}

/** Which implementation runs a block: the WebAssembly kernel, the JavaScript kernel, or the general path. */
export function kernelName(ctx: BlockContext): 'wasm' | 'js' | 'general' {
  return typeof ctx.fast === 'string' ? 'general' : wasmReady() ? 'wasm' : 'js';
}

export function blockContext(spec: SimulationSpec): BlockContext {
  const problem = buildProblem(spec.problem);
  if (spec.keepFinal) checkKeptFinal(spec.samples, problem.surface.dim);
  return { spec, problem, fast: spec.general ? 'general path requested' : fastPathOf(problem), bandSteps: bandStepList(spec), tables: null };
}

/**
 * Runs block `index` (trajectories [index·BLOCK_SIZE, …) of the spec) and returns its statistics; its band
 * histograms go to `sink` (one per job and thread, flushed once into the merged total).
 */
export function runBlock(ctx: BlockContext, index: number, sink: BandSink): BlockStats {
  const { spec, problem } = ctx;
  const start = index * BLOCK_SIZE;
  const B = Math.min(BLOCK_SIZE, spec.samples - start);
  const keep = Math.max(0, Math.min(B, (spec.keepPaths ?? 0) - start));
  const rec = new BlockRecorder(problem.surface.dim, spec.steps, ctx.bandSteps, spec.perStepCov ?? false, keep, sink, spec.keepFinal ? B : 0);
  const first = (spec.firstTrajectory ?? 0) + start;
  try {
    runKernel(ctx, rec, first, B);
  } catch (e) {
    rec.abandon();
    throw e;
  }
  return rec.done();
}

/** The schedules' values at steps 0 … T − 1 (learning rate, per-coordinate drop rates, full-update drop rate). */
function stepTables(problem: Problem, steps: number): StepTables {
  const lrSpec = problem.resolved.lr;
  const lr = typeof lrSpec === 'number' ? new ConstantSchedule(lrSpec) : lrSpec;
  const d = problem.surface.dim;
  const n = steps * d;
  const gaussian = problem.drop.variant === 'gaussian';
  const tables = {
    eta: new Float64Array(steps),
    rates: new Float64Array(n),
    thr: new Float64Array(n),
    keep: new Float64Array(n),
    skipRates: new Float64Array(steps),
    skipThr: new Float64Array(steps),
    sigma: new Float64Array(gaussian ? n : 0),
  };
  for (let t = 0; t < steps; t++) {
    const desc = problem.chain.describeDrop!(t, d)!;
    tables.eta[t] = lr.at(t);
    tables.rates.set(desc.rates, t * d);
    tables.skipRates[t] = desc.skipRate;
    tables.skipThr[t] = threshold(desc.skipRate);
  }
  for (let k = 0; k < n; k++) {
    tables.thr[k] = threshold(tables.rates[k]);
    tables.keep[k] = 1 - tables.rates[k];
    // The Gaussian multiplier's standard deviation, as the DropGrad link computes it.
    if (gaussian) tables.sigma[k] = Math.sqrt(tables.rates[k] / (1 - tables.rates[k]));
  }
  return tables;
}

/** The block's steps on the fused kernel (WebAssembly or JavaScript) or on the general path. */
function runKernel(ctx: BlockContext, rec: BlockRecorder, first: number, B: number): void {
  const { spec, problem } = ctx;
  if (typeof ctx.fast !== 'string') {
    const kernel = wasmReady() ? runWasmBlock : runFastBlock;
    ctx.tables ??= stepTables(problem, spec.steps);
    kernel(
      {
        ...ctx.fast,
        tables: ctx.tables,
        skips: problem.drop.fullUpdateDrop !== undefined,
        x0: problem.x0,
        steps: spec.steps,
        seed: spec.seed,
        first,
        B,
        divergenceLoss: spec.divergenceLoss ?? Number.POSITIVE_INFINITY,
      },
      rec,
    );
  } else {
    runGeneralBlock({ surface: problem.surface, chain: problem.chain, x0: problem.x0, steps: spec.steps, seed: spec.seed, first, B, divergenceLoss: spec.divergenceLoss ?? Number.POSITIVE_INFINITY }, rec);
  }
}
