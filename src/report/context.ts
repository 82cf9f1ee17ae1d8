/** What every report section shares: sizes (quick or full), the seed, and the theory-vs-simulation checks. */
import { runTrajectory } from '../analysis/trajectory.ts';
import { type SimulationResult, simulateSync } from '../analysis/mc/index.ts';
import { type ProblemConfig, buildProblem } from '../problem.ts';
import type { GpuRunner } from '../gpu/simulate.ts';
import { type JointTest, hotelling, zPValue } from '../analysis/hypothesis.ts';

export interface Check {
  section: string;
  quantity: string;
  exact: number;
  estimate: number;
  stderr: number;
  z: number;
  /**
   * 'identity': no noise (e.g. p = 0), the estimate is deterministic and differs from the closed form by rounding
   * only: judged by its relative difference (≤ 1e-9), not by a z-score. 'stochastic': a Monte-Carlo estimate.
   */
  kind: 'identity' | 'stochastic';
  /** Two-sided p-value of z (stochastic checks). */
  p: number;
}

/** A vector estimate tested jointly: Hotelling's T² (src/analysis/hypothesis.ts). */
export interface JointCheck {
  section: string;
  quantity: string;
  test: JointTest;
  n: number;
}

export interface ReportContext {
  quick: boolean;
  seed: number;
  /** Trajectories for Monte-Carlo figures. */
  samples: number;
  checks: Check[];
  joint: JointCheck[];
  /** Next seed for an independent simulation (deterministic sequence). */
  nextSeed(): number;
  progress(label: string): void;
  /** The WebGPU path, when the report runs with one (big grids go there). */
  gpu?: GpuRunner;
}

export function makeContext(quick: boolean, seed: number, progress: (label: string) => void = () => {}, gpu?: GpuRunner): ReportContext {
  let k = 0;
  return { quick, seed, samples: quick ? 2000 : 20000, checks: [], joint: [], nextSeed: () => seed * 1000 + ++k, progress, gpu };
}

/** Relative difference of an identity: |estimate − exact| / max(1, |exact|). */
export const relativeDifference = (c: Pick<Check, 'exact' | 'estimate'>) => Math.abs(c.estimate - c.exact) / Math.max(1, Math.abs(c.exact));

/**
 * Records a closed form against its Monte-Carlo estimate: z = (estimate − exact)/s.e. A standard error below
 * 1e-12 relative means there is no noise (p = 0): the estimate is deterministic, an identity judged by its relative
 * difference; the standard error is floored there (the sample standard error, ≈ 1e-16, measures no spread).
 */
export function check(ctx: ReportContext, section: string, quantity: string, exact: number, estimate: number, stderrRaw: number): Check {
  const floor = 1e-12 * Math.max(1, Math.abs(exact));
  const stderr = Math.max(stderrRaw, floor);
  const z = (estimate - exact) / stderr;
  const c: Check = { section, quantity, exact, estimate, stderr, z, kind: !(stderrRaw > floor) ? 'identity' : 'stochastic', p: zPValue(z) };
  ctx.checks.push(c);
  return c;
}

/** Records a vector estimate (mean of n draws with sample covariance `cov`) against its closed form, jointly. */
export function jointCheck(ctx: ReportContext, section: string, quantity: string, exact: readonly number[], estimate: readonly number[] | null, cov: readonly (readonly number[])[], n: number): void {
  if (!estimate) return;
  ctx.joint.push({ section, quantity, test: hotelling(estimate, exact, cov, n), n });
}

export { DIVERGENCE_FACTOR, DIVERGENCE_RULE, divergenceLimit } from '../problem.ts';

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
