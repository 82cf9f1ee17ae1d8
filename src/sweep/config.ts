/**
 * Sweep configurations: a declarative grid (JSON or YAML) validated against a JSON schema (ajv) for its shape,
 * then cell by cell by the same code that builds problems (src/problem.ts) for its meaning, so every mistake
 * gets a message that names where it is and what is expected.
 *
 *   name: DropGrad on Rosenbrock
 *   seed: 1                 # global seed; each cell's seed derives from (seed, cell index)
 *   samples: 200            # trajectories per cell
 *   steps: 200
 *   surface: { kind: rosenbrock }   # or grid.surface: a list
 *   x0: [-1.5, 2]
 *   optimizers: { sgd: { momentum: 0.9 } }   # fixed options per optimizer
 *   drop: { variant: bernoulli }
 *   grid:
 *     optimizer: [sgd, adam, lion]
 *     lr: { sgd: [1e-4, 1e-3], adam: [1e-2, 3e-2], lion: [1e-3, 3e-3] }   # or one list for all
 *     dropRate: [0, 0.1, 0.3]
 *     fullUpdateDrop: [0]   # optional
 *     replicate: 2          # independent repetitions (different seeds)
 *   labels: { sgd: "SGD (momentum 0.9)" }   # optional display names
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type * as Yaml from 'yaml';
import { readCsv } from '../data/table.ts';
import { lazy } from '../lazy.ts';
import { ParameterError } from '../errors.ts';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optimizers/index.ts';
import { type ProblemConfig, SURFACE_KINDS, type SurfaceConfig, buildProblem } from '../problem.ts';
import { philox4x32 } from '../rng/philox.ts';

const yaml = lazy<typeof Yaml>('yaml');

export interface SweepConfig {
  name?: string;
  seed: number;
  samples: number;
  steps: number;
  surface?: SurfaceConfig;
  x0?: number[];
  optimizers?: Partial<Record<OptimizerName, Record<string, unknown>>>;
  drop?: { variant?: 'bernoulli' | 'gaussian' };
  grid: {
    optimizer: OptimizerName[];
    lr: number[] | Partial<Record<OptimizerName, number[]>>;
    dropRate: number[];
    surface?: SurfaceConfig[];
    fullUpdateDrop?: number[];
    replicate?: number;
  };
  labels?: Record<string, string>;
}

export interface CellParams {
  optimizer: OptimizerName;
  lr: number;
  dropRate: number;
  surface: string;
  fullUpdateDrop: number;
  replicate: number;
}

export interface Cell {
  index: number;
  id: string;
  params: CellParams;
  seed: number;
  problem: ProblemConfig;
}

const tableSchema = {
  type: 'object',
  required: ['columns', 'rows'],
  additionalProperties: false,
  properties: { columns: { type: 'array', minItems: 1, items: { type: 'string' } }, rows: { type: 'array', minItems: 1, items: { type: 'array', items: { type: 'number' } } } },
};
const surfaceSchema = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { enum: [...SURFACE_KINDS] },
    H: { type: 'array', minItems: 1, items: { type: 'array', items: { type: 'number' } } },
    xStar: { type: 'array', items: { type: 'number' } },
    dim: { type: 'integer', minimum: 1 },
    condition: { type: 'number', minimum: 1 },
    angle: { type: 'number' },
    expr: { type: 'string', maxLength: 10000 },
    sharpness: { type: 'number', minimum: 1 },
    data: { oneOf: [{ type: 'string', minLength: 1 }, tableSchema] },
    target: { type: 'string', minLength: 1 },
    test: { oneOf: [{ type: 'string', minLength: 1 }, tableSchema] },
    intercept: { type: 'boolean' },
    standardize: { type: 'boolean' },
  },
};
const numberList = { type: 'array', minItems: 1, items: { type: 'number' } };

export const SWEEP_SCHEMA = {
  type: 'object',
  required: ['seed', 'samples', 'steps', 'grid'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 500 },
    seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    samples: { type: 'integer', minimum: 1, maximum: 100_000_000 },
    steps: { type: 'integer', minimum: 0, maximum: 10_000_000 },
    surface: surfaceSchema,
    x0: { type: 'array', minItems: 1, items: { type: 'number' } },
    optimizers: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(OPTIMIZER_NAMES.map((n) => [n, { type: 'object' }])),
    },
    drop: { type: 'object', additionalProperties: false, properties: { variant: { enum: ['bernoulli', 'gaussian'] } } },
    grid: {
      type: 'object',
      required: ['optimizer', 'lr', 'dropRate'],
      additionalProperties: false,
      properties: {
        optimizer: { type: 'array', minItems: 1, items: { enum: [...OPTIMIZER_NAMES] } },
        lr: {
          oneOf: [
            numberList,
            { type: 'object', minProperties: 1, additionalProperties: false, properties: Object.fromEntries(OPTIMIZER_NAMES.map((n) => [n, numberList])) },
          ],
        },
        dropRate: numberList,
        surface: { type: 'array', minItems: 1, items: surfaceSchema },
        fullUpdateDrop: numberList,
        replicate: { type: 'integer', minimum: 1, maximum: 10_000 },
      },
    },
    labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 500 } },
  },
} as const;

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] | null };
let validator: Validator | null = null;

function schemaValidator(): Validator {
  if (!validator) {
    const Ajv = lazy<new (o: object) => { compile(s: object): Validator }>('ajv')();
    validator = new Ajv({ allErrors: true, strict: false }).compile(SWEEP_SCHEMA);
  }
  return validator;
}

/**
 * The config with every data file (a surface's `data` and `test`, read relative to `baseDir`) replaced by its
 * table, so that the config hash covers the data (an edited file is a different sweep) and workers read no files.
 */
