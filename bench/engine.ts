/**
 * Monte-Carlo engine throughput (issue: Monte-Carlo engine), in trajectory-steps per second, float64, statistics
 * included (per-step mean and variance of the iterate, loss mean and standard error, 50 loss-band histograms,
 * divergence counts):
 *   - masked SGD, momentum 0.9, p = 0.1, 2-D Rosenbrock from (−1.5, 2), 100,000 trajectories × 200 steps
 *   - d = 100 diagonal quadratic (eigenvalues log-spaced 1…100), 10,000 × 200, SGD (momentum 0.9), Adam, Lion
 * on all cores, with the kernel that ran and the peak RSS; a fused C loop on one core for calibration
 * (bench/fused-reference.c, when gcc is there); then the same workloads in PyTorch and NumPy (bench/peers.py) when
 * /usr/bin/python3 has them, and the ratios.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWorkers, poolSize, simulate } from '../src/analysis/mc/index.ts';
import type { ProblemConfig } from '../src/problem.ts';

interface Row {
  workload: string;
  perSecond: number;
  seconds: number;
  kernel: string;
}

/**
 * Timed calls per configuration, after one untimed warm-up call (the workers' optimising compiler is still at work
 * during the first calls after the pool starts): successive calls on this machine vary by ±20% (other tenants),
 * so the median is printed, with the range.
 */
const REPEATS = 7;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function run(workload: string, problem: ProblemConfig, samples: number, steps: number, repeats: number): Promise<Row> {
  const spec = { problem, samples, steps, seed: 1, bandSteps: 50 };
  let best: Row | null = null;
  // All cores (the first call also starts the pool's workers, about 0.6 s, reported apart), then this thread alone.
  for (const workers of [defaultWorkers(), 0]) {
    if (workers > 0 && poolSize() < workers) {
      const r = await simulate(spec, { workers });
      console.log(`${workload.padEnd(26)} ${samples} × ${steps}: ${((samples * steps) / r.seconds).toExponential(2)} trajectory-steps/s (${r.seconds.toFixed(2)} s, ${r.kernel} kernel, ${workers} workers, first call: includes starting the workers)`);
    }
    const rates: number[] = [];
    let kernel = '';
    await simulate(spec, { workers }); // warm-up, not timed
    for (let k = 0; k < repeats; k++) {
      const r = await simulate(spec, { workers });
      rates.push((samples * steps) / r.seconds);
      kernel = r.kernel;
    }
    const perSecond = median(rates);
    const range = `${Math.min(...rates).toExponential(2)}–${Math.max(...rates).toExponential(2)}`;
    console.log(`${workload.padEnd(26)} ${samples} × ${steps}: ${perSecond.toExponential(2)} trajectory-steps/s (median of ${repeats} calls after a warm-up, range ${range}; ${((samples * steps) / perSecond).toFixed(2)} s, ${kernel} kernel, ${workers} workers)`);
    if (!best || perSecond > best.perSecond) best = { workload, perSecond, seconds: (samples * steps) / perSecond, kernel };
  }
  return best!;
}

/** The optimizers of the every-rule table (names as in bench/peers.py), with their learning rates. */
const EVERY_OPTIMIZER: [string, ProblemConfig['optimizer']][] = [
  ['sgd', { name: 'sgd', lr: 1e-3 }],
  ['sgd-momentum', { name: 'sgd', lr: 1e-3, momentum: 0.9 }],
  ['nesterov', { name: 'sgd', lr: 1e-3, momentum: 0.9, nesterov: true }],
  ['adam', { name: 'adam', lr: 1e-3 }],
  ['adamw', { name: 'adamw', lr: 1e-3 }],
  ['amsgrad', { name: 'adam', lr: 1e-3, amsgrad: true }],
  ['nadam', { name: 'nadam', lr: 1e-3 }],
  ['adagrad', { name: 'adagrad', lr: 1e-2 }],
  ['rmsprop', { name: 'rmsprop', lr: 1e-3 }],
  ['rmsprop-centered-mom', { name: 'rmsprop', lr: 1e-3, centered: true, momentum: 0.9 }],
  ['adadelta', { name: 'adadelta', lr: 1 }],
  ['lion', { name: 'lion', lr: 1e-4 }],
];

