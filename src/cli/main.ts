/**
 * The `dropgrad` command line. Every command has --help and --json; bad input exits with status 2 and
 * one line on stderr naming the parameter, its value and the valid range.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command.ts';
import { ParameterError } from '../errors.ts';
import { loadsDawn, runFiltered } from './native-noise.ts';

/** A command as `--help` lists it; its module (and what that imports) loads only when the command runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
  /**
   * Runs the Monte-Carlo engine on the CPU (unless --backend says otherwise): when the job is large enough for the
   * engine's workers, they start before the command's modules load, so that the two overlap.
   */
  engine?: boolean;
}

/** A job's work (trajectories × steps × coordinates) as the raw arguments give it (`simulate`'s defaults otherwise). */
function engineWork(args: string[]): number {
  const x0 = rawFlag(args, '--x0');
  const dim = Number(rawFlag(args, '--dim') ?? (x0 && !x0.startsWith('@') ? x0.split(',').length : 2));
  // Logistic regression reads its whole design every step (rows × features, at least ~100 numbers in practice).
  const perStep = rawFlag(args, '--surface') === 'logistic' ? 100 : dim;
  return Number(rawFlag(args, '--samples') ?? 10_000) * Number(rawFlag(args, '--steps') ?? 100) * perStep;
}

/** The flag's value in raw arguments (`--flag v` or `--flag=v`), or undefined. */
function rawFlag(args: string[], flag: string): string | undefined {
  const k = args.indexOf(flag);
  if (k >= 0) return args[k + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

export const COMMANDS: CommandEntry[] = [
  { name: 'report', summary: 'build the research reports (Plotly HTML, offline) into reports/', load: async () => (await import('./commands/report.ts')).reportCommand },
  { name: 'figure', summary: 'export one report figure as SVG, PNG or PDF (headless Chromium)', load: async () => (await import('./commands/figure.ts')).figureCommand },
  { name: 'run', summary: 'run one seeded trajectory of an optimizer with DropGrad on a surface', load: async () => (await import('./commands/run.ts')).runCommand },
  { name: 'one-step', summary: 'exact mean and covariance of one DropGrad update and the expected loss after it', load: async () => (await import('./commands/analysis.ts')).oneStepCommand },
  { name: 'moments', summary: 'exact mean, covariance and expected loss of SGD/momentum/Nesterov iterates on a quadratic', load: async () => (await import('./commands/analysis.ts')).momentsCommand },
  { name: 'stability', summary: 'largest mean-square stable learning rate of SGD/momentum under DropGrad on a quadratic', load: async () => (await import('./commands/analysis.ts')).stabilityCommand },
  { name: 'adaptive', summary: 'exact update law of an adaptive optimizer under a constant gradient (mask-history enumeration)', load: async () => (await import('./commands/analysis.ts')).adaptiveCommand },
  { name: 'minima', summary: 'local minima, their mean-square and almost-sure stability limits, and the share of trajectories ending in each', load: async () => (await import('./commands/minima.ts')).minimaCommand },
  { name: 'simulate', summary: 'Monte-Carlo: N seeded trajectories × T steps, streaming statistics on all cores', load: async () => (await import('./commands/simulate.ts')).simulateCommand, engine: true },
  { name: 'sweep', summary: 'run a declarative grid (JSON/YAML) of simulations; resumable, shardable', load: async () => (await import('./commands/sweep.ts')).sweepCommand },
  { name: 'merge', summary: 'combine the output directories of sweep shards (same config only)', load: async () => (await import('./commands/sweep.ts')).mergeCommand },
  { name: 'export', summary: 'export a sweep as tidy CSV or JSON (one row per cell × step × statistic)', load: async () => (await import('./commands/sweep.ts')).exportCommand },
  { name: 'explore', summary: 'write the DropGrad Explorer, an offline page where theory and simulation redraw as the controls move', load: async () => (await import('./commands/explore.ts')).exploreCommand },
  { name: 'dataset', summary: 'write a shipped real data set (cps-1985 wages, iris) as train.csv and test.csv', load: async () => (await import('./commands/dataset.ts')).datasetCommand },
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `dropgrad: the mathematics of optimizer dynamics under DropGrad

Usage: dropgrad <command> [flags]   (dropgrad <command> --help for its flags)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Every command accepts --json (machine-readable output, full float64 precision), --help, and --verbose (also show
the native WebGPU library's own warnings, which are otherwise kept off the terminal).`;
}

/**
 * `--lr -1`, `--angle -0.5`, `--expr '-x^2+y^2'`: a value that begins with '-' after a flag that takes one is that
 * flag's value (node's parseArgs would call it ambiguous), unless it is itself one of the command's flags. Written as
 * `--flag=value` for parseArgs.
 */
export function attachValues(args: string[], options: Command['options']): string[] {
  const out: string[] = [];
  const isFlag = (a: string) => /^--?[A-Za-z]/.test(a) && (a === '--json' || a === '--help' || a === '-h' || Object.hasOwn(options, a.replace(/^--?/, '').split('=')[0]));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next?.startsWith('-') && next !== '--' && !isFlag(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** The first non-finite number in a result, with its path (e.g. varUpdate[1]), or null. */
export function nonFinite(v: unknown, path = 'result'): { path: string; value: number } | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : { path, value: v };
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const a = v as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) {
      const r = nonFinite(a[i], `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const r = nonFinite(x, path === 'result' ? k : `${path}.${k}`);
      if (r) return r;
    }
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`dropgrad: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (!wantsHelp && !rest.includes('--verbose') && (await loadsDawn(name, rawFlag(rest, '--backend')))) return runFiltered(argv);
  if (entry.engine && !wantsHelp && !['webgpu', 'chromium'].includes(rawFlag(rest, '--backend') ?? 'auto')) {
    const pool = await import('../analysis/mc/pool.ts');
    // No more workers than simulate will use (one per block of 1024 trajectories at most); a --workers value that
    // is not a plain count starts none (the command's own check then names it).
    const asked = rawFlag(rest, '--workers');
    const count = asked === undefined ? pool.defaultWorkers() : /^\d+$/.test(asked) ? Number(asked) : 0;
    const blocks = Math.ceil(Number(rawFlag(rest, '--samples') ?? 10_000) / 1024);
    if (engineWork(rest) >= pool.POOL_WORK && count > 0 && count <= pool.MAX_WORKERS && blocks > 0) pool.prestart(Math.min(count, blocks));
  }
  const cmd = await entry.load();
  try {
    const { values, positionals } = parseArgs({
      args: attachValues(rest, cmd.options),
      options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${cmd.usage}\n`);
      return 0;
    }
    const takes = cmd.positionals ?? { min: 0, max: 0, what: 'none' };
    if (positionals.length > takes.max) {
      throw new ParameterError(`argument ${JSON.stringify(positionals[takes.max])}`, positionals.slice(takes.max).join(' '), takes.max === 0 ? `no positional arguments (dropgrad ${name} takes flags only; see --help)` : `at most ${takes.max}: ${takes.what}`);
    }
    const result = await cmd.run(values, positionals);
    if (cmd.exact) {
      const bad = nonFinite(result);
      if (bad) throw new ParameterError(bad.path, bad.value, 'a finite result: these inputs overflow float64 or make the result undefined (a learning rate, gradient or start point too large?)');
    }
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${cmd.text(result)}\n`);
    // A command may set a non-zero status while still printing a result (an interrupted sweep).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`dropgrad ${name}: ${message.split('\n')[0]}\n`);
    if (process.env.DROPGRAD_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
}
