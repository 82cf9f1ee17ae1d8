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
import { rowSumWgsl } from './rowsum.wgsl.ts';
import type { SimulationSpec } from '../analysis/mc/spec.ts';
import type { GpuSurface, KernelSpec } from './kernel.wgsl.ts';
import { ruleOf } from '../optimizers/rules/index.ts';

/** FNV-1a over the numbers' float64 bytes, two independent 32-bit lanes (a 64-bit digest), as hex. */
function digest(values: readonly number[]): string {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const x of bytes) {
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x01000193) ^ (b >>> 13);
  }
  return `${values.length}:${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

export function gpuKernelSpec(problem: Problem, spec: SimulationSpec): KernelSpec | string {
  const kind = problem.config.surface.kind;
  let surface: GpuSurface;
  const dim = problem.surface.dim;
  let tablesAt = dim * dim + dim;
  if (isQuadratic(problem.surface)) {
    const q = problem.surface;
    const H = q.H.to2DArray();
    // H and x* are data of the kernel (consts), not part of its code, but cells batched together share them: the
    // digest keeps quadratics with different matrices out of one batch.
    surface = { kind: 'quadratic', c: q.c, diag: H.every((row, i) => row.every((v, j) => i === j || v === 0)), data: digest([...H.flat(), ...q.xStar]) };
  }
  else if (problem.surface.program) surface = { kind: 'generated', wgsl: programWgsl(problem.surface.program) };
  else if (problem.surface.windowSum) surface = { kind: 'generated', wgsl: windowSumWgsl(problem.surface.windowSum) };
  else if (problem.surface.rowSum) {
    const rs = problem.surface.rowSum;
    surface = { kind: 'generated', wgsl: rowSumWgsl(rs), data: digest([...rs.X, ...rs.y]) };
    tablesAt = Math.max(tablesAt, rs.X.length + rs.y.length);
  }
  else return `the WebGPU path has no kernel for surface ${kind}`;
  if (spec.keepPaths) return 'kept paths (keepPaths) are recorded by the CPU engine only';
  if (spec.keepFinal) return 'final points (keepFinal) are recorded by the CPU engine only';
  if (problem.surface.dim > 128) return `dimension ${problem.surface.dim} > 128: the WebGPU kernel keeps one gradient per thread in registers`;
  return { d: problem.surface.dim, tablesAt, surface, rule: ruleOf(problem.resolved), gaussian: problem.drop.variant === 'gaussian', perStepCov: spec.perStepCov ?? false };
}
