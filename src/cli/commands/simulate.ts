/** `dropgrad simulate`: the Monte-Carlo engine from the command line. */
import { type SimulationResult, simulate } from '../../analysis/mc/index.ts';
import { type HeldOutStats, hasHeldOut, heldOutStats } from '../../analysis/heldout.ts';
import { MAX_KEPT_FINAL, checkKeptFinal } from '../../analysis/mc/spec.ts';
import { ParameterError } from '../../errors.ts';
import { buildProblem } from '../../problem.ts';
import type { Command } from '../command.ts';
import { PROBLEM_HELP, PROBLEM_OPTIONS, int, problemConfig } from '../flags.ts';
import { progressReporter } from '../progress.ts';
import { EXP_MAX } from '../../analysis/mc/histogram.ts';

/** Losses from here up share the histogram's outermost bin. */
const HIST_MAX = 2 ** EXP_MAX;


/** The last step at which a trajectory diverged, or null. */
const lastDivergence = (perStep: number[]) => {
  for (let t = perStep.length - 1; t >= 0; t--) if (perStep[t] > 0) return t;
  return null;
};

export const simulateCommand: Command = {
  name: 'simulate',
  usage: `dropgrad simulate [problem flags] --steps T --samples N --seed S [--quantity iterate|update] [--workers K] [--per-step]
                  [--backend auto|cpu|webgpu|chromium] [--quiet] [--json]

Simulates N trajectories (default 10000) of T steps (default 100) with the keyed random stream of seed S
(trajectory k uses (S, k)), on K worker threads (default: all cores). The numbers do not depend on K.
Reports the iterate after T steps (or, with --quantity update, the update of the last step): mean,
covariance, standard error of the mean, mean loss with its standard error, the median loss (from the loss
histogram: bins 1.6–3.1% wide; robust where a few survivors heading to overflow dominate the mean), and how many
trajectories diverged (became non-finite; statistics are over the finite ones). --per-step adds per-step means,
variances, loss means with standard errors, divergence counts and loss quantile bands.
--backend: cpu runs the CPU engine; webgpu the WGSL kernels on Node's WebGPU adapter (npm webgpu, Dawn);
chromium the same kernels inside headless Chromium's WebGPU (works without a GPU, on SwiftShader); auto uses
Node's adapter when there is one and otherwise the CPU engine, saying so on stderr. The output names the
backend and adapter. Every optimizer and surface (custom expressions included) runs on WebGPU, in float32; what
the WebGPU kernels do not record (the final points --test needs) runs on the CPU engine, saying so.
On --surface least-squares|logistic with --test, also the test loss (and for logistic the test accuracy) of
the final iterates: mean ± standard error and median over the finite trajectories (CPU engine; N·d ≤ ${MAX_KEPT_FINAL.toExponential(0)}).

${PROBLEM_HELP}`,
  options: {
    ...PROBLEM_OPTIONS,
    steps: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    quantity: { type: 'string', default: 'iterate' },
    workers: { type: 'string' },
    'per-step': { type: 'boolean' },
    general: { type: 'boolean' },
    quiet: { type: 'boolean' },
    backend: { type: 'string', default: 'auto' },
  },
  async run(values) {
    const quantity = String(values.quantity);
    if (quantity !== 'iterate' && quantity !== 'update') throw new ParameterError('--quantity', quantity, 'iterate or update');
    const spec = {
      problem: problemConfig(values),
      steps: int(values, 'steps', 0) ?? 100,
      samples: int(values, 'samples', 1) ?? 10_000,
      seed: int(values, 'seed', 0) ?? 0,
      general: Boolean(values.general),
      // With --per-step, 50 band steps; else only the last one (0 and T), for the median final loss.
      bandSteps: values['per-step'] ? 50 : 1,
      keepFinal: false,
    };
    const surface = buildProblem(spec.problem).surface;
    const heldOut = hasHeldOut(surface) && quantity === 'iterate';
    if (heldOut) checkKeptFinal(spec.samples, surface.dim, '--samples');
    spec.keepFinal = heldOut;
    const backend = String(values.backend);
    const onProgress = progressReporter('simulate', Boolean(values.quiet) || spec.samples * spec.steps < 5e6);
    const runCpu = () => simulate(spec, { workers: int(values, 'workers', 0), onProgress });
    let r: SimulationResult & { backend?: string; adapter?: string };
    let used = { backend: 'cpu', adapter: 'cpu' };
    // --backend cpu loads none of the WebGPU modules (and probes for no adapter).
    const runner = backend === 'cpu' ? null : await (await import('../../gpu/runners.ts')).runnerFor(backend, 'simulate', Boolean(values.quiet));
    if (!runner) r = await runCpu();
    else {
      const { GpuUnsupported, simulateGpu } = await import('../../gpu/simulate.ts');
      try {
        r = await simulateGpu(spec, runner, { onProgress });
        used = { backend: 'webgpu', adapter: runner.adapter };
      } catch (e) {
        if (!(e instanceof GpuUnsupported)) throw e;
        if (!values.quiet) process.stderr.write(`dropgrad simulate: ${e.message}; using the CPU engine\n`);
        r = await runCpu();
      } finally {
        await runner.close();
      }
    }
    const q = quantity === 'update' ? r.update : { mean: r.mean, cov: r.cov, stderrMean: r.stderrMean };
    return {
      quantity,
      mean: q.mean,
      cov: q.cov,
      stderrMean: q.stderrMean,
      meanLoss: r.meanLoss,
      stderrLoss: r.stderrLoss,
      medianLoss: r.medianLoss,
      diverged: r.diverged,
      divergedFraction: r.divergedFraction,
      firstDivergence: r.firstDivergence,
      lastDivergence: lastDivergence(r.perStep.diverged),
      samples: r.samples,
      steps: r.steps,
      seed: r.seed,
      path: r.path,
      ...(r.pathReason ? { pathReason: r.pathReason } : {}),
      backend: used.backend,
      adapter: used.adapter,
      seconds: r.seconds,
      ...(heldOut && r.finalPoints ? heldOutStats(surface, r.finalPoints) : {}),
      ...(values['per-step'] ? { perStep: r.perStep, bands: r.bands } : {}),
    };
  },
  text(result) {
    const r = result as { quantity: string; mean: number[] | null; stderrMean: number[]; meanLoss: number; stderrLoss: number; medianLoss: number | null; diverged: number; samples: number; steps: number; seconds: number; firstDivergence: number | null; lastDivergence: number | null } & Partial<HeldOutStats>;
    const head = `${r.samples} trajectories × ${r.steps} steps in ${r.seconds.toFixed(2)} s`;
    if (r.mean === null || r.diverged === r.samples) return `${head}\nall ${r.samples} trajectories diverged (the first at step ${r.firstDivergence}, the last by step ${r.lastDivergence}): no statistics`;
    // A statistic that does not exist (the standard error of one trajectory) is a dash, never NaN.
    const f = (v: number) => (Number.isFinite(v) ? v.toPrecision(6) : '—');
    return [
      head,
      `E[${r.quantity === 'update' ? 'Δ_T' : 'x_T'}] = [${r.mean.map((m, i) => `${f(m)} ± ${f(r.stderrMean[i])}`).join(', ')}]`,
      `E f(x_T) = ${f(r.meanLoss)} ± ${f(r.stderrLoss)}`,
      // The median is robust where a few survivors on their way to overflow dominate the mean.
      ...(r.medianLoss !== null ? [`median f(x_T) = ${r.medianLoss >= HIST_MAX ? `> ${HIST_MAX.toPrecision(2)}` : f(r.medianLoss)} (loss histogram, bins 1.6–3.1% wide)`] : []),
      ...(r.testLoss ? [`test loss of x_T: mean ${f(r.testLoss.mean)} ± ${f(r.testLoss.stderr)}, median ${f(r.testLoss.median)}`] : []),
      ...(r.testAccuracy ? [`test accuracy of x_T: mean ${f(r.testAccuracy.mean)} ± ${f(r.testAccuracy.stderr)}, median ${f(r.testAccuracy.median)}`] : []),
      r.diverged ? `diverged: ${r.diverged} of ${r.samples} (first at step ${r.firstDivergence}); statistics over the finite ones` : 'diverged: none',
    ].join('\n');
  },
};
