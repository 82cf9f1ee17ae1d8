/** The exact-analysis commands: one-step, moments, stability, adaptive (docs/theory.md §1–§4). */
import { Matrix } from '../../matrix.ts';
import { ParameterError } from '../../errors.ts';
import { type Problem, buildProblem } from '../../problem.ts';
import { ConstantSchedule, makeOptimizer, withDropGrad } from '../../optimizers/index.ts';
import { type LeastSquaresSurface, type QuadraticSurface, checkPoint, evaluateForm, isQuadratic } from '../../surfaces/index.ts';
import {
  adamDeltaMethod,
  contractionRate,
  enumerateConstantGradient,
  lawFor,
  lrMax,
  msReductionRadius,
  multiStepMoments,
  oneStep,
  type SgdFamily,
  sgdFamilyOf,
  sgdStepBounds,
  stationaryMoments,
} from '../../analysis/index.ts';
import type { Command } from '../command.ts';
import { PROBLEM_HELP, PROBLEM_OPTIONS, type Values, int, isMatrix, isVector, json, num, problemConfig } from '../flags.ts';

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(8) : String(v));
const vec = (v: ArrayLike<number>) => `[${Array.from(v, fmt).join(', ')}]`;

function quadraticOf(problem: Problem, command: string): QuadraticSurface {
  if (!isQuadratic(problem.surface)) throw new ParameterError('--surface', problem.config.surface.kind, `quadratic, valley or least-squares (${command} is exact on quadratics only; use simulate for other surfaces)`);
  return problem.surface;
}

function sgdFamily(problem: Problem, command: string): SgdFamily {
  const o = problem.resolved;
  const f = sgdFamilyOf(o);
  if ('outside' in f) {
    if (f.outside === 'optimizer') throw new ParameterError('--optimizer', o.name, `sgd (${command} covers SGD, heavy-ball momentum and Nesterov; use adaptive or simulate for ${o.name})`);
    throw new ParameterError('--dampening', o.name === 'sgd' ? o.dampening : undefined, `0 (${command} follows PyTorch's undampened momentum)`);
  }
  return f;
}

const lrSchedule = (problem: Problem) => {
  const lr = problem.resolved.lr;
  const s = typeof lr === 'number' ? new ConstantSchedule(lr) : lr;
  return (t: number) => s.at(t);
};

export const oneStepCommand: Command = {
  exact: true,
  name: 'one-step',
  usage: `dropgrad one-step [problem flags] [--x '<JSON point>'] [--json]

docs/theory.md §1–§2 at the point x (default x0), from a fresh optimizer state: the kept/dropped update of each
coordinate, the exact mean and covariance of the update, the exact expected loss after the step (enumeration
over each term's outcomes, never sampling) and its second-order (effective-curvature) approximation.
For SGD also the effective curvature H + diag(p/q)Diag(H) at x, the expected-decrease bound on the
learning rate and the best one-step learning rate.

${PROBLEM_HELP}`,
  options: { ...PROBLEM_OPTIONS, x: { type: 'string' } },
  run(values) {
    const problem = buildProblem(problemConfig(values));
    const xGiven = json<number[]>(values, 'x', isVector, 'a vector such as [0.5,1]');
    // The point must have the problem's dimension (it does not set it, as --x0 does).
    const x = xGiven ? buildProblem({ ...problem.config, x0: Array.from(checkPoint(problem.surface, xGiven, 'x')) }).x0 : problem.x0;
    const r = oneStep(problem.surface, { chain: problem.chain, x });
    const out: Record<string, unknown> = { x: Array.from(x), ...r };
    if (problem.optimizer.name === 'sgd' && !(problem.optimizer.momentum ?? 0)) {
      const rates = problem.chain.describeDrop?.(0, x.length)?.rates ?? new Float64Array(x.length);
      Object.assign(out, { sgd: sgdStepBounds(problem.surface.hessian(x), problem.surface.gradient(x), rates) });
    }
    return out;
  },
  text(result) {
    const r = result as { x: number[]; meanUpdate: number[]; covUpdate: number[][]; expectedLoss: number; expectedLossSecondOrder: number; loss: number; sgd?: { lrBound: number | null; lrBest: number | null; unbounded?: string } };
    const lines = [
      `at x = ${vec(r.x)}: f = ${fmt(r.loss)}`,
      `E[Δ] = ${vec(r.meanUpdate)}`,
      `Var(Δ) = ${vec(r.covUpdate.map((row, i) => row[i]))}`,
      `E f(x + Δ) = ${fmt(r.expectedLoss)} (exact), ${fmt(r.expectedLossSecondOrder)} (second order)`,
    ];
    if (r.sgd?.unbounded) lines.push(`SGD: ${r.sgd.unbounded}`);
    else if (r.sgd) lines.push(`SGD: expected decrease iff lr < ${fmt(r.sgd.lrBound!)}; best one-step lr ${fmt(r.sgd.lrBest!)}`);
    return lines.join('\n');
  },
};

