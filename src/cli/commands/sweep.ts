/** `dropgrad sweep`, `dropgrad merge`, `dropgrad export`: grids that survive interruption and scale out. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ParameterError } from '../../errors.ts';
import { EXAMPLE_CONFIG, mergeSweeps, parseShard, parseSweepConfig, runSweep, tidyRows, toCsv } from '../../sweep/index.ts';
import type { Command } from '../command.ts';
import { runnerFor } from '../../gpu/runners.ts';
import { int } from '../flags.ts';
import { progressReporter } from '../progress.ts';

export const sweepCommand: Command = {
  name: 'sweep',
  usage: `dropgrad sweep <config.json|yaml> --out <dir> [--shard k/n] [--workers K] [--quiet] [--json]
dropgrad sweep --example          print a valid example grid (120 cells, runs in seconds)
dropgrad sweep --example --out <dir>   run it
--backend cpu|auto|webgpu|chromium: with a WebGPU backend the cells its kernels cover run batched on the device
(f32), the rest on the CPU; results record their backend. Default cpu (float64, the reference).

Runs every cell of the grid (optimizer × surface × learning rate × drop rate × full-update drop × replicate),
each on its own seed derived from (global seed, cell index), on K worker threads (default: all cores).
Each cell's results go to <dir>/cells/<id>.json as it finishes (atomic writes), with <dir>/manifest.json
(config hash, seed, versions, status per cell) and a summary <dir>/index.html at the end.
Interrupt it at any moment (Ctrl-C, SIGTERM, kill -9) and run the same command again: finished cells are
skipped and the results are bit-identical to an uninterrupted run.
--shard k/n runs only the cells whose index ≡ k − 1 (mod n); combine shards with \`dropgrad merge\`.`,
  options: { out: { type: 'string' }, shard: { type: 'string' }, workers: { type: 'string' }, example: { type: 'boolean' }, quiet: { type: 'boolean' }, backend: { type: 'string', default: 'cpu' } },
  positionals: { min: 0, max: 1, what: 'the config file' },
  async run(values, positionals) {
    if (values.example && !values.out) return { example: EXAMPLE_CONFIG };
    const file = positionals[0];
    if (!file && !values.example) throw new ParameterError('config', undefined, 'a path to a JSON or YAML sweep config (try `dropgrad sweep --example`)');
    if (!values.out) throw new ParameterError('--out', undefined, 'an output directory');
    let text = EXAMPLE_CONFIG;
    if (!values.example) {
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new ParameterError('config', file, 'a readable file');
      }
    }
    const config = parseSweepConfig(text, values.example ? 'example' : file, values.example ? process.cwd() : dirname(resolve(file)));
    const backend = String(values.backend);
    const gpu = await runnerFor(backend, 'sweep', Boolean(values.quiet));
    let stopResolve: () => void = () => {};
    const stop = new Promise<void>((r) => {
      stopResolve = r;
    });
    let signal: string | null = null;
    const onSignal = (s: string) => () => {
      signal = s;
      stopResolve();
    };
    const onInt = onSignal('SIGINT');
    const onTerm = onSignal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      const r = await runSweep(config, {
        out: String(values.out),
        shard: values.shard ? parseShard(String(values.shard)) : null,
        workers: int(values, 'workers', 1),
        onProgress: progressReporter('sweep', Boolean(values.quiet)),
        onNotice: (line) => process.stderr.write(`dropgrad sweep: ${line}\n`),
        stop,
        gpu,
      });
      if (r.interrupted) {
        process.stderr.write(`dropgrad sweep: interrupted by ${signal}; ${r.skipped + r.ran} of ${r.total} cells are saved in ${values.out}; run the same command again to resume\n`);
        process.exitCode = signal === 'SIGTERM' ? 143 : 130;
      }
      return { out: values.out, total: r.total, skipped: r.skipped, ran: r.ran, interrupted: r.interrupted, seconds: r.seconds, configHash: r.manifest.configHash };
    } finally {
      await gpu?.close();
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  },
  text(result) {
    const r = result as { example?: string; out: string; total: number; skipped: number; ran: number; interrupted: boolean; seconds: number };
    if (r.example) return r.example.trimEnd();
    return `${r.ran} cells run, ${r.skipped} already done, ${r.total} in all, in ${r.seconds.toFixed(1)} s → ${r.out}${r.interrupted ? ' (interrupted)' : ''}`;
  },
};

export const mergeCommand: Command = {
  name: 'merge',
  usage: `dropgrad merge <dir1> <dir2> … --out <dir> [--json]

Copies every finished cell of the shards into <dir> with one manifest; refuses directories of different
configs (by config hash) and cells whose results differ. Reports the cells still missing.`,
  options: { out: { type: 'string' } },
  positionals: { min: 1, max: 10_000, what: 'sweep directories' },
  run(values, positionals) {
    if (!values.out) throw new ParameterError('--out', undefined, 'an output directory');
    const r = mergeSweeps(positionals, String(values.out));
    return { out: values.out, cells: r.cells, done: r.cells - r.missing.length, missing: r.missing };
  },
  text(result) {
    const r = result as { out: string; cells: number; done: number; missing: string[] };
    return `${r.done} of ${r.cells} cells in ${r.out}${r.missing.length ? `; missing: ${r.missing.slice(0, 10).join(', ')}${r.missing.length > 10 ? ', …' : ''}` : ''}`;
  },
};

export const exportCommand: Command = {
  name: 'export',
  usage: `dropgrad export <dir> [--format csv|json] [--file <path>]

Tidy rows: cell, optimizer, lr, dropRate, surface, fullUpdateDrop, replicate, seed, step, statistic, value
(statistics: lossMean, lossStderr, finite, diverged, mean_x<i>, variance_x<i>, exactExpectedLoss where exact).
Writes to --file, or to standard output.`,
  options: { format: { type: 'string', default: 'csv' }, file: { type: 'string' } },
  positionals: { min: 1, max: 1, what: 'one sweep output directory' },
  run(values, positionals) {
    const format = String(values.format);
    if (format !== 'csv' && format !== 'json') throw new ParameterError('--format', format, 'csv or json');
    if (!positionals[0]) throw new ParameterError('directory', undefined, 'a sweep output directory');
    const rows = tidyRows(positionals[0]);
    const text = format === 'csv' ? toCsv(rows) : `${JSON.stringify(rows)}\n`;
    if (values.file) {
      writeFileSync(String(values.file), text);
      return { rows: rows.length, file: values.file };
    }
    return { rows: rows.length, text };
  },
  text(result) {
    const r = result as { rows: number; file?: string; text?: string };
    return r.text !== undefined ? r.text.trimEnd() : `${r.rows} rows → ${r.file}`;
  },
};
