import type { Options, Values } from './flags.ts';

/** One CLI command: its flags, its help, and a function from parsed flags to a JSON-able result. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  run(values: Values, positionals: string[]): Promise<unknown> | unknown;
  /** Human-readable rendering (without --json). */
  text(result: unknown): string;
}
