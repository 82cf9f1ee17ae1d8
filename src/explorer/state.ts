/**
 * The Explorer's state: what the controls hold, as one plain object that lives in the page's URL
 * (`#surface=valley&lr=0.05&p=0.3…`), becomes the engine's problem and simulation spec, and the equivalent
 * `dropgrad simulate` command line — the same settings give the same numbers in the page and on the command line.
 * Pure data and string functions: the page (src/explorer/app.ts) and the tests both use them.
 */
import type { SimulationSpec } from '../analysis/mc/spec.ts';
import { OPTIMIZER_DEFAULTS, type OptimizerName } from '../optimizers/optimizers.ts';
import type { ProblemConfig } from '../problem.ts';

export const EXPLORER_SURFACES = ['valley', 'rosenbrock', 'rastrigin', 'ackley', 'beale', 'doublewell', 'expr'] as const;
export type ExplorerSurface = (typeof EXPLORER_SURFACES)[number];
export const EXPLORER_OPTIMIZERS = ['sgd', 'adam', 'adamw', 'nadam', 'adagrad', 'rmsprop', 'adadelta', 'lion'] as const satisfies readonly OptimizerName[];
export const EXPLORER_BACKENDS = ['auto', 'cpu', 'webgpu'] as const;

export interface ExplorerState {
  surface: ExplorerSurface;
  /** valley: condition number κ and angle θ (radians) of the rotated narrow valley. */
  condition: number;
  angle: number;
  /** doublewell: the sharp minimum's curvature over the flat one's. */
  sharpness: number;
  /** expr: a mathjs expression in x and y. */
  expr: string;
  /** Start point; empty: the surface's conventional start. */
  x0: number[] | null;
  optimizer: (typeof EXPLORER_OPTIMIZERS)[number];
  lr: number;
  /** sgd, rmsprop: momentum μ; sgd: Nesterov. */
  momentum: number;
  nesterov: boolean;
  /** adam family and lion: β₁, β₂. */
  b1: number;
  b2: number;
  weightDecay: number;
  /** DropGrad's drop rate p, its variant, and the full-update drop rate r. */
  p: number;
  gaussian: boolean;
  fullUpdateDrop: number;
  samples: number;
  steps: number;
  seed: number;
  backend: (typeof EXPLORER_BACKENDS)[number];
}

export const DEFAULT_STATE: ExplorerState = {
  surface: 'valley',
  condition: 25,
  angle: 0.5,
  sharpness: 10,
  expr: '(x - 1)^2 + 10 * (y - x^2)^2',
  x0: null,
  optimizer: 'sgd',
  lr: 0.05,
  momentum: 0,
  nesterov: false,
  b1: 0.9,
  b2: 0.999,
  weightDecay: 0,
  p: 0.3,
  gaussian: false,
  fullUpdateDrop: 0,
  samples: 10_000,
  steps: 200,
  seed: 1,
  backend: 'auto',
};

/**
 * The controls that follow the optimizer, at its own defaults (the factories' table): β₁, β₂ (Lion's β₂ is 0.99)
 * and the weight decay (AdamW's is 1e-2). A link that does not give them, and a switch of optimizer, take these.
 */
export function optimizerDefaults(o: ExplorerState['optimizer']): Pick<ExplorerState, 'b1' | 'b2' | 'weightDecay'> {
  const d = OPTIMIZER_DEFAULTS[o] as { betas?: readonly [number, number]; weightDecay: number };
  return { b1: d.betas?.[0] ?? DEFAULT_STATE.b1, b2: d.betas?.[1] ?? DEFAULT_STATE.b2, weightDecay: d.weightDecay };
}

export const usesMomentum = (o: ExplorerState['optimizer']) => o === 'sgd' || o === 'rmsprop';
export const usesBetas = (o: ExplorerState['optimizer']) => o === 'adam' || o === 'adamw' || o === 'nadam' || o === 'lion';

/** The URL keys, in the order they are written. */
const KEYS: (keyof ExplorerState)[] = ['surface', 'condition', 'angle', 'sharpness', 'expr', 'x0', 'optimizer', 'lr', 'momentum', 'nesterov', 'b1', 'b2', 'weightDecay', 'p', 'gaussian', 'fullUpdateDrop', 'samples', 'steps', 'seed', 'backend'];

/** A start point as typed (`x,y`; empty: the surface's own start), or the one-line reason it is not one. */
export function parseX0(text: string): number[] | null | string {
  const t = text.trim();
  if (t === '') return null;
  const v = t.split(',').map(Number);
  return v.length === 2 && v.every(Number.isFinite) ? v : `x0 = ${t}: expected two numbers x,y`;
}

/** The hash of a state: only what differs from the defaults, so links stay short. */
export function toHash(s: ExplorerState): string {
  const parts: string[] = [];
  const base = { ...DEFAULT_STATE, ...optimizerDefaults(s.optimizer) };
  for (const k of KEYS) {
    const v = s[k];
    if (JSON.stringify(v) === JSON.stringify(base[k])) continue;
    const text = Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    parts.push(`${k}=${encodeURIComponent(text)}`);
  }
  return parts.length ? `#${parts.join('&')}` : '';
}

/**
 * A state from a URL hash, over the defaults; `problems` names each key whose value is not usable (it keeps its
 * default). Unknown keys are reported too, so a mistyped link says so instead of silently showing the defaults.
 */
