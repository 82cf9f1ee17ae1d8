/**
 * The output directory of a sweep: manifest.json (config, its hash, versions, cells and their status) and one
 * results file per finished cell (cells/<id>.json). Every write is atomic (temporary file, fsync, rename), so
 * an interrupted sweep — SIGINT, SIGTERM or kill -9 — leaves only whole files behind.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '../errors.ts';
import type { Cell, CellParams, SweepConfig } from './config.ts';

export const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export interface ManifestCell {
  index: number;
  id: string;
  params: CellParams;
  seed: number;
  status: 'pending' | 'done';
  /** Wall time of the cell (informational: results files hold no timings, so reruns are bit-identical). */
  seconds?: number;
}

export interface Manifest {
  tool: 'dropgrad-lab';
  version: string;
  node: string;
  configHash: string;
  config: SweepConfig;
  seed: number;
  shard: { k: number; n: number } | null;
  cells: ManifestCell[];
}

export const cellPath = (dir: string, id: string) => join(dir, 'cells', `${id}.json`);

export function readManifest(dir: string): Manifest | null {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Manifest;
  } catch (e) {
    throw new ParameterError(p, '(unreadable)', 'a sweep manifest written by dropgrad', (e as Error).message);
  }
}

export function writeManifest(dir: string, m: Manifest): void {
  writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(m, null, 1)}\n`);
}

export function initDir(dir: string): void {
  mkdirSync(join(dir, 'cells'), { recursive: true });
}

/** Whether a finished, readable results file exists for the cell. */
export function cellDone(dir: string, id: string): boolean {
  const p = cellPath(dir, id);
  if (!existsSync(p)) return false;
  try {
    JSON.parse(readFileSync(p, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

export function newManifest(config: SweepConfig, hash: string, cells: Cell[], shard: Manifest['shard']): Manifest {
  return {
    tool: 'dropgrad-lab',
    version: PACKAGE_VERSION,
    node: process.version,
    configHash: hash,
    config,
    seed: config.seed,
    shard,
    cells: cells.map((c) => ({ index: c.index, id: c.id, params: c.params, seed: c.seed, status: 'pending' })),
  };
}

export interface CellResult {
  cell: { index: number; id: string; params: CellParams; seed: number };
  [key: string]: unknown;
}

export interface LoadedSweep {
  manifest: Manifest;
  results: CellResult[];
  missing: string[];
}

/** Loads a sweep's results in one call (for reports and notebooks). */
export function loadSweep(dir: string): LoadedSweep {
  const manifest = readManifest(dir);
  if (!manifest) throw new ParameterError('sweep directory', dir, 'a directory written by `dropgrad sweep` (no manifest.json found)');
  const results: CellResult[] = [];
  const missing: string[] = [];
  for (const c of manifest.cells) {
    if (cellDone(dir, c.id)) results.push(JSON.parse(readFileSync(cellPath(dir, c.id), 'utf8')) as CellResult);
    else missing.push(c.id);
  }
  return { manifest, results, missing };
}
