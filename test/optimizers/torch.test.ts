/**
 * Every optimizer against PyTorch's own trajectories (test/fixtures/generate_torch.py, float64).
 * Tolerance 1e-12 relative to max(1, |x|): the chains evaluate the same formulas in a different
 * association order (e.g. (m/bc1)/denom instead of (lr/bc1)·m/denom), which costs a few ulps per
 * step; 30 steps keep that below 1e-14 in practice, so 1e-12 leaves room but catches any rule error.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AnyTransformation,
  ALL_KEPT,
  CosineAnnealingSchedule,
  OPTIMIZER_NAMES,
  type OptimizerSpec,
  applyUpdates,
  makeOptimizer,
  maskSource,
  withDropGrad,
  type DropSource,
} from '../../src/optimizers/index.ts';

interface Case {
  optimizer: OptimizerSpec['name'];
  options: Record<string, unknown>;
  x0: number[];
  grads: number[][];
  trajectory: number[][];
  dropRate: number;
  masks: number[][];
  maskedTrajectory: number[][];
}

const golden = JSON.parse(readFileSync(new URL('../fixtures/torch_golden.json', import.meta.url), 'utf8')) as {
  meta: { torch: string };
  cases: Case[];
};

function build(c: Case): AnyTransformation {
  const { cosine, ...rest } = c.options as { cosine?: [number, number]; lr?: number };
  const spec = { name: c.optimizer, ...rest } as OptimizerSpec;
  if (cosine) spec.lr = new CosineAnnealingSchedule(rest.lr as number, cosine[0], cosine[1]);
  return makeOptimizer(spec);
}

function replay(opt: AnyTransformation, c: Case, source: DropSource): number[][] {
  const x = Float64Array.from(c.x0);
  let state = opt.init(x);
  const out: number[][] = [];
  c.grads.forEach((g, step) => {
    const [u, s] = opt.update(Float64Array.from(g), state, x, { step, source });
    state = s;
    applyUpdates(x, u);
    out.push(Array.from(x));
  });
  return out;
}

function maxRelDeviation(a: number[][], b: number[][]): number {
  let worst = 0;
  for (let t = 0; t < a.length; t++) {
    for (let i = 0; i < a[t].length; i++) {
      worst = Math.max(worst, Math.abs(a[t][i] - b[t][i]) / Math.max(1, Math.abs(b[t][i])));
    }
  }
  return worst;
}

describe(`optimizers reproduce PyTorch ${golden.meta.torch} trajectories (float64)`, () => {
  const deviations: string[] = [];
  for (const c of golden.cases) {
    const label = `${c.optimizer} ${JSON.stringify(c.options)}`;
    it(`${label}`, () => {
      const dev = maxRelDeviation(replay(build(c), c, ALL_KEPT), c.trajectory);
      deviations.push(`${label}: ${dev.toExponential(2)}`);
      expect(dev).toBeLessThan(1e-12);
    });
    it(`${label} with DropGrad p = ${c.dropRate} on a fixed mask sequence`, () => {
      const opt = withDropGrad(build(c), { rate: c.dropRate });
      const dev = maxRelDeviation(replay(opt, c, maskSource(c.masks)), c.maskedTrajectory);
      expect(dev).toBeLessThan(1e-12);
    });
  }
  it('covers every optimizer', () => {
    expect(new Set(golden.cases.map((c) => c.optimizer))).toEqual(new Set(OPTIMIZER_NAMES));
    // AMSGrad, for both Adam and AdamW.
    expect(golden.cases.filter((c) => c.options.amsgrad === true).map((c) => c.optimizer).sort()).toEqual(['adam', 'adamw']);
  });
});