export function fromHash(hash: string): { state: ExplorerState; problems: string[] } {
  const state: ExplorerState = { ...DEFAULT_STATE };
  const problems: string[] = [];
  const text = hash.replace(/^#/, '');
  if (!text) return { state, problems };
  const s = state as unknown as Record<string, unknown>;
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    let raw: string;
    try {
      raw = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      problems.push(`${key}: not URL-encoded text`);
      continue;
    }
    if (!(KEYS as string[]).includes(key)) {
      problems.push(`${key}: not a setting of the explorer`);
      continue;
    }
    const def = (DEFAULT_STATE as unknown as Record<string, unknown>)[key];
    if (key === 'x0') {
      const v = parseX0(raw);
      if (typeof v === 'string') problems.push(v);
      else s.x0 = v;
    } else if (typeof def === 'number') {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) problems.push(`${key} = ${raw}: expected a number`);
      else s[key] = v;
    } else if (typeof def === 'boolean') {
      if (raw !== '0' && raw !== '1') problems.push(`${key} = ${raw}: expected 0 or 1`);
      else s[key] = raw === '1';
    } else if (key === 'surface' && !(EXPLORER_SURFACES as readonly string[]).includes(raw)) problems.push(`surface = ${raw}: expected ${EXPLORER_SURFACES.join(' | ')}`);
    else if (key === 'optimizer' && !(EXPLORER_OPTIMIZERS as readonly string[]).includes(raw)) problems.push(`optimizer = ${raw}: expected ${EXPLORER_OPTIMIZERS.join(' | ')}`);
    else if (key === 'backend' && !(EXPLORER_BACKENDS as readonly string[]).includes(raw)) problems.push(`backend = ${raw}: expected ${EXPLORER_BACKENDS.join(' | ')}`);
    else s[key] = raw;
  }
  // What the link leaves out of the optimizer's options is that optimizer's default.
  const given = new Set(text.split('&').map((part) => part.split('=')[0]));
  for (const [k, v] of Object.entries(optimizerDefaults(state.optimizer))) if (!given.has(k)) s[k] = v;
  return { state, problems };
}

/** The engine's problem for a state (validated by buildProblem, which names any bad value). */
export function problemOf(s: ExplorerState): ProblemConfig {
  const surface: ProblemConfig['surface'] =
    s.surface === 'valley'
      ? { kind: 'valley', condition: s.condition, angle: s.angle }
      : s.surface === 'doublewell'
        ? { kind: 'doublewell', sharpness: s.sharpness }
        : s.surface === 'expr'
          ? { kind: 'expr', expr: s.expr }
          : { kind: s.surface };
  const optimizer: ProblemConfig['optimizer'] = { name: s.optimizer, lr: s.lr, weightDecay: s.weightDecay };
  if (usesMomentum(s.optimizer)) optimizer.momentum = s.momentum;
  if (s.optimizer === 'sgd' && s.nesterov) optimizer.nesterov = true;
  if (usesBetas(s.optimizer)) optimizer.betas = [s.b1, s.b2];
  return {
    surface,
    ...(s.x0 ? { x0: s.x0 } : {}),
    optimizer,
    drop: { rate: s.p, variant: s.gaussian ? 'gaussian' : 'bernoulli', ...(s.fullUpdateDrop > 0 ? { fullUpdateDrop: s.fullUpdateDrop } : {}) },
  };
}

/** Trajectories whose paths the contour plot draws. */
export const DRAWN_PATHS = 30;

/** The simulation of a state (`samples` overrides the state's for the page's quick first ensemble). */
export function specOf(s: ExplorerState, samples = s.samples): SimulationSpec {
  return { problem: problemOf(s), samples, steps: s.steps, seed: s.seed, keepPaths: Math.min(DRAWN_PATHS, samples), bandSteps: Math.min(50, s.steps) };
}

/** A value as the shell sees it: single-quoted unless it is plain. */
const shellWord = (v: string) => (/^[\w.,:+-]+$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`);

/** The `dropgrad simulate` command that computes what the page shows (CPU engine, the same seed: the same bits). */
export function cliCommand(s: ExplorerState): string {
  const c = problemOf(s);
  const args: [string, string | number | boolean][] = [['surface', c.surface.kind]];
  if (c.surface.condition !== undefined) args.push(['condition', c.surface.condition]);
  if (c.surface.angle !== undefined) args.push(['angle', c.surface.angle]);
  if (c.surface.sharpness !== undefined) args.push(['sharpness', c.surface.sharpness]);
  if (c.surface.expr !== undefined) args.push(['expr', c.surface.expr]);
  if (c.x0) args.push(['x0', `[${c.x0.join(',')}]`]);
  args.push(['optimizer', c.optimizer.name], ['lr', String(c.optimizer.lr)]);
  if (c.optimizer.momentum !== undefined) args.push(['momentum', c.optimizer.momentum]);
  if (c.optimizer.nesterov) args.push(['nesterov', true]);
  if (c.optimizer.betas) args.push(['betas', c.optimizer.betas.join(',')]);
  // Always written: AdamW's default decay is 1e-2, the page's control may hold 0.
  args.push(['weight-decay', String(c.optimizer.weightDecay ?? 0)]);
  args.push(['drop-rate', String(c.drop?.rate ?? 0)]);
  if (s.gaussian) args.push(['gaussian', true]);
  if (c.drop?.fullUpdateDrop !== undefined) args.push(['full-update-drop', String(c.drop.fullUpdateDrop)]);
  args.push(['samples', s.samples], ['steps', s.steps], ['seed', s.seed], ['backend', 'cpu']);
  return `dropgrad simulate ${args.map(([k, v]) => (v === true ? `--${k}` : `--${k} ${shellWord(String(v))}`)).join(' ')}`;
}
