/**
 * The `dropgrad` command line. Every command has --help and --json; bad input exits with status 2 and
 * one line on stderr naming the parameter, its value and the valid range.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command.ts';
import { ParameterError } from '../errors.ts';
import { adaptiveCommand, momentsCommand, oneStepCommand, stabilityCommand } from './commands/analysis.ts';
import { datasetCommand } from './commands/dataset.ts';
import { minimaCommand } from './commands/minima.ts';
import { runCommand } from './commands/run.ts';
import { figureCommand } from './commands/figure.ts';
import { reportCommand } from './commands/report.ts';
import { simulateCommand } from './commands/simulate.ts';
import { exportCommand, mergeCommand, sweepCommand } from './commands/sweep.ts';

export const COMMANDS: Command[] = [reportCommand, figureCommand, runCommand, oneStepCommand, momentsCommand, stabilityCommand, adaptiveCommand, minimaCommand, simulateCommand, sweepCommand, mergeCommand, exportCommand, datasetCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `dropgrad: the mathematics of optimizer dynamics under DropGrad

Usage: dropgrad <command> [flags]   (dropgrad <command> --help for its flags)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Every command accepts --json (machine-readable output, full float64 precision) and --help.`;
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
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`dropgrad: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: attachValues(rest, cmd.options),
      options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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
