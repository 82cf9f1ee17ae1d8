/**
 * A problem: surface, start, optimizer and DropGrad configuration, described as plain JSON so that the CLI,
 * sweep configs and notebooks share one vocabulary. `buildProblem` validates it and builds the objects.
 */
import { existsSync, statSync } from 'node:fs';
import { type Design, designOf } from './data/design.ts';
import { type Table, checkTable, readCsv } from './data/table.ts';
import { ParameterError, requireFinite } from './errors.ts';
import {
  type AnyTransformation,
  ConstantSchedule,
  CosineAnnealingSchedule,
  ExponentialSchedule,
  LinearSchedule,
  OPTIMIZER_NAMES,
  type OptimizerName,
  type OptimizerSpec,
  type ResolvedOptimizer,
  type Schedule,
  type ScheduleLike,
  StepSchedule,
  TriangularSchedule,
  type WithDropGradOptions,
  makeOptimizer,
  resolveOptimizer,
  withDropGrad,
} from './optimizers/index.ts';
import {
  type Surface,
  ackley,
  beale,
  checkPoint,
  conditionedQuadratic,
  doubleWell,
  expressionSurface,
  leastSquares,
  logisticRegression,
  quadratic,
  rastrigin,
  rosenbrock,
  rotatedValley,
} from './surfaces/index.ts';

/** The surface kinds a ProblemConfig may name. */
export const SURFACE_KINDS = ['quadratic', 'valley', 'rosenbrock', 'rastrigin', 'ackley', 'beale', 'doublewell', 'expr', 'least-squares', 'logistic'] as const;
export type SurfaceKind = (typeof SURFACE_KINDS)[number];

/** A surface as plain data: its kind and that kind's parameters. */
export interface SurfaceConfig {
  kind: SurfaceKind;
  /** quadratic: Hessian (default: log-spaced diagonal of `dim` with condition `condition`). */
  H?: number[][];
  xStar?: number[];
  dim?: number;
  condition?: number;
  angle?: number;
  expr?: string;
  /** doublewell: the sharp minimum's curvature over the flat one's (default 10). */
  sharpness?: number;
  /** least-squares, logistic: the training rows (a CSV file's path, or an inline table) and the target column. */
  data?: string | Table;
  target?: string;
  /** least-squares, logistic: held-out rows with the same columns. */
  test?: string | Table;
  /** least-squares, logistic: append a constant-1 feature (default true). */
  intercept?: boolean;
  /** least-squares, logistic: z-score the features with the training rows' mean and standard deviation. */
  standardize?: boolean;
}

/** A schedule as JSON: a number, or "linear:a,b,N" | "cosine:a,b,N" | "step:a,t1=b,t2=c" | "cyclical:lo,hi,h" | "exponential:a,γ". */
export type ScheduleSpec = number | string;

/** DropGrad's configuration: the rate (a number or a schedule), Bernoulli or Gaussian, full-update drop, per-group rates. */
export interface DropConfig {
  rate?: ScheduleSpec;
  variant?: 'bernoulli' | 'gaussian';
  fullUpdateDrop?: ScheduleSpec;
  groups?: Record<string, { indices: number[]; rate: ScheduleSpec }>;
}

/** A problem as plain data: the surface, the start x0 (default: the surface's), the optimizer and DropGrad's configuration. */
export interface ProblemConfig {
  surface: SurfaceConfig;
  x0?: number[];
  optimizer: Omit<OptimizerSpec, 'lr'> & { lr?: ScheduleSpec };
  drop?: DropConfig;
}

/** A built problem (buildProblem): the surface, start, resolved optimizer and the chain with DropGrad in front. */
export interface Problem {
  config: ProblemConfig;
  surface: Surface;
  x0: Float64Array;
  optimizer: OptimizerSpec;
  /** The optimizer with every option given (its defaults filled in from the factories' table). */
  resolved: ResolvedOptimizer;
  drop: WithDropGradOptions;
  /** The optimizer with DropGrad in front (and full-update drop around it when asked). */
  chain: AnyTransformation;
}