/** Median of `repeats` calls on all cores after a warm-up. */
async function runAllCores(workload: string, problem: ProblemConfig, samples: number, steps: number, repeats: number, general = false): Promise<Row> {
  const spec = { problem, samples, steps, seed: 1, bandSteps: 50, general };
  const workers = defaultWorkers();
  await simulate(spec, { workers });
  const rates: number[] = [];
  let kernel = '';
  for (let k = 0; k < repeats; k++) {
    const r = await simulate(spec, { workers });
    rates.push((samples * steps) / r.seconds);
    kernel = r.kernel;
  }
  const perSecond = median(rates);
  return { workload, perSecond, seconds: (samples * steps) / perSecond, kernel };
}

export async function benchEngine(): Promise<void> {
  console.log('\n## Monte-Carlo engine (CPU, float64, statistics included)');
  const quick = process.argv.includes('--quick');
  const nr = quick ? 10_000 : 100_000;
  const nq = quick ? 1_000 : 10_000;
  const steps = quick ? 50 : 200;
  const d = 100;
  const quad = (name: 'sgd' | 'adam' | 'lion', lr: number, extra = {}): ProblemConfig => ({
    surface: { kind: 'quadratic', dim: d, condition: 100 },
    x0: new Array(d).fill(1),
    optimizer: { name, lr, ...extra },
    drop: { rate: 0.1 },
  });
  const repeats = quick ? 2 : REPEATS;
  const rows = [
    await run('rosenbrock-sgd-momentum', { surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.1 } }, nr, steps, repeats),
    await run('quadratic100-sgd', quad('sgd', 0.01, { momentum: 0.9 }), nq, steps, repeats),
    await run('quadratic100-adam', quad('adam', 0.01), nq, steps, repeats),
    await run('quadratic100-lion', quad('lion', 0.001), nq, steps, repeats),
  ];
  // Every update rule on the Rosenbrock workload (all cores), against SGD-momentum's figure of the same run.
  console.log('\nevery optimizer, rosenbrock 2-D, p = 0.1 (all cores, ratio to rosenbrock-sgd-momentum above):');
  for (const [name, optimizer] of EVERY_OPTIMIZER) {
    const r = await runAllCores(`rosenbrock-${name}`, { surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer, drop: { rate: 0.1 } }, nr, steps, quick ? 2 : 3);
    rows.push(r);
    console.log(`  ${name.padEnd(20)} ${r.perSecond.toExponential(2)} /s (${r.kernel}) → ${(r.perSecond / rows[0].perSecond).toFixed(2)}× SGD-momentum`);
  }
  // Every surface with SGD-momentum (the programs of src/surfaces/program.ts run fused too), same ratio.
  console.log('\nevery surface, SGD-momentum, p = 0.1 (all cores, ratio to rosenbrock-sgd-momentum above):');
  const surfaces: [string, ProblemConfig['surface'], number[]][] = [
    ['rosenbrock', { kind: 'rosenbrock' }, [-1.5, 2]],
    ['rastrigin', { kind: 'rastrigin' }, [2.3, -1.7]],
    ['ackley', { kind: 'ackley' }, [2.5, -1.9]],
    ['beale', { kind: 'beale' }, [1, 1.5]],
    ['expr-rosenbrock', { kind: 'expr', expr: '100*(y - x^2)^2 + (1 - x)^2' }, [-1.5, 2]],
  ];
  for (const [name, surface, x0] of surfaces) {
    const r = await runAllCores(`${name}-sgd-momentum`, { surface, x0, optimizer: { name: 'sgd', lr: 1e-4, momentum: 0.9 }, drop: { rate: 0.1 } }, nr, steps, quick ? 2 : 3);
    rows.push(r);
    console.log(`  ${name.padEnd(20)} ${r.perSecond.toExponential(2)} /s (${r.kernel}) → ${(r.perSecond / rows[0].perSecond).toFixed(2)}× rosenbrock SGD-momentum`);
  }
  // Logistic regression on iris (60 rows × 5 features, a sum over data rows): fused against the general path.
  {
    const { dataset, splitRows } = await import('../src/data/datasets.ts');
    const iris = dataset('iris');
    const problem: ProblemConfig = { surface: { kind: 'logistic', data: splitRows(iris.table, iris.trainRows, iris.seed).train, target: 'virginica', standardize: true }, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, drop: { rate: 0.1 } };
    const fused = await runAllCores('logistic-iris-sgd-momentum', problem, quick ? 2_000 : 20_000, steps, quick ? 2 : 3);
    const general = await runAllCores('logistic-iris-general', problem, quick ? 500 : 4_000, steps, quick ? 1 : 2, true);
    rows.push(fused);
    console.log(`\nlogistic regression (iris, 60 rows × 5 features), SGD-momentum, p = 0.1 (all cores): fused ${fused.perSecond.toExponential(2)} /s (${fused.kernel}), general path ${general.perSecond.toExponential(2)} /s → ${(fused.perSecond / general.perSecond).toFixed(1)}×`);
  }
  // Gaussian DropGrad (fused: Box–Muller per coordinate and step, src/rng/normal.ts), same ratio.
  console.log('\nGaussian DropGrad, rosenbrock 2-D, p = 0.1 (all cores, ratio to rosenbrock-sgd-momentum above):');
  for (const [name, optimizer] of EVERY_OPTIMIZER.filter(([n]) => ['sgd-momentum', 'adam', 'lion'].includes(n))) {
    const r = await runAllCores(`rosenbrock-${name}-gaussian`, { surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer, drop: { rate: 0.1, variant: 'gaussian' } }, nr, steps, quick ? 2 : 3);
    rows.push(r);
    console.log(`  ${name.padEnd(20)} ${r.perSecond.toExponential(2)} /s (${r.kernel}) → ${(r.perSecond / rows[0].perSecond).toFixed(2)}× SGD-momentum (Bernoulli)`);
  }
  // Every update rule on the d = 100 diagonal quadratic (all cores), against torch.optim float64 below.
  console.log('\nevery optimizer, d = 100 diagonal quadratic, p = 0.1 (all cores; peers: quadratic100-optim-<name>):');
  for (const [name, optimizer] of EVERY_OPTIMIZER) {
    const r = await runAllCores(`quadratic100-optim-${name}`, { surface: { kind: 'quadratic', dim: d, condition: 100 }, x0: new Array(d).fill(1), optimizer, drop: { rate: 0.1 } }, nq, steps, quick ? 2 : 3);
    rows.push(r);
    console.log(`  ${name.padEnd(20)} ${r.perSecond.toExponential(2)} /s (${r.kernel})`);
  }
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (main thread and workers)`);
  // What one core does in plain C on the Rosenbrock workload (no band histograms), when gcc is there.
  const c = fileURLToPath(new URL('./fused-reference.c', import.meta.url));
  const exe = join(tmpdir(), `dropgrad-fused-${process.pid}`);
  if (!quick && spawnSync('gcc', ['-O3', '-march=native', '-o', exe, c]).status === 0) {
    // Median of three runs, like ours.
    const lines = [0, 1, 2].map(() => spawnSync(exe, [], { encoding: 'utf8', timeout: 120_000 }).stdout.trim());
    const rate = (l: string) => Number(/: ([\d.e+]+) trajectory-steps/.exec(l)?.[1] ?? Number.NaN);
    console.log(`\nreference (median of 3): ${lines.sort((a, b) => rate(a) - rate(b))[1]}`);
    rmSync(exe, { force: true });
  }
  const script = fileURLToPath(new URL('./peers.py', import.meta.url));
  if (process.argv.includes('--no-peers') || !existsSync('/usr/bin/python3')) return;
  const out = spawnSync('/usr/bin/python3', [script, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', timeout: 600_000 });
  const peers = out.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { peer: string; workload?: string; dtype?: string; trajectorySteps_per_s?: number; error?: string });
  console.log(`\npeers (bench/peers.py, same workloads, median of 3 calls; ours: median of ${REPEATS} calls after a warm-up):`);
  for (const p of peers) {
    if (p.error) {
      console.log(`  ${p.peer}: ${p.error}`);
      continue;
    }
    const ours = rows.find((r) => r.workload === p.workload);
    const ratio = ours && p.trajectorySteps_per_s ? ours.perSecond / p.trajectorySteps_per_s : Number.NaN;
    console.log(`  ${p.peer.padEnd(18)} ${p.workload!.padEnd(26)} ${p.dtype} ${p.trajectorySteps_per_s!.toExponential(2)} /s → dropgrad-lab is ${ratio.toFixed(2)}×`);
  }
}
