/**
 * The `dropgrad` command line. Every command has --help and --json; bad input exits with status 2 and
 * one line on stderr naming the parameter, its value and the valid range.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command.ts';
import { adaptiveCommand, momentsCommand, oneStepCommand, stabilityCommand } from './commands/analysis.ts';
import { runCommand } from './commands/run.ts';
import { figureCommand } from './commands/figure.ts';
import { reportCommand } from './commands/report.ts';
import { simulateCommand } from './commands/simulate.ts';
import { exportCommand, mergeCommand, sweepCommand } from './commands/sweep.ts';

export const COMMANDS: Command[] = [reportCommand, figureCommand, runCommand, oneStepCommand, momentsCommand, stabilityCommand, adaptiveCommand, simulateCommand, sweepCommand, mergeCommand, exportCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `dropgrad: the mathematics of optimizer dynamics under DropGrad

Usage: dropgrad <command> [flags]   (dropgrad <command> --help for its flags)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Every command accepts --json (machine-readable output, full float64 precision) and --help.`;
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
      args: rest,
      options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${cmd.usage}\n`);
      return 0;
    }
    const result = await cmd.run(values, positionals);
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
