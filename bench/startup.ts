/**
 * Start-up and whole-process figures of the CLI (`node bin/dropgrad.js`, its bundle dist/node/ from `npm run build`):
 * where a process's first second goes, and what a user's `simulate` gets against the warm in-process engine and
 * against one core of plain C (bench/fused-reference.c) on the same run. Wall times of whole processes, median of
 * several runs; the machine's speed drifts, so compare ratios within one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWorkers, simulate } from '../src/analysis/mc/index.ts';
import type { ProblemConfig } from '../src/problem.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dropgrad.js');
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Median wall seconds of `runs` whole processes (after one untimed run), and the last run's stdout. */
function wall(args: string[], runs: number, env: NodeJS.ProcessEnv = process.env, warm = true): { seconds: number; stdout: string } {
  let stdout = '';
  const times: number[] = [];
  for (let k = warm ? -1 : 0; k < runs; k++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env, cwd: ROOT });
    if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
    if (k >= 0) times.push((performance.now() - t) / 1000);
    stdout = r.stdout;
  }
  return { seconds: median(times), stdout };
}

const line = (what: string, s: number, note = '') => console.log(`  ${what.padEnd(58)} ${s.toFixed(3)} s${note ? `  ${note}` : ''}`);

export async function benchStartup(): Promise<void> {
  console.log('\n## Start-up (whole processes of the compiled CLI, wall, median of 7 after one untimed run)');
  if (!existsSync(join(ROOT, 'dist', 'node', 'cli.js'))) {
    console.log('  dist/ is missing: run `npm run build` first');
    return;
  }
  const runs = process.argv.includes('--quick') ? 3 : 7;
  const tiny = ['simulate', '--surface', 'rosenbrock', '--optimizer', 'sgd', '--lr', '0.001', '--samples', '1000', '--steps', '1', '--backend', 'cpu'];
  line('node -e 0 (Node itself)', wall(['-e', '0'], runs).seconds);
  line('import the library (dist/index.js)', wall(['-e', `await import(${JSON.stringify(join(ROOT, 'dist', 'index.js'))})`, '--input-type=module'], runs).seconds);
  line('dropgrad --help', wall([BIN, '--help'], runs).seconds, 'goal ≤ 0.25 s');
  line('dropgrad simulate 1,000 × 1 (kernel cache warm)', wall([BIN, ...tiny], runs).seconds, 'goal ≤ 0.4 s');
  // A machine's first run of a kernel variant assembles it (wabt, about 0.2 s per thread that needs it).
  const empty: number[] = [];
  for (let k = 0; k < runs; k++) {
    const dir = mkdtempSync(join(tmpdir(), 'dropgrad-cache-'));
    empty.push(wall([BIN, ...tiny], 1, { ...process.env, DROPGRAD_CACHE_DIR: dir }, false).seconds);
    rmSync(dir, { recursive: true, force: true });
  }
  line('dropgrad simulate 1,000 × 1 (empty kernel cache)', median(empty));
  line('dropgrad simulate 1,000 × 1 (kernel cache off: DROPGRAD_NO_CACHE=1)', wall([BIN, ...tiny], runs, { ...process.env, DROPGRAD_NO_CACHE: '1' }).seconds);

  // The user's big run against the warm engine in this process and against one core of C, same workload.
  const [N, T] = [1_000_000, 200];
  const big = ['simulate', '--surface', 'rosenbrock', '--x0', '[-1.5,2]', '--optimizer', 'sgd', '--lr', '0.001', '--momentum', '0.9', '--drop-rate', '0.1', '--samples', String(N), '--steps', String(T), '--seed', '1', '--backend', 'cpu'];
  const proc = wall([BIN, ...big], runs);
  const problem: ProblemConfig = { surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.1 } };
  const spec = { problem, samples: N, steps: T, seed: 1 };
  const workers = defaultWorkers();
  const first = performance.now();
  await simulate(spec, { workers });
  const firstSeconds = (performance.now() - first) / 1000;
  const warm: number[] = [];
  for (let k = 0; k < 3; k++) warm.push((await simulate(spec, { workers })).seconds);
  const engine = median(warm);
  const rate = (s: number) => (N * T) / s;
  console.log(`\n  simulate 2-D Rosenbrock ${N.toLocaleString('en')} × ${T}, SGD momentum 0.9, p = 0.1, all cores (${workers} workers):`);
  line(`whole process (dropgrad simulate, median of ${runs})`, proc.seconds, `${rate(proc.seconds).toExponential(2)} trajectory-steps/s`);
  line('warm in-process engine (median of 3 after a warm-up)', engine, `${rate(engine).toExponential(2)} /s → whole process is ${(engine / proc.seconds).toFixed(2)}× of it (goal ≥ 0.75×)`);
  line('first in-process call (starts the worker pool)', firstSeconds);
  const c = fileURLToPath(new URL('./fused-reference.c', import.meta.url));
  const exe = join(tmpdir(), `dropgrad-fused-${process.pid}`);
  if (spawnSync('gcc', ['-O3', '-march=native', '-o', exe, c]).status === 0) {
    const seconds = median([0, 1, 2].map(() => Number(/\(([\d.]+) s\)/.exec(spawnSync(exe, [String(N), String(T)], { encoding: 'utf8', timeout: 120_000 }).stdout)?.[1] ?? Number.NaN)));
    rmSync(exe, { force: true });
    // The C loop rounds N up to whole blocks of 1024 trajectories.
    const cSteps = (Math.floor(N / 1024) + 1) * 1024 * T;
    line('C, one core (bench/fused-reference.c, median of 3)', seconds, `${(cSteps / seconds).toExponential(2)} /s → whole process is ${(rate(proc.seconds) / (cSteps / seconds)).toFixed(2)}× of it (goal ≥ 1.2×)`);
  } else console.log('  (no gcc: the C reference was skipped)');
}
