import type { Options, Values } from './flags.ts';

/** One CLI command: its flags, its help, and a function from parsed flags to a JSON-able result. */
export interface Command {
  name: string;
  usage: string;
  options: Options;
  /**
   * An exact computation: a non-finite number anywhere in its result means the inputs overflow float64 or the
   * result is undefined, an error naming the field (never printed as NaN or Infinity).
   */
  exact?: boolean;
  /** How many positional arguments it takes (default 0: a stray one is refused). */
  positionals?: { min: number; max: number; what: string };
  run(values: Values, positionals: string[]): Promise<unknown> | unknown;
  /** Human-readable rendering (without --json). */
  text(result: unknown): string;
}