export function inlineData(c: SweepConfig, baseDir: string): SweepConfig {
  const inline = (s: SurfaceConfig): SurfaceConfig => {
    const read = (v: SurfaceConfig['data'], key: 'data' | 'test') => (typeof v === 'string' ? readCsv(resolve(baseDir, v), `${key} (${v})`) : v);
    return s.data === undefined && s.test === undefined ? s : { ...s, data: read(s.data, 'data'), test: read(s.test, 'test') };
  };
  return {
    ...c,
    surface: c.surface && inline(c.surface),
    grid: { ...c.grid, surface: c.grid.surface?.map(inline) },
  };
}

/** Parses a config file's text (YAML is a superset of JSON) and validates it; errors name the path in the config. */
/** `baseDir`: where the config's relative data-file paths start (the config file's directory; default the working directory). */
export function parseSweepConfig(text: string, source = 'config', baseDir = process.cwd()): SweepConfig {
  let data: unknown;
  try {
    data = yaml().parse(text);
  } catch (e) {
    throw new ParameterError(source, '(file)', 'valid JSON or YAML', (e as Error).message.split('\n')[0]);
  }
  return validateSweepConfig(data, source, baseDir);
}

export function validateSweepConfig(data: unknown, source = 'config', baseDir = process.cwd()): SweepConfig {
  const v = schemaValidator();
  if (!v(data)) {
    const e = v.errors![0];
    const extra = e.params.additionalProperty ? ` "${String(e.params.additionalProperty)}"` : e.params.allowedValues ? `: ${(e.params.allowedValues as unknown[]).join(', ')}` : '';
    const value = e.instancePath ? valueAt(data, e.instancePath) : '(the whole config)';
    throw new ParameterError(`${source}${e.instancePath.replaceAll('/', '.')}`, value, `${e.message}${extra}`);
  }
  const c = inlineData(data as SweepConfig, baseDir);
  // Meaning: every cell must build (drop rates, learning rates, dimensions, expressions, options).
  const size = gridSize(c);
  if (size > MAX_CELLS) throw new ParameterError(`${source}.grid`, `${size} cells`, `at most ${MAX_CELLS.toLocaleString('en')} cells per sweep (split the grid into several sweeps, or shard it)`);
  const cells = expandGrid(c);
  if (cells.length === 0) throw new ParameterError(`${source}.grid`, 'empty', 'at least one cell');
  if (!Array.isArray(c.grid.lr)) {
    for (const o of c.grid.optimizer) if (!c.grid.lr[o]) throw new ParameterError(`${source}.grid.lr.${o}`, undefined, `a list of learning rates for ${o} (it is in grid.optimizer)`);
  }
  for (const cell of cells) {
    try {
      buildProblem(cell.problem);
    } catch (e) {
      throw new ParameterError(`${source}: cell ${cell.id} (${describeParams(cell.params)})`, '', (e as Error).message);
    }
  }
  return c;
}

function valueAt(data: unknown, pointer: string): unknown {
  let v: unknown = data;
  for (const part of pointer.split('/').slice(1)) v = (v as Record<string, unknown>)?.[part];
  return v;
}

