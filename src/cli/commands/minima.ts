/** `dropgrad minima`: which minima a surface has, how stable each is under DropGrad, and which basin an ensemble ends in. */
import { checkKeptFinal } from '../../analysis/mc/spec.ts';
import { type MinimaReport, basinShares, minimaReport } from '../../analysis/selection.ts';
import { ParameterError } from '../../errors.ts';
import { buildProblem } from '../../problem.ts';
import type { Command } from '../command.ts';
import { PROBLEM_HELP, PROBLEM_OPTIONS, int, isMatrix, json, problemConfig } from '../flags.ts';
import { progressReporter } from '../progress.ts';

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : Number.isFinite(v) ? v.toPrecision(5) : String(v));

export const minimaCommand: Command = {
  name: 'minima',
  usage: `dropgrad minima [problem flags] [--starts '<JSON list of points>'] [--count N] [--samples N --steps T --seed S] [--json]

docs/theory.md §7. Finds the local minima of the surface: a descent Newton iteration (absolute-value modified
Hessian, backtracking) from N starts spread over the surface's region (default: min(256, 16·2^min(d, 4)) Halton
points) or from --starts; converged points are kept when every Hessian eigenvalue is positive (saddles, maxima
and degenerate points are rejected and counted) and merged when within 1e-6 (1 + ‖x‖).

For each minimum: x, value, Hessian, eigenvalues, sharpness (largest eigenvalue) and sharpness over the flattest
minimum's; and, for SGD, heavy ball (--momentum) and Nesterov with constant drop rates (per-group rates, Gaussian
DropGrad and full-update drop included), on the minimum's quadratic model:
  lrMax             the largest mean-square stable learning rate (exact, docs/theory.md §3);
  lrMaxAlmostSure   the smallest learning rate at which the top Lyapunov exponent of the linearised dynamics
                    reaches 0 (exact for a diagonal Hessian without momentum under Bernoulli DropGrad; otherwise
                    Monte-Carlo, 24 chains × 4000 steps, with its standard error);
  lyapunov          the top Lyapunov exponent at --lr (below 0: almost every path converges to the minimum).
Mean-square instability does not mean that paths leave: between lrMax and lrMaxAlmostSure, E‖x − x*‖² grows
while almost every path converges.

With --samples N, it also runs N trajectories of T steps (default 1000) from --x0 with seed S (the engine of
dropgrad simulate) and gives each minimum's basinFraction: the share of trajectories whose final point's
gradient flow ends at that minimum. A final point is assigned by integrating ẋ = −∇f(x) with explicit Euler steps
of at most 1/(4L) (L the largest curvature among the minima), halved whenever f would increase, until it is within
1e-4 (1 + ‖x*‖) of a minimum x*; a flow that stops elsewhere or takes more than 20,000 steps is unassigned. A
trajectory whose loss exceeds 100 × max(1, f(x0)), or that becomes non-finite, has diverged.

${PROBLEM_HELP}`,
  options: {
    ...PROBLEM_OPTIONS,
    starts: { type: 'string' },
    count: { type: 'string' },
    samples: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  async run(values) {
    const problem = buildProblem(problemConfig(values));
    const starts = json<number[][]>(values, 'starts', isMatrix, 'a list of points such as [[-1,0],[1,0]]');
    if (starts) for (const s of starts) if (s.length !== problem.surface.dim) throw new ParameterError('--starts', JSON.stringify(s), `points of length ${problem.surface.dim} (the surface's dimension)`);
    const count = int(values, 'count', 1);
    if (count !== undefined && count > 100_000) throw new ParameterError('--count', count, 'an integer in [1, 100000]');
    if (starts && count !== undefined) throw new ParameterError('--count', count, 'no value with --starts (the starts are given)');
    const samples = int(values, 'samples', 1);
    if (samples === undefined && (values.steps !== undefined || values.seed !== undefined)) throw new ParameterError('--samples', undefined, 'a number of trajectories (required with --steps or --seed)');
    // Every final point is kept (samples × d numbers) and flowed to its basin.
    if (samples !== undefined) checkKeptFinal(samples, problem.surface.dim, '--samples');
    const report = minimaReport(problem, { starts, count });
    const out: Record<string, unknown> = { ...report };
    if (samples !== undefined) {
      if (report.minima.length === 0) throw new ParameterError('--samples', samples, 'no value when no minimum was found (give --starts near the minima)');
      const steps = int(values, 'steps', 0) ?? 1000;
      const seed = int(values, 'seed', 0) ?? 0;
      const onProgress = progressReporter('minima', Boolean(values.quiet) || samples * steps < 5e6);
      const shares = await basinShares(problem, report.minima, { samples, steps, seed, workers: int(values, 'workers', 0), onProgress });
      out.minima = report.minima.map((m, k) => ({ ...m, basinFraction: shares.fractions[k] }));
      Object.assign(out, { x0: Array.from(problem.x0), diverged: shares.diverged, unassigned: shares.unassigned, samples, steps, seed, seconds: shares.seconds });
    }
    // A standard error that does not exist is null, never NaN.
    return JSON.parse(JSON.stringify(out, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  },
  text(result) {
    const r = result as MinimaReport & { minima: (MinimaReport['minima'][number] & { basinFraction?: number })[]; diverged?: number; unassigned?: number; samples?: number };
    const lines = [`${r.minima.length} minim${r.minima.length === 1 ? 'um' : 'a'} from ${r.starts} starts (rejected: ${r.rejected.saddles} saddles or maxima, ${r.rejected.degenerate} degenerate, ${r.rejected.unconverged} unconverged)`];
    for (const m of r.minima) {
      const parts = [`x = [${m.x.map(fmt).join(', ')}]`, `f = ${fmt(m.value)}`, `sharpness ${fmt(m.sharpness)} (×${fmt(m.relativeSharpness)})`];
      if (m.lrMax !== null) parts.push(`lrMax ${fmt(m.lrMax)}`);
      if (m.lrMaxAlmostSure) parts.push(`almost-sure ${fmt(m.lrMaxAlmostSure.lrMax)}${m.lrMaxAlmostSure.method === 'exact' ? '' : ` ± ${fmt(m.lrMaxAlmostSure.stderr)}`}`);
      if (m.lyapunov) parts.push(`Lyapunov ${fmt(m.lyapunov.exponent)}`);
      if (m.basinFraction !== undefined) parts.push(`basin ${(100 * m.basinFraction).toFixed(1)}%`);
      lines.push(`  ${parts.join('; ')}`);
    }
    if (r.sharpnessRatio !== null && r.minima.length > 1) lines.push(`sharpness ratio ${fmt(r.sharpnessRatio)}`);
    if (r.stabilityReason) lines.push(`no stability limits: ${r.stabilityReason}`);
    if (r.samples !== undefined) lines.push(`${r.samples} trajectories: diverged ${(100 * r.diverged!).toFixed(1)}%, unassigned ${(100 * r.unassigned!).toFixed(1)}%`);
    return lines.join('\n');
  },
};
