/**
 * Which problems the WebGPU path runs, described for the WGSL generator: every built-in surface, custom mathjs
 * surfaces (every surface with a program: WGSL generated from it, gpu/program.wgsl.ts), every optimizer, Bernoulli and Gaussian
 * DropGrad, per-group rates, schedules and full-update drop, per-step covariances. Kept paths run on the CPU
 * engine (a reason is returned).
 */
import type { Problem } from '../problem.ts';
import { isQuadratic } from '../surfaces/index.ts';
import { programWgsl } from './program.wgsl.ts';
import { windowSumWgsl } from './windowsum.wgsl.ts';
import type { SimulationSpec } from '../analysis/mc/spec.ts';
import type { GpuSurface, KernelSpec } from './kernel.wgsl.ts';
import { ruleOf } from '../optimizers/rules/index.ts';

export function gpuKernelSpec(problem: Problem, spec: SimulationSpec): KernelSpec | string {
  const kind = problem.config.surface.kind;
  let surface: GpuSurface;
  if (isQuadratic(problem.surface)) {
    const q = problem.surface;
    const H = q.H.to2DArray();
    surface = { kind: 'quadratic', c: q.c, diag: H.every((row, i) => row.every((v, j) => i === j || v === 0)) };
  }
  else if (problem.surface.program) surface = { kind: 'generated', wgsl: programWgsl(problem.surface.program) };
  else if (problem.surface.windowSum) surface = { kind: 'generated', wgsl: windowSumWgsl(problem.surface.windowSum) };
  else return `the WebGPU path has no kernel for surface ${kind}`;
  if (spec.keepPaths) return 'kept paths (keepPaths) are recorded by the CPU engine only';
  if (spec.keepFinal) return 'final points (keepFinal) are recorded by the CPU engine only';
  if (problem.surface.dim > 128) return `dimension ${problem.surface.dim} > 128: the WebGPU kernel keeps one gradient per thread in registers`;
  return { d: problem.surface.dim, surface, rule: ruleOf(problem.resolved), gaussian: problem.drop.variant === 'gaussian', perStepCov: spec.perStepCov ?? false };
}