export function parseSchedule(name: string, spec: ScheduleSpec): ScheduleLike {
  if (typeof spec === 'number') return spec;
  if (typeof spec !== 'string') throw new ParameterError(name, spec, 'a number or a schedule string such as "cosine:0.5,0.1,100"');
  const trimmed = spec.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  const m = /^([a-z]+):(.*)$/.exec(trimmed);
  const usage = 'a number, or linear:a,b,N | cosine:a,b,N | step:a,t1=b,… | cyclical:lo,hi,halfPeriod | exponential:a,gamma';
  if (!m) throw new ParameterError(name, spec, usage);
  const parts = m[2].split(',').map((s) => s.trim());
  const nums = (k: number) => {
    if (parts.length !== k) throw new ParameterError(name, spec, `${k} comma-separated values after "${m[1]}:"`);
    return parts.map((p) => requireFinite(`${name} (${m[1]} value "${p}")`, Number(p)));
  };
  let sched: Schedule;
  switch (m[1]) {
    case 'constant':
      sched = new ConstantSchedule(nums(1)[0]);
      break;
    case 'linear': {
      const [a, b, n] = nums(3);
      sched = new LinearSchedule(a, b, n);
      break;
    }
    case 'cosine': {
      const [a, b, n] = nums(3);
      sched = new CosineAnnealingSchedule(a, b, n);
      break;
    }
    case 'cyclical': {
      const [a, b, n] = nums(3);
      sched = new TriangularSchedule(a, b, n);
      break;
    }
    case 'exponential': {
      const [a, g] = nums(2);
      sched = new ExponentialSchedule(a, g);
      break;
    }
    case 'step': {
      const initial = requireFinite(`${name} (step initial value)`, Number(parts[0]));
      const milestones: Record<number, number> = {};
      for (const p of parts.slice(1)) {
        const [t, v] = p.split('=');
        if (v === undefined) throw new ParameterError(name, spec, 'step:initial,step=value,… (e.g. step:0.3,100=0.2)');
        milestones[Number(t)] = requireFinite(`${name} (value at step ${t})`, Number(v));
      }
      sched = new StepSchedule(initial, milestones);
      break;
    }
    default:
      throw new ParameterError(name, spec, usage);
  }
  return sched;
}

const SURFACES = new Map<string, Surface>();

/**
 * The surface of a config. Surfaces are immutable, so one is built once per distinct config and thread and then
 * shared: a custom expression's symbolic differentiation (mathjs) and a program's generation take 5–60 ms, which
 * every job on every worker would otherwise repeat.
 */
export function buildSurface(c: SurfaceConfig): Surface {
  // A data file is part of the key by its modification time and size, so an edited file is read again.
  const stamp = (v: unknown) => {
    const st = typeof v === 'string' && existsSync(v) ? statSync(v) : null;
    return st ? `${v}@${st.mtimeMs}:${st.size}` : v;
  };
  const key = JSON.stringify(c.data === undefined && c.test === undefined ? c : { ...c, data: stamp(c.data), test: stamp(c.test) });
  let s = SURFACES.get(key);
  if (!s) {
    s = makeSurface(c);
    if (SURFACES.size >= 64) SURFACES.delete(SURFACES.keys().next().value!);
    SURFACES.set(key, s);
  }
  return s;
}

/** The fields each surface kind reads; any other field given is refused (it would be ignored silently). */
const SURFACE_FIELDS: Record<SurfaceKind, (keyof SurfaceConfig)[]> = {
  quadratic: ['H', 'xStar', 'dim', 'condition'],
  valley: ['angle', 'condition'],
  rosenbrock: ['dim'],
  rastrigin: ['dim'],
  ackley: ['dim'],
  beale: ['dim'],
  doublewell: ['dim', 'sharpness'],
  expr: ['expr', 'dim'],
  'least-squares': ['data', 'target', 'test', 'intercept', 'standardize'],
  logistic: ['data', 'target', 'test', 'intercept', 'standardize'],
};
const FLAG: Record<string, string> = {
  H: 'H', xStar: 'x-star', dim: 'dim', condition: 'condition', angle: 'angle', expr: 'expr', sharpness: 'sharpness',
  data: 'data', target: 'target', test: 'test', intercept: 'no-intercept', standardize: 'standardize',
};
const KIND_OF_FIELD: Record<string, SurfaceKind> = { angle: 'valley', expr: 'expr', sharpness: 'doublewell', data: 'least-squares', target: 'least-squares', test: 'least-squares', intercept: 'least-squares', standardize: 'least-squares' };

function checkFields(c: SurfaceConfig): void {
  const allowed = SURFACE_FIELDS[c.kind];
  if (!allowed) return;
  for (const [k, v] of Object.entries(c)) {
    if (k === 'kind' || v === undefined) continue;
    if (!allowed.includes(k as keyof SurfaceConfig)) {
      throw new ParameterError(FLAG[k] ?? k, v, `no value for surface ${c.kind} (it reads ${allowed.map((a) => FLAG[a]).join(', ')}); did you mean --surface ${KIND_OF_FIELD[k] ?? 'quadratic'}?`);
    }
  }
  if (c.kind === 'quadratic' && c.H) {
    if (c.condition !== undefined) throw new ParameterError('condition', c.condition, 'no value with H (the condition is H\'s own)');
    if (c.dim !== undefined && c.dim !== c.H.length) throw new ParameterError('dim', c.dim, `${c.H.length}, the size of H (or leave it out)`);
  }
  if (c.kind === 'quadratic' && !c.H && c.xStar !== undefined) throw new ParameterError('x-star', c.xStar, 'no value without H (the conditioned quadratic has its minimum at 0)');
}