export function describeParams(p: CellParams): string {
  return `${p.optimizer}, lr ${p.lr}, p ${p.dropRate}, ${p.surface}${p.fullUpdateDrop ? `, full-update drop ${p.fullUpdateDrop}` : ''}${p.replicate ? `, replicate ${p.replicate}` : ''}`;
}

/** Seed of cell k: the first two words of Philox(counter (k, 0, 0, 0x5eed), key = global seed), as a 53-bit integer. */
export function cellSeed(globalSeed: number, index: number): number {
  const w = philox4x32(index, 0, 0, 0x5eed, globalSeed >>> 0, Math.floor(globalSeed / 4294967296) >>> 0, new Uint32Array(4));
  return (w[0] & 0x1fffff) * 4294967296 + w[1];
}

const surfaceName = (s: SurfaceConfig) => (s.kind === 'expr' ? `expr:${s.expr}` : s.dim ? `${s.kind}-${s.dim}d` : s.kind);

/** Most cells a sweep may have: its manifest (≈ 300 bytes a cell) stays a file one rewrites in well under a second. */
export const MAX_CELLS = 100_000;

/** The number of cells of the grid, without building them. */
function gridSize(c: SweepConfig): number {
  const lrs = (o: string) => (Array.isArray(c.grid.lr) ? c.grid.lr.length : ((c.grid.lr as Record<string, number[] | undefined>)[o]?.length ?? 0));
  const perSurface = c.grid.optimizer.reduce((n, o) => n + lrs(o), 0) * c.grid.dropRate.length * (c.grid.fullUpdateDrop?.length ?? 1) * (c.grid.replicate ?? 1);
  return (c.grid.surface?.length ?? 1) * perSurface;
}

/** The cells of the grid, in a fixed order (surface, optimizer, lr, drop rate, full-update drop, replicate). */
export function expandGrid(c: SweepConfig): Cell[] {
  const surfaces = c.grid.surface ?? [c.surface ?? { kind: 'rosenbrock' }];
  const cells: Cell[] = [];
  for (const surface of surfaces) {
    for (const optimizer of c.grid.optimizer) {
      const lrs = Array.isArray(c.grid.lr) ? c.grid.lr : (c.grid.lr[optimizer] ?? []);
      for (const lr of lrs) {
        for (const dropRate of c.grid.dropRate) {
          for (const fullUpdateDrop of c.grid.fullUpdateDrop ?? [0]) {
            for (let replicate = 0; replicate < (c.grid.replicate ?? 1); replicate++) {
              const index = cells.length;
              const params: CellParams = { optimizer, lr, dropRate, surface: surfaceName(surface), fullUpdateDrop, replicate };
              cells.push({
                index,
                id: `c${String(index).padStart(5, '0')}`,
                params,
                seed: cellSeed(c.seed, index),
                problem: {
                  surface,
                  ...(c.x0 ? { x0: c.x0 } : {}),
                  optimizer: { ...(c.optimizers?.[optimizer] ?? {}), name: optimizer, lr },
                  drop: { rate: dropRate, variant: c.drop?.variant, ...(fullUpdateDrop ? { fullUpdateDrop } : {}) },
                },
              });
            }
          }
        }
      }
    }
  }
  return cells;
}

/** Canonical JSON (sorted keys) and its SHA-256: what identifies a sweep. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function configHash(c: SweepConfig): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex');
}

/** A valid grid of 120 cells (SGD, Adam and Lion on Rosenbrock) that runs in seconds: `dropgrad sweep --example`. */
export const EXAMPLE_CONFIG = `# dropgrad sweep example: 3 optimizers × 4 learning rates × 5 drop rates × 2 replicates = 120 cells
name: DropGrad on Rosenbrock (example)
seed: 1
samples: 256
steps: 200
surface: { kind: rosenbrock }
x0: [-1.5, 2]
optimizers:
  sgd: { momentum: 0.9 }
grid:
  optimizer: [sgd, adam, lion]
  lr:
    sgd: [0.0001, 0.0003, 0.001, 0.002]
    adam: [0.003, 0.01, 0.03, 0.1]
    lion: [0.0003, 0.001, 0.003, 0.01]
  dropRate: [0, 0.1, 0.3, 0.5, 0.7]
  replicate: 2
labels:
  sgd: SGD (momentum 0.9)
  adam: Adam
  lion: Lion
`;
