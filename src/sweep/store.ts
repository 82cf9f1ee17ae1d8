/**
 * The output directory of a sweep: manifest.json (config, its hash, versions, cells and their status) and one
 * results file per finished cell (cells/<id>.json). Every write is atomic (temporary file, fsync, rename), so
 * an interrupted sweep — SIGINT, SIGTERM or kill -9 — leaves only whole files behind.
 *
 * Nothing read back is trusted: a cell file counts as done only if it is a results object for exactly that cell
 * (id, index, seed, parameters and problem of the manifest's cell, the sweep's samples and steps) whose SHA-256
 * checksum, written with it, matches its content (`readCell`); a manifest only if it has the shape written here
 * (`readManifest`). A damaged cell is recomputed by `sweep` and refused by `merge` and `export`.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '../errors.ts';
import { type Cell, type CellParams, type SweepConfig, expandGrid } from './config.ts';

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

/** Thrown for a manifest that is not one `dropgrad sweep` wrote (a sweep rebuilds it; merge and export refuse). */
export class DamagedManifest extends ParameterError {}

/** Why `m` is not a manifest of the shape written here, or null. */
function manifestProblem(m: unknown): string | null {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'not a JSON object';
  const o = m as Record<string, unknown>;
  if (o.tool !== 'dropgrad-lab') return 'no "tool": "dropgrad-lab"';
  if (typeof o.configHash !== 'string' || !/^[0-9a-f]{64}$/.test(o.configHash)) return 'no config hash';
  if (!o.config || typeof o.config !== 'object') return 'no config';
  if (!Array.isArray(o.cells)) return 'no list of cells';
  for (const c of o.cells as unknown[]) {
    const e = c as Record<string, unknown> | null;
    if (!e || typeof e.id !== 'string' || !/^c\d{5,}$/.test(e.id) || typeof e.index !== 'number' || typeof e.seed !== 'number' || !e.params || typeof e.params !== 'object') {
      return `a malformed cell entry (${JSON.stringify(c)?.slice(0, 60)})`;
    }
  }
  return null;
}

export function readManifest(dir: string): Manifest | null {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return null;
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    throw new DamagedManifest(p, '(unreadable)', 'a sweep manifest written by dropgrad', 'not valid JSON');
  }
  const why = manifestProblem(m);
  if (why) throw new DamagedManifest(p, '(damaged)', 'a sweep manifest written by dropgrad', why);
  return m as Manifest;
}

export function writeManifest(dir: string, m: Manifest): void {
  writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(m, null, 1)}\n`);
}

export function initDir(dir: string): void {
  mkdirSync(join(dir, 'cells'), { recursive: true });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A cell's results file: the results with the SHA-256 of their JSON, so that any change to the file is detected. */
export function sealCell(result: CellResult): string {
  const body = JSON.stringify(result);
  return `${JSON.stringify({ ...result, checksum: sha256(body) })}\n`;
}

/** What a cell's file must hold: the manifest's cell and the sweep's run parameters. */
export interface ExpectedCell {
  cell: ManifestCell;
  samples: number;
  steps: number;
  problem?: unknown;
}

export type CellRead = { ok: true; result: CellResult } | { ok: false; missing: boolean; file: string; why: string };

/** Reads and checks a cell's results file (see the header). */
export function readCell(dir: string, e: ExpectedCell): CellRead {
  const file = cellPath(dir, e.cell.id);
  if (!existsSync(file)) return { ok: false, missing: true, file, why: 'missing' };
  const bad = (why: string): CellRead => ({ ok: false, missing: false, file, why });
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return bad('not valid JSON (truncated or edited)');
  }
  if (!r || typeof r !== 'object' || Array.isArray(r)) return bad('not a results object');
  const { checksum, ...rest } = r;
  if (typeof checksum !== 'string') return bad('no checksum');
  if (sha256(JSON.stringify(rest)) !== checksum) return bad('its content does not match its checksum');
  const c = rest.cell as CellResult['cell'] | undefined;
  if (!c || c.id !== e.cell.id || c.index !== e.cell.index || c.seed !== e.cell.seed || JSON.stringify(c.params) !== JSON.stringify(e.cell.params)) {
    return bad(`it holds the results of another cell (${c?.id ?? 'none'})`);
  }
  if (rest.samples !== e.samples || rest.steps !== e.steps) return bad(`it was run with ${String(rest.samples)} × ${String(rest.steps)}, not ${e.samples} × ${e.steps}`);
  if (e.problem !== undefined && JSON.stringify(rest.problem) !== JSON.stringify(e.problem)) return bad('it was run on another problem');
  for (const k of ['final', 'curves', 'diverged', 'divergedFraction'] as const) if (!(k in rest)) return bad(`no "${k}"`);
  return { ok: true, result: rest as CellResult };
}

/** The manifest's expectation for each of its cells. */
export const expectations = (m: Manifest): ExpectedCell[] => {
  const problems = new Map(expandGrid(m.config).map((c) => [c.id, c.problem]));
  return m.cells.map((cell) => ({ cell, samples: m.config.samples, steps: m.config.steps, problem: problems.get(cell.id) }));
};

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

/** The refusal for a damaged cell file (merge, export: a sweep recomputes it). */
export const damagedCell = (dir: string, r: CellRead & { ok: false }) =>
  new ParameterError(r.file, '(damaged)', `the results file of a finished cell; rerun \`dropgrad sweep CONFIG --out ${dir}\` to recompute it`, r.why);

/** Loads a sweep's results in one call (for reports and notebooks); refuses a damaged cell file. */
export function loadSweep(dir: string): LoadedSweep {
  const manifest = readManifest(dir);
  if (!manifest) throw new ParameterError('sweep directory', dir, 'a directory written by `dropgrad sweep` (no manifest.json found)');
  const results: CellResult[] = [];
  const missing: string[] = [];
  for (const e of expectations(manifest)) {
    const r = readCell(dir, e);
    if (r.ok) results.push(r.result);
    else if (r.missing) missing.push(e.cell.id);
    else throw damagedCell(dir, r);
  }
  return { manifest, results, missing };
}