function makeSurface(c: SurfaceConfig): Surface {
  checkFields(c);
  switch (c.kind) {
    case 'quadratic':
      if (c.H) return quadratic({ H: c.H, xStar: c.xStar });
      return conditionedQuadratic(c.dim ?? 2, c.condition ?? 10);
    case 'valley':
      return rotatedValley({ angle: c.angle, condition: c.condition });
    case 'rosenbrock':
      return rosenbrock(c.dim ?? 2);
    case 'rastrigin':
      return rastrigin(c.dim ?? 2);
    case 'ackley':
      return ackley(c.dim ?? 2);
    case 'beale':
      if (c.dim !== undefined && c.dim !== 2) throw new ParameterError('dim', c.dim, '2 (Beale is two-dimensional)');
      return beale();
    case 'doublewell':
      return doubleWell(c.dim ?? 2, c.sharpness ?? 10);
    case 'expr':
      if (!c.expr) throw new ParameterError('expr', c.expr, 'a mathjs expression (required with surface expr)');
      return expressionSurface(c.expr, { dim: c.dim });
    case 'least-squares':
      return leastSquares(designOfConfig(c));
    case 'logistic':
      return logisticRegression(designOfConfig(c));
    default:
      throw new ParameterError('surface', c.kind, SURFACE_KINDS.join(' | '));
  }
}

function tableOf(v: string | Table, parameter: string): { table: Table; name: string } {
  return typeof v === 'string' ? { table: readCsv(v, parameter), name: v } : { table: checkTable(v, parameter), name: 'inline table' };
}

/** The design of a least-squares or logistic surface's config: its tables read and checked. */
function designOfConfig(c: SurfaceConfig): Design {
  if (c.data === undefined) throw new ParameterError('data', c.data, `a CSV file of training rows (required with surface ${c.kind})`);
  if (c.target === undefined) throw new ParameterError('target', c.target, `the name of the column to predict (required with surface ${c.kind})`);
  const train = tableOf(c.data, 'data');
  const test = c.test === undefined ? undefined : tableOf(c.test, 'test');
  return designOf(train.table, { target: c.target, intercept: c.intercept, standardize: c.standardize, test: test?.table, names: { data: train.name, test: test?.name } });
}

/** Surfaces whose dimension is a free parameter: without --dim, a start point sets it. */
const SIZED: SurfaceKind[] = ['rosenbrock', 'rastrigin', 'ackley', 'doublewell'];
const inferDim = (c: SurfaceConfig, x0?: number[]): SurfaceConfig =>
  Array.isArray(x0) && c.dim === undefined && (SIZED.includes(c.kind) || (c.kind === 'quadratic' && !c.H)) ? { ...c, dim: x0.length } : c;

/**
 * A problem from its plain-data description: the surface built and its dimension checked against x0, the optimizer's
 * options completed with its defaults, the drop configuration checked. Throws ParameterError on invalid input.
 */
export function buildProblem(config: ProblemConfig): Problem {
  const sized = inferDim(config.surface, config.x0);
  let surface: Surface;
  try {
    surface = buildSurface(sized);
  } catch (e) {
    // A dimension taken from x0 is x0's mistake: say so.
    if (sized !== config.surface && e instanceof ParameterError && e.parameter === 'dim') throw new ParameterError('x0.length', sized.dim, e.range, `x0 sets the dimension of ${sized.kind} when --dim is absent`);
    throw e;
  }
  const x0 = config.x0 ? checkPoint(surface, config.x0, 'x0') : Float64Array.from(surface.defaultStart);
  const f0 = surface.value(x0);
  if (!Number.isFinite(f0)) throw new ParameterError('x0', x0, 'a start point where the surface is finite', `f(x0) = ${f0}`);
  const { lr, ...rest } = config.optimizer;
  if (!OPTIMIZER_NAMES.includes(rest.name as OptimizerName)) throw new ParameterError('optimizer', rest.name, OPTIMIZER_NAMES.join(' | '));
  const optimizer: OptimizerSpec = { ...rest, lr: lr === undefined ? undefined : parseSchedule('lr', lr) };
  const d = config.drop ?? {};
  const drop: WithDropGradOptions = {
    rate: d.rate === undefined ? 0 : parseSchedule('dropRate', d.rate),
    variant: d.variant,
    fullUpdateDrop: d.fullUpdateDrop === undefined ? undefined : parseSchedule('fullUpdateDrop', d.fullUpdateDrop),
    groups: d.groups
      ? Object.fromEntries(Object.entries(d.groups).map(([k, g]) => [k, { indices: g.indices, rate: parseSchedule(`groups.${k}.rate`, g.rate) }]))
      : undefined,
  };
  const resolved = resolveOptimizer(optimizer);
  const chain = withDropGrad(makeOptimizer(optimizer), drop);
  return { config, surface, x0, optimizer, resolved, drop, chain };
}

/** The one divergence rule (figures, tuned comparisons, basins): diverged once the loss exceeds this multiple of max(1, f(x₀)). */
export const DIVERGENCE_FACTOR = 100;

/** The divergence threshold of a problem under that rule. */
export function divergenceLimit(problem: ProblemConfig): number {
  const p = buildProblem(problem);
  return DIVERGENCE_FACTOR * Math.max(1, p.surface.value(p.x0));
}

/** The rule as a caption states it. */
export const DIVERGENCE_RULE = `a trajectory counts as diverged from the first step at which its loss exceeds ${DIVERGENCE_FACTOR} × max(1, f(x₀)) or a coordinate is not finite`;