/** moments: at most this many steps, steps·d³ (≈ a minute) and, with --trace, steps·d² numbers kept. */
const MOMENTS_MAX_STEPS = 10_000_000;
const MOMENTS_MAX_WORK = 4e9;
const MOMENTS_MAX_TRACE = 1e7;
/** adaptive: coordinates × 2^t histories (≈ 10 s). */
const ADAPTIVE_MAX_WORK = 2e7;

export const momentsCommand: Command = {
  exact: true,
  name: 'moments',
  usage: `dropgrad moments [problem flags] --steps T [--trace] [--noise-cov '<JSON matrix>'] [--stationary] [--json]

docs/theory.md §3: the exact moments of the iterate after T steps (default 100) for SGD, heavy-ball momentum
(--momentum) and Nesterov (--nesterov) under DropGrad on a quadratic, with learning-rate and drop-rate
schedules, full-update drop and optional additive gradient noise of covariance --noise-cov (masked with the
gradient). O(d³) per step. --trace adds the per-step arrays; --stationary adds the stationary law.
On --surface least-squares with --test, also the exact expected test loss (expectedTestLoss; per step with
--trace); --ridge L adds the ridge path: the same optimizer and learning rate without DropGrad and with weight
decay L (deterministic), and the ridge solution (H + L·I)⁻¹Xᵀy/n with its train and test loss.

${PROBLEM_HELP}`,
  options: {
    ...PROBLEM_OPTIONS,
    surface: { type: 'string', default: 'quadratic' },
    steps: { type: 'string' },
    trace: { type: 'boolean' },
    'noise-cov': { type: 'string' },
    stationary: { type: 'boolean' },
    ridge: { type: 'string' },
  },
  run(values) {
    const problem = buildProblem(problemConfig(values));
    const q = quadraticOf(problem, 'moments');
    const ls = 'design' in q ? (q as LeastSquaresSurface) : undefined;
    const ridge = num(values, 'ridge');
    if (ridge !== undefined && !ls) throw new ParameterError('--ridge', ridge, 'no value without --surface least-squares (the ridge path is of a regression)');
    if (ridge !== undefined && !(ridge >= 0)) throw new ParameterError('--ridge', ridge, 'a weight decay ≥ 0');
    const family = sgdFamily(problem, 'moments');
    const steps = int(values, 'steps', 0) ?? 100;
    const cost = Math.max(q.dim ** 3, 64);
    const limit = Math.min(MOMENTS_MAX_STEPS, Math.floor(MOMENTS_MAX_WORK / cost), values.trace ? Math.floor(MOMENTS_MAX_TRACE / q.dim ** 2) : Number.POSITIVE_INFINITY);
    if (steps > limit) throw new ParameterError('--steps', steps, `an integer in [0, ${limit}] for d = ${q.dim}${values.trace ? ' with --trace (every covariance is kept)' : ''}`, 'each step costs O(d³); --stationary gives the long-run law directly');
    const noise = json<number[][]>(values, 'noise-cov', isMatrix, 'a symmetric matrix such as [[0.1,0],[0,0.1]]');
    const noiseCov = noise ? new Matrix(noise) : undefined;
    const d = q.dim;
    const r = multiStepMoments(q, {
      x0: problem.x0,
      steps,
      lr: lrSchedule(problem),
      ...family,
      rates: (t) => problem.chain.describeDrop?.(t, d)?.rates ?? new Float64Array(d),
      skipRate: (t) => problem.chain.describeDrop?.(t, d)?.skipRate ?? 0,
      noiseCov,
      testLoss: ls?.test,
      trace: Boolean(values.trace),
    });
    const out: Record<string, unknown> = { mean: r.mean, cov: r.cov, expectedLoss: r.expectedLoss, steps };
    if (r.expectedTestLoss !== undefined) out.expectedTestLoss = r.expectedTestLoss;
    if (values.trace) out.trace = { ...r.trace, expectedLoss: r.expectedLossPerStep, ...(r.expectedTestLossPerStep ? { expectedTestLoss: r.expectedTestLossPerStep } : {}) };
    if (ls && ridge !== undefined) {
      const path = multiStepMoments(q, { x0: problem.x0, steps, lr: lrSchedule(problem), ...family, weightDecay: ridge, rates: () => new Float64Array(d), testLoss: ls.test });
      const w = ls.ridge(ridge);
      out.ridge = {
        weightDecay: ridge,
        x: path.mean,
        loss: path.expectedLoss,
        ...(ls.test ? { testLoss: path.expectedTestLoss } : {}),
        solution: { x: Array.from(w), loss: q.value(w), ...(ls.test ? { testLoss: evaluateForm(ls.test, w) } : {}) },
        ...(values.trace ? { trace: { loss: path.expectedLossPerStep, ...(ls.test ? { testLoss: path.expectedTestLossPerStep } : {}) } } : {}),
      };
    }
    if (values.stationary) {
      const lr = lrSchedule(problem)(steps);
      out.stationary = stationaryMoments(q, { lr, ...family, rates: problem.chain.describeDrop?.(steps, d)?.rates ?? new Float64Array(d), noiseCov });
    }
    return out;
  },
  text(result) {
    const r = result as { mean: number[]; cov: number[][]; expectedLoss: number; steps: number; expectedTestLoss?: number; ridge?: { weightDecay: number; loss: number; testLoss?: number; solution: { loss: number; testLoss?: number } } };
    const lines = [`after ${r.steps} steps:`, `E[x] = ${vec(r.mean)}`, `Cov(x) = [${r.cov.map(vec).join(', ')}]`, `E f(x) = ${fmt(r.expectedLoss)}`];
    if (r.expectedTestLoss !== undefined) lines.push(`E test loss = ${fmt(r.expectedTestLoss)}`);
    if (r.ridge) {
      const g = r.ridge;
      lines.push(`ridge path (weight decay ${g.weightDecay}, no DropGrad): loss ${fmt(g.loss)}${g.testLoss === undefined ? '' : `, test loss ${fmt(g.testLoss)}`}`);
      lines.push(`ridge solution: loss ${fmt(g.solution.loss)}${g.solution.testLoss === undefined ? '' : `, test loss ${fmt(g.solution.testLoss)}`}`);
    }
    return lines.join('\n');
  },
};

