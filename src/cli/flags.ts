import { readFileSync } from 'node:fs';
/**
 * Problem flags shared by every analysis command, turned into a `ProblemConfig` (src/problem.ts).
 */
import type { ParseArgsConfig } from 'node:util';
import { ParameterError } from '../errors.ts';
import type { ProblemConfig, SurfaceKind } from '../problem.ts';
import type { OptimizerName } from '../optimizers/index.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export const PROBLEM_OPTIONS: Options = {
  surface: { type: 'string', default: 'rosenbrock' },
  H: { type: 'string' },
  'x-star': { type: 'string' },
  dim: { type: 'string' },
  condition: { type: 'string' },
  angle: { type: 'string' },
  expr: { type: 'string' },
  sharpness: { type: 'string' },
  data: { type: 'string' },
  target: { type: 'string' },
  test: { type: 'string' },
  'no-intercept': { type: 'boolean' },
  standardize: { type: 'boolean' },
  x0: { type: 'string' },
  optimizer: { type: 'string', default: 'sgd' },
  lr: { type: 'string' },
  'lr-schedule': { type: 'string' },
  momentum: { type: 'string' },
  dampening: { type: 'string' },
  nesterov: { type: 'boolean' },
  betas: { type: 'string' },
  eps: { type: 'string' },
  'weight-decay': { type: 'string' },
  alpha: { type: 'string' },
  centered: { type: 'boolean' },
  rho: { type: 'string' },
  'lr-decay': { type: 'string' },
  'initial-accumulator': { type: 'string' },
  amsgrad: { type: 'boolean' },
  'momentum-decay': { type: 'string' },
  'drop-rate': { type: 'string' },
  'drop-schedule': { type: 'string' },
  gaussian: { type: 'boolean' },
  'full-update-drop': { type: 'string' },
  group: { type: 'string', multiple: true },
};

export const PROBLEM_HELP = `Problem flags:
  --surface quadratic|valley|rosenbrock|rastrigin|ackley|beale|doublewell|expr|least-squares|logistic
                                             (default rosenbrock)
  --H '<JSON matrix>'  --x-star '<JSON>'     quadratic Hessian and minimiser
  --dim N  --condition K  --angle RAD        dimension (default: the length of --x0, else 2); quadratic/valley condition; valley angle
  --sharpness R                              doublewell: sharp minimum's curvature over the flat one's (default 10)
  --expr '<mathjs>'                          custom surface over named variables (x, y, … or x1, x2, …)
  --data FILE.csv --target COLUMN            least-squares, logistic: training rows (header row, numbers only)
  --test FILE.csv                            held-out rows with the same columns (test loss)
  --no-intercept  --standardize              no constant-1 feature; z-score features by the training rows
                                             (features: the non-target columns in file order, then the intercept;
                                             write a shipped data set as CSV with: dropgrad dataset cps-1985|iris)
  --x0 '<JSON vector>'                       start (default: the surface's conventional start)
  Every JSON-valued flag and --expr also take @FILE: the value read from a file (beyond the shell's ~128 KiB limit).
  --optimizer sgd|adam|adamw|nadam|adagrad|rmsprop|adadelta|lion   (default sgd)
  --lr X  --lr-schedule SPEC  --momentum M  --dampening T  --nesterov  --betas b1,b2  --eps E
  --weight-decay L  --amsgrad  --momentum-decay PSI  --alpha A  --centered  --rho R  --lr-decay D
  --initial-accumulator V
  --drop-rate P                              DropGrad drop rate in [0, 1) (default 0)
  --drop-schedule SPEC                       drop-rate schedule (overrides --drop-rate)
  --gaussian                                 Gaussian DropGrad: multiplicative N(1, p/(1−p)) noise
  --full-update-drop R                       skip the whole step (parameters and state) with probability R
  --group name:i,j,…=P                       per-group drop rate for the listed coordinates (repeatable)
SPEC: linear:a,b,N | cosine:a,b,N | step:a,t1=b,t2=c | cyclical:lo,hi,halfPeriod | exponential:a,gamma`;

/** A decimal number as a user writes one (1, -0.5, .3, 2e-4): not hex, not empty, not "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A strict decimal, or NaN. */
export const decimal = (s: string) => (DECIMAL.test(s.trim()) ? Number(s.trim()) : Number.NaN);

