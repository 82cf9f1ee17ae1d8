/** What every report section shares: sizes (quick or full), the seed, and the theory-vs-simulation checks. */
import { runTrajectory } from '../analysis/trajectory.ts';
import { type SimulationResult, simulateSync } from '../analysis/mc/index.ts';
import { type ProblemConfig, buildProblem } from '../problem.ts';
import type { GpuRunner } from '../gpu/simulate.ts';

export interface Check {
  section: string;
  quantity: string;
  exact: number;
  estimate: number;
  stderr: number;
  z: number;
}

export interface ReportContext {
  quick: boolean;
  seed: number;
  /** Trajectories for Monte-Carlo figures. */
  samples: number;
  checks: Check[];
  /** Next seed for an independent simulation (deterministic sequence). */
  nextSeed(): number;
  progress(label: string): void;
  /** The WebGPU path, when the report runs with one (big grids go there). */
  gpu?: GpuRunner;
}

export function makeContext(quick: boolean, seed: number, progress: (label: string) => void = () => {}, gpu?: GpuRunner): ReportContext {
  let k = 0;
  return { quick, seed, samples: quick ? 2000 : 20000, checks: [], nextSeed: () => seed * 1000 + ++k, progress, gpu };
}

/**
 * Records a closed form against its Monte-Carlo estimate: z = (estimate − exact)/s.e. The standard error is
 * floored at 1e-12 relative: without noise (p = 0) the estimate is deterministic and differs from the closed form
 * only by rounding, whose spread the sample standard error (≈ 1e-16) does not measure.
 */
export function check(ctx: ReportContext, section: string, quantity: string, exact: number, estimate: number, stderrRaw: number): Check {
  const stderr = Math.max(stderrRaw, 1e-12 * Math.max(1, Math.abs(exact)));
  const z = (estimate - exact) / stderr;
  const c = { section, quantity, exact, estimate, stderr, z };
  ctx.checks.push(c);
  return c;
}

export function mc(ctx: ReportContext, problem: ProblemConfig, steps: number, o: { samples?: number; keepPaths?: number; bandSteps?: number; divergenceLoss?: number } = {}): SimulationResult {
  return simulateSync({ problem, samples: o.samples ?? ctx.samples, steps, seed: ctx.nextSeed(), keepPaths: o.keepPaths, bandSteps: o.bandSteps ?? 0, divergenceLoss: o.divergenceLoss });
}

export interface PathMetrics {
  /** Direction reversals: consecutive updates with a negative inner product. */
  oscillations: { mean: number; se: number };
  /** Σ‖Δx_t‖. */
  pathLength: { mean: number; se: number };
  finalLoss: { mean: number; se: number };
  diverged: number;
  n: number;
}

const meanSe = (v: number[]) => {
  const n = v.length;
  if (n === 0) return { mean: Number.NaN, se: Number.NaN };
  const m = v.reduce((a, b) => a + b, 0) / n;
  const s2 = n > 1 ? v.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) : 0;
  return { mean: m, se: Math.sqrt(s2 / n) };
};

/** Zig-zag measurements over K seeded trajectories (the reference loop; diverged ones are counted and left out). */
export function pathMetrics(ctx: ReportContext, problem: ProblemConfig, steps: number, K: number): PathMetrics {
  const p = buildProblem(problem);
  const seed = ctx.nextSeed();
  const osc: number[] = [];
  const len: number[] = [];
  const loss: number[] = [];
  let diverged = 0;
  for (let k = 0; k < K; k++) {
    const r = runTrajectory(p.surface, p.chain, p.x0, steps, seed, k, true);
    if (r.diverged) {
      diverged++;
      continue;
    }
    const path = r.path!;
    let o = 0;
    let l = 0;
    let prev: number[] | null = null;
    for (let t = 1; t < path.length; t++) {
      const u = Array.from(path[t], (v, i) => v - path[t - 1][i]);
      l += Math.hypot(...u);
      if (prev && u.reduce((a, v, i) => a + v * prev![i], 0) < 0) o++;
      if (u.some((v) => v !== 0)) prev = u;
    }
    osc.push(o);
    len.push(l);
    loss.push(r.loss);
  }
  return { oscillations: meanSe(osc), pathLength: meanSe(len), finalLoss: meanSe(loss), diverged, n: K - diverged };
}