export const stabilityCommand: Command = {
  exact: true,
  name: 'stability',
  usage: `dropgrad stability --H '<JSON matrix>' --drop-rate P[,P2,…] [--momentum M] [--nesterov] [--lr X] [--json]

docs/theory.md §3: the largest learning rate for which E‖x_t − x*‖² → 0, through the d×d reduction of the
mean-square operator (bisection to 1e-10 relative). Several comma-separated drop rates give a curve.
With --lr, also the mean-square contraction rate per step at that learning rate.
Without --H, the quadratic of the problem flags (--surface quadratic|valley) is used.`,
  options: { ...PROBLEM_OPTIONS, 'drop-rate': { type: 'string' }, surface: { type: 'string', default: 'quadratic' } },
  run(values: Values) {
    const rates = String(values['drop-rate'] ?? '0')
      .split(',')
      .map((s) => {
        const v = Number(s);
        if (s.trim() === '' || !(v >= 0 && v < 1)) throw new ParameterError('--drop-rate', s, 'numbers in [0, 1)', 'a drop rate of 1 would divide the kept gradients by 0; to skip whole steps use --full-update-drop');
        return v;
      });
    const problem = buildProblem(problemConfig({ ...values, 'drop-rate': undefined }));
    const q = quadraticOf(problem, 'stability');
    const family = sgdFamily(problem, 'stability');
    const lr = num(values, 'lr');
    const curve = rates.map((p) => {
      const r = lrMax(q.H, { rates: p, ...family });
      const out: Record<string, number> = { dropRate: p, lrMax: r.lrMax, lrMaxNoiseless: r.lrMaxNoiseless };
      if (lr !== undefined) {
        const c = contractionRate(q.H, lr, { rates: p, ...family });
        out.contractionRate = c.rate;
        out.reductionRadius = msReductionRadius(q.H, lr, { rates: p, ...family }).radius;
      }
      return out;
    });
    return curve.length === 1 ? { ...curve[0], momentum: family.momentum, nesterov: family.nesterov } : { lrMax: curve[0].lrMax, curve, momentum: family.momentum, nesterov: family.nesterov };
  },
  text(result) {
    type Row = { dropRate: number; lrMax: number; contractionRate?: number };
    const r = result as { curve?: Row[] } & Row;
    const rows: Row[] = r.curve ?? [r];
    const rate = (c: Row) => (c.contractionRate === undefined ? '' : `; at the given lr, E‖x_t − x*‖² contracts by ${fmt(c.contractionRate)} per step${c.contractionRate >= 1 ? ' (≥ 1: it grows)' : ''}`);
    return rows.map((c) => `p = ${c.dropRate}: largest mean-square stable lr ${fmt(c.lrMax)}${rate(c)}`).join('\n');
  },
};

