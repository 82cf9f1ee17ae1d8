/**
 * Which problems the WebGPU path runs, described for the WGSL generator: every built-in surface, custom mathjs
 * surfaces (WGSL generated from the expression and its symbolic gradient), every optimizer, Bernoulli and Gaussian
 * DropGrad, per-group rates, schedules and full-update drop, per-step covariances. Kept paths run on the CPU
 * engine (a reason is returned).
 */
import type { Problem } from '../problem.ts';
import type { ExpressionSurface, QuadraticSurface } from '../surfaces/index.ts';
import { expressionWgsl } from './expr.wgsl.ts';
import type { SimulationSpec } from '../analysis/mc/spec.ts';
import type { GpuOptimizer, GpuSurface, KernelSpec } from './kernel.wgsl.ts';

export function gpuKernelSpec(problem: Problem, spec: SimulationSpec): KernelSpec | string {
  const kind = problem.config.surface.kind;
  let surface: GpuSurface;
  if (kind === 'rosenbrock') surface = { kind: 'rosenbrock', a: 1, b: 100 };
  else if (kind === 'quadratic' || kind === 'valley') {
    const q = problem.surface as QuadraticSurface;
    const H = q.H.to2DArray();
    surface = { kind: 'quadratic', c: q.c, diag: H.every((row, i) => row.every((v, j) => i === j || v === 0)) };
  }
  else if (kind === 'rastrigin') surface = { kind: 'rastrigin', A: 10 };
  else if (kind === 'ackley') surface = { kind: 'ackley', a: 20, b: 0.2, c: 2 * Math.PI };
  else if (kind === 'beale') surface = { kind: 'beale' };
  else if (kind === 'expr') surface = { kind: 'expr', wgsl: expressionWgsl(problem.surface as ExpressionSurface) };
  else return `the WebGPU path has no kernel for surface ${kind}`;
  if (spec.keepPaths) return 'kept paths (keepPaths) are recorded by the CPU engine only';
  if (problem.surface.dim > 128) return `dimension ${problem.surface.dim} > 128: the WebGPU kernel keeps one gradient per thread in registers`;
  const o = problem.optimizer;
  const wd = o.weightDecay;
  let optimizer: GpuOptimizer;
  switch (o.name) {
    case 'sgd':
      optimizer = { kind: 'sgd', momentum: o.momentum ?? 0, dampening: o.dampening ?? 0, nesterov: o.nesterov ?? false, weightDecay: wd ?? 0 };
      break;
    case 'adam':
    case 'adamw':
      optimizer = { kind: 'adam', b1: o.betas?.[0] ?? 0.9, b2: o.betas?.[1] ?? 0.999, eps: o.eps ?? 1e-8, weightDecay: wd ?? (o.name === 'adamw' ? 1e-2 : 0), decoupled: o.name === 'adamw' };
      break;
    case 'adagrad':
      optimizer = { kind: 'adagrad', lrDecay: o.lrDecay ?? 0, eps: o.eps ?? 1e-10, weightDecay: wd ?? 0, initial: o.initialAccumulatorValue ?? 0 };
      break;
    case 'rmsprop':
      optimizer = { kind: 'rmsprop', alpha: o.alpha ?? 0.99, eps: o.eps ?? 1e-8, weightDecay: wd ?? 0, momentum: o.momentum ?? 0, centered: o.centered ?? false };
      break;
    case 'adadelta':
      optimizer = { kind: 'adadelta', rho: o.rho ?? 0.9, eps: o.eps ?? 1e-6, weightDecay: wd ?? 0 };
      break;
    case 'lion':
      optimizer = { kind: 'lion', b1: o.betas?.[0] ?? 0.9, b2: o.betas?.[1] ?? 0.99, weightDecay: wd ?? 0 };
      break;
  }
  return { d: problem.surface.dim, surface, optimizer, gaussian: problem.drop.variant === 'gaussian', perStepCov: spec.perStepCov ?? false };
}