export function num(values: Values, key: string): number | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' ? decimal(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new ParameterError(`--${key}`, v, 'a finite decimal number (e.g. 0.01 or 1e-3)');
  return n;
}

export function int(values: Values, key: string, min = 0): number | undefined {
  const n = num(values, key);
  if (n !== undefined && (!Number.isInteger(n) || n < min)) throw new ParameterError(`--${key}`, n, `an integer ≥ ${min}`);
  return n;
}

/**
 * A text-valued flag, or the contents of the file it names as `@path` (for matrices and expressions longer than the
 * shell's argument limit, about 128 KiB).
 */
export function text(values: Values, key: string): string | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  const s = String(v);
  if (!s.startsWith('@')) return s;
  const path = s.slice(1);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new ParameterError(`--${key}`, s, 'a value, or @FILE naming a readable file', (e as NodeJS.ErrnoException).code ?? 'unreadable');
  }
}

export function json<T>(values: Values, key: string, check: (v: unknown) => boolean, expected: string): T | undefined {
  const v = text(values, key);
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(v));
  } catch {
    throw new ParameterError(`--${key}`, v, `valid JSON: ${expected}`);
  }
  if (!check(parsed)) throw new ParameterError(`--${key}`, v, expected);
  return parsed as T;
}

export const isVector = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
export const isMatrix = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every(isVector);

function parseGroups(specs: string[]): NonNullable<ProblemConfig['drop']>['groups'] {
  const groups: Record<string, { indices: number[]; rate: string }> = {};
  for (const s of specs) {
    const m = /^([^:]+):([\d,\s]+)=(.+)$/.exec(s);
    if (!m) throw new ParameterError('--group', s, 'name:i,j,…=rate (e.g. head:0,1=0.3)');
    const indices = m[2].split(',').map((x) => (/^\s*\d+\s*$/.test(x) ? Number(x) : Number.NaN));
    if (indices.some(Number.isNaN)) throw new ParameterError('--group', s, 'name:i,j,…=rate with integer indices (e.g. head:0,1=0.3)');
    groups[m[1]] = { indices, rate: m[3] };
  }
  return groups;
}

export function problemConfig(values: Values): ProblemConfig {
  const betas = values.betas === undefined ? undefined : String(values.betas).split(',').map(decimal);
  if (betas && (betas.length !== 2 || betas.some((b) => !Number.isFinite(b)))) throw new ParameterError('--betas', values.betas, 'two decimal numbers b1,b2 (e.g. 0.9,0.999)');
  return {
    surface: {
      kind: String(values.surface) as SurfaceKind,
      H: json<number[][]>(values, 'H', isMatrix, 'a matrix such as [[10,3],[3,1]]'),
      xStar: json<number[]>(values, 'x-star', isVector, 'a vector such as [1,2]'),
      dim: int(values, 'dim', 1),
      condition: num(values, 'condition'),
      angle: num(values, 'angle'),
      expr: text(values, 'expr'),
      sharpness: num(values, 'sharpness'),
      data: values.data as string | undefined,
      target: values.target as string | undefined,
      test: values.test as string | undefined,
      intercept: values['no-intercept'] ? false : undefined,
      standardize: values.standardize ? true : undefined,
    },
    x0: json<number[]>(values, 'x0', isVector, 'a vector such as [-1.5,2]'),
    optimizer: {
      name: String(values.optimizer) as OptimizerName,
      lr: (values['lr-schedule'] as string | undefined) ?? num(values, 'lr'),
      momentum: num(values, 'momentum'),
      dampening: num(values, 'dampening'),
      nesterov: values.nesterov ? true : undefined,
      betas: betas as [number, number] | undefined,
      eps: num(values, 'eps'),
      weightDecay: num(values, 'weight-decay'),
      alpha: num(values, 'alpha'),
      centered: values.centered ? true : undefined,
      rho: num(values, 'rho'),
      lrDecay: num(values, 'lr-decay'),
      initialAccumulatorValue: num(values, 'initial-accumulator'),
      amsgrad: values.amsgrad ? true : undefined,
      momentumDecay: num(values, 'momentum-decay'),
    },
    drop: {
      rate: (values['drop-schedule'] as string | undefined) ?? num(values, 'drop-rate'),
      variant: values.gaussian ? 'gaussian' : 'bernoulli',
      fullUpdateDrop: values['full-update-drop'] as string | undefined,
      groups: values.group ? parseGroups(values.group as string[]) : undefined,
    },
  };
}