export const adaptiveCommand: Command = {
  exact: true,
  name: 'adaptive',
  usage: `dropgrad adaptive --optimizer adam|adamw|nadam|adagrad|rmsprop|adadelta|lion|sgd --grad '<JSON>' --drop-rate P --steps t [--json]

docs/theory.md §4: exact mean and variance of the update at step t (≤ 20) by enumerating the 2^t mask histories
(3^t with --full-update-drop), beside the leading-order law: √(1 − p) times the step without DropGrad
(Adam, AdamW, AMSGrad, NAdam, Adagrad, RMSprop, Adadelta), −η sign(g)(1 − p^t) (Lion without weight decay), −ηg (SGD); for Adam also the
second-order delta-method value. --x0 sets the parameters (default 0; they matter for weight decay).

${PROBLEM_HELP}`,
  options: { ...PROBLEM_OPTIONS, grad: { type: 'string' }, steps: { type: 'string' } },
  run(values) {
    const g = json<number[]>(values, 'grad', isVector, 'a vector such as [1,-0.5]');
    if (!g) throw new ParameterError('--grad', undefined, 'a JSON vector (required)');
    const steps = int(values, 'steps', 1) ?? 10;
    const d = g.length;
    if (steps <= 20 && d * 2 ** steps > ADAPTIVE_MAX_WORK) throw new ParameterError('--steps', steps, `an integer in [1, ${Math.floor(Math.log2(ADAPTIVE_MAX_WORK / d))}] for a ${d}-coordinate gradient`, `coordinates × 2^steps ≤ ${ADAPTIVE_MAX_WORK.toExponential(0)} mask histories; use simulate beyond enumeration`);
    const config = problemConfig(values);
    const problem = buildProblem({ ...config, surface: { kind: 'quadratic', H: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))) }, x0: config.x0 ?? new Array(d).fill(0) });
    const x0 = problem.x0;
    const exact = enumerateConstantGradient(problem.chain, x0, g, steps);
    const noDrop = enumerateConstantGradient(withDropGrad(makeOptimizer(problem.optimizer), { rate: 0 }), x0, g, steps).meanUpdate;
    const p = problem.chain.describeDrop?.(steps - 1, d)?.rates ?? new Float64Array(d);
    const name = problem.optimizer.name;
    const law = lawFor(name);
    const lr = lrSchedule(problem)(steps - 1);
    const lawValues = Array.from(noDrop, (v, i) => {
      if (law === 'sqrt-q') return Math.sqrt(1 - p[i]) * v;
      // Lion without DropGrad steps −η sign(g) every time; with it, (1 − p^t) times that (docs/theory.md §6).
      if (law === 'lion-follow') return (1 - p[i] ** steps) * v;
      return v;
    });
    const out: Record<string, unknown> = {
      optimizer: name,
      steps,
      grad: g,
      meanUpdate: Array.from(exact.meanUpdate),
      varUpdate: Array.from(exact.varUpdate),
      histories: exact.histories,
      noDropUpdate: Array.from(noDrop),
      law,
      lawUpdate: lawValues,
      ratioToNoDrop: Array.from(exact.meanUpdate, (m, i) => (noDrop[i] === 0 ? null : m / noDrop[i])),
    };
    if (name === 'adam' || name === 'adamw') {
      const [b1, b2] = problem.optimizer.betas ?? [0.9, 0.999];
      out.deltaMethod = g.map((gi, i) => adamDeltaMethod(gi, p[i], steps, lr, b1, b2));
    }
    return out;
  },
  text(result) {
    const r = result as { optimizer: string; steps: number; meanUpdate: number[]; varUpdate: number[]; lawUpdate: number[]; ratioToNoDrop: (number | null)[] };
    return [
      `${r.optimizer}, update at step ${r.steps} under a constant gradient:`,
      `E[Δ] = ${vec(r.meanUpdate)} (exact)`,
      `Var(Δ) = ${vec(r.varUpdate)}`,
      `leading-order law: ${vec(r.lawUpdate)}`,
      `ratio to the step without DropGrad: ${r.ratioToNoDrop.map((v) => (v === null ? '—' : fmt(v))).join(', ')}`,
    ].join('\n');
  },
};
