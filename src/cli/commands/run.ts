/** `dropgrad run`: one seeded DropGrad trajectory on a surface; reports where it ends or the step at which it diverged. */
import { ParameterError } from '../../errors.ts';
import { int } from '../flags.ts';
import { PROBLEM_HELP, PROBLEM_OPTIONS, problemConfig } from '../flags.ts';
import type { Command } from '../command.ts';
import { buildProblem } from '../../problem.ts';
import { runTrajectory } from '../../analysis/trajectory.ts';

/** Coordinate-steps one run may take (≈ a minute on the general path) and keep with --trace. */
const MAX_WORK = 1e8;
const MAX_TRACE = 1e7;

export const runCommand: Command = {
  name: 'run',
  usage: `dropgrad run [problem flags] [--steps T] [--seed S] [--trace] [--json]

Runs T steps (default 200) from x0 with the keyed random stream of seed S (default 0, trajectory 0).
Prints the final point and loss, or the step at which the iterate became non-finite.
--trace adds the path and the loss at every step.
Limits (about a minute of work, or 80 MB of path): T·d ≤ ${MAX_WORK.toExponential(0)}, and with --trace T·d ≤ ${MAX_TRACE.toExponential(0)}.

${PROBLEM_HELP}`,
  options: { ...PROBLEM_OPTIONS, steps: { type: 'string' }, seed: { type: 'string' }, trace: { type: 'boolean' } },
  run(values) {
    const problem = buildProblem(problemConfig(values));
    const steps = int(values, 'steps', 0) ?? 200;
    const d = problem.surface.dim;
    const limit = values.trace ? MAX_TRACE : MAX_WORK;
    if (steps * d > limit) throw new ParameterError('--steps', steps, `an integer in [0, ${Math.floor(limit / d)}] for ${d} coordinates${values.trace ? ' with --trace (the path is kept)' : ''}`, `steps × dimension ≤ ${limit.toExponential(0)}; continue a run from its final point with --x0, or use simulate for statistics`);
    const seed = int(values, 'seed', 0) ?? 0;
    const r = runTrajectory(problem.surface, problem.chain, problem.x0, steps, seed, 0, Boolean(values.trace));
    return {
      surface: problem.surface.name,
      optimizer: problem.chain.name,
      steps,
      seed,
      x0: Array.from(problem.x0),
      final: r.diverged ? null : Array.from(r.final),
      loss: r.diverged ? null : r.loss,
      initialLoss: problem.surface.value(problem.x0),
      diverged: r.diverged,
      divergedAtStep: r.divergedAtStep,
      ...(values.trace ? { path: r.path?.map((p) => Array.from(p)), losses: r.losses } : {}),
    };
  },
  text(result) {
    const r = result as { surface: string; optimizer: string; steps: number; final: number[] | null; loss: number | null; initialLoss: number; diverged: boolean; divergedAtStep: number | null };
    if (r.diverged) return `${r.optimizer} on ${r.surface}: diverged at step ${r.divergedAtStep} (iterate became non-finite)`;
    return `${r.optimizer} on ${r.surface}: after ${r.steps} steps x = [${r.final!.map((v) => v.toPrecision(6)).join(', ')}], loss ${r.loss!.toPrecision(6)} (from ${r.initialLoss.toPrecision(6)})`;
  },
};
