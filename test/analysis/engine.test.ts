/**
 * The Monte-Carlo engine: fused kernels give the same bits as the general path; results do not depend on the
 * worker count or chunking; and the simulated statistics agree with every exact result of the analysis
 * (z-scores, |z| < 4, docs/theory.md §6).
 */
import { describe, expect, it } from 'vitest';
import {
  enumerateConstantGradient,
  expectedLossExact,
  multiStepMoments,
  updateLaw,
  updateMoments,
} from '../../src/analysis/index.ts';
import { type SimulationSpec, simulate, simulateSync } from '../../src/analysis/mc/index.ts';
import { prepareWasm } from '../../src/analysis/mc/wasm/kernel.ts';
import { KeyedRandom, threshold } from '../../src/rng/keyed.ts';
import { type ProblemConfig, buildProblem } from '../../src/problem.ts';
import { expectZ, stderrVariance } from '../helpers/stats.ts';
import { dataset, splitRows } from '../../src/data/datasets.ts';

/** Iris (versicolor vs virginica), 60 training rows, for logistic regression (a sum over data rows). */
const iris = (() => {
  const d = dataset('iris');
  return splitRows(d.table, d.trainRows, d.seed).train;
})();
const logistic = (standardize: boolean): ProblemConfig['surface'] => ({ kind: 'logistic', data: iris, target: 'virginica', standardize });

/** Everything but the timing and the name of the path taken. */
const strip = ({ seconds, path, pathReason, kernel, ...rest }: { seconds: number; path: string; pathReason?: string; kernel: string }) => {
  void [seconds, path, pathReason, kernel];
  return JSON.stringify(rest);
};

const fastCases: [string, ProblemConfig][] = [
  ['SGD on Rosenbrock', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'sgd', lr: 1e-3 }, drop: { rate: 0.2 } }],
  ['heavy ball, weight decay, dampening on 3-D Rosenbrock', { surface: { kind: 'rosenbrock', dim: 3 }, optimizer: { name: 'sgd', lr: 5e-4, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }, drop: { rate: 0.3 } }],
  ['Nesterov on a dense quadratic, per-group rates, schedules', { surface: { kind: 'quadratic', H: [[10, 3], [3, 1]], xStar: [1, -1] }, x0: [2, 2], optimizer: { name: 'sgd', lr: 'cosine:0.05,0.01,20', momentum: 0.5, nesterov: true }, drop: { rate: 'linear:0.5,0.1,20', groups: { b: { indices: [1], rate: 0.6 } } } }],
  ['SGD on a diagonal quadratic with full-update drop', { surface: { kind: 'quadratic', dim: 5, condition: 100 }, x0: [1, 1, 1, 1, 1], optimizer: { name: 'sgd', lr: 0.015 }, drop: { rate: 0.25, fullUpdateDrop: 0.2 } }],
  ['Adam on Rosenbrock with L2 decay', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'adam', lr: 0.05, weightDecay: 0.01 }, drop: { rate: 0.3 } }],
  ['AdamW on a dense quadratic with full-update drop', { surface: { kind: 'valley', angle: 0.5, condition: 30 }, optimizer: { name: 'adamw', lr: 0.05, betas: [0.8, 0.99] }, drop: { rate: 0.3, fullUpdateDrop: 0.1 } }],
  ['Lion on Rosenbrock with decay', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'lion', lr: 0.01, weightDecay: 0.1 }, drop: { rate: 0.4 } }],
  ['SGD diverging on Rosenbrock', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.3 } }],
  ['SGD with full-update drop diverging on Rosenbrock (skipped lanes keep their loss)', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.3, fullUpdateDrop: 0.2 } }],
  ['SGD overflowing on a diagonal quadratic (non-finite points and losses)', { surface: { kind: 'quadratic', dim: 3, condition: 100 }, x0: [1, -1, 2], optimizer: { name: 'sgd', lr: 1e13 }, drop: { rate: 0.5 } }],
  ['Adam on a 3-D diagonal quadratic with full-update drop', { surface: { kind: 'quadratic', dim: 3, condition: 20 }, x0: [1, -1, 2], optimizer: { name: 'adam', lr: 0.05 }, drop: { rate: 0.3, fullUpdateDrop: 0.15 } }],
  ['Lion with decay, per-group rates on a 4-D diagonal quadratic', { surface: { kind: 'quadratic', dim: 4, condition: 10 }, x0: [1, 1, -1, 0.5], optimizer: { name: 'lion', lr: 0.01, weightDecay: 0.1 }, drop: { rate: 0.2, groups: { tail: { indices: [2, 3], rate: 0.5 } } } }],
  ['heavy ball on a 1-D quadratic (four steps share a block of mask words)', { surface: { kind: 'quadratic', H: [[3]], xStar: [0.5] }, x0: [2], optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, drop: { rate: 0.4 } }],
  ['Adagrad with lr decay, initial accumulator and L2 decay on Rosenbrock', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'adagrad', lr: 0.05, lrDecay: 0.01, initialAccumulatorValue: 0.1, weightDecay: 0.01 }, drop: { rate: 0.3 } }],
  ['Adagrad on a dense quadratic with full-update drop', { surface: { kind: 'valley', angle: 0.3, condition: 20 }, optimizer: { name: 'adagrad', lr: 0.1 }, drop: { rate: 0.2, fullUpdateDrop: 0.15 } }],
  ['RMSprop on Rosenbrock', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'rmsprop', lr: 1e-3 }, drop: { rate: 0.1 } }],
  ['RMSprop centered with momentum and L2 decay, full-update drop, 3-D diagonal quadratic', { surface: { kind: 'quadratic', dim: 3, condition: 10 }, x0: [1, -1, 2], optimizer: { name: 'rmsprop', lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.05, alpha: 0.9 }, drop: { rate: 0.3, fullUpdateDrop: 0.1 } }],
  ['Adadelta with L2 decay on 3-D Rosenbrock', { surface: { kind: 'rosenbrock', dim: 3 }, optimizer: { name: 'adadelta', lr: 0.5, weightDecay: 0.01 }, drop: { rate: 0.25 } }],
  ['Adadelta with full-update drop on 6-D diagonal quadratic (general d)', { surface: { kind: 'quadratic', dim: 6, condition: 30 }, x0: [1, 1, 1, -1, -1, -1], optimizer: { name: 'adadelta' }, drop: { rate: 0.3, fullUpdateDrop: 0.2 } }],
  ['AMSGrad (Adam) with L2 decay on Rosenbrock', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'adam', lr: 0.02, amsgrad: true, weightDecay: 0.01 }, drop: { rate: 0.3 } }],
  ['AMSGrad (AdamW) with full-update drop on a dense quadratic', { surface: { kind: 'quadratic', H: [[4, 1], [1, 2]], xStar: [1, 0] }, x0: [-1, 2], optimizer: { name: 'adamw', lr: 0.05, amsgrad: true }, drop: { rate: 0.4, fullUpdateDrop: 0.2 } }],
  ['NAdam on Rosenbrock', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'nadam', lr: 0.01 }, drop: { rate: 0.3 } }],
  ['NAdam with L2 decay, momentum decay and full-update drop on 5-D diagonal quadratic', { surface: { kind: 'quadratic', dim: 5, condition: 10 }, x0: [1, -1, 2, 0.5, -0.5], optimizer: { name: 'nadam', lr: 0.02, weightDecay: 0.01, momentumDecay: 0.01, betas: [0.85, 0.99] }, drop: { rate: 0.3, fullUpdateDrop: 0.1 } }],
  ['heavy ball on Rastrigin (sin and cos expanded)', { surface: { kind: 'rastrigin' }, optimizer: { name: 'sgd', lr: 2e-3, momentum: 0.9 }, drop: { rate: 0.3 } }],
  ['Adam on Ackley (exp, sqrt, the gradient at r = 0 taken as 0) with full-update drop', { surface: { kind: 'ackley' }, x0: [0, 1.2], optimizer: { name: 'adam', lr: 0.05 }, drop: { rate: 0.3, fullUpdateDrop: 0.1 } }],
  ['Adagrad on Beale', { surface: { kind: 'beale' }, optimizer: { name: 'adagrad', lr: 0.1 }, drop: { rate: 0.2 } }],
  ['RMSprop on 5-D Rastrigin (rows in a loop)', { surface: { kind: 'rastrigin', dim: 5 }, optimizer: { name: 'rmsprop', lr: 0.01 }, drop: { rate: 0.25 } }],
  ['NAdam on a custom expression calling Math functions (log, atan, a real power)', { surface: { kind: 'expr', expr: 'sin(3*x)*cos(y) + 0.1*(x^2 + y^2) + log(2 + x^2) + atan(y)/3 + (1 + x^2)^0.75' }, x0: [-0.7, 0.9], optimizer: { name: 'nadam', lr: 0.02 }, drop: { rate: 0.3 } }],
  ['SGD diverging on a custom expression (exp overflows; a coordinate goes non-finite while the loss is finite)', { surface: { kind: 'expr', expr: 'exp(-x^2) + exp(y) + z^4' }, x0: [0.3, 1, 1.5], optimizer: { name: 'sgd', lr: 0.3, momentum: 0.9 }, drop: { rate: 0.4 } }],
  ['heavy ball on the 3-D double well (a program with a shared mean)', { surface: { kind: 'doublewell', dim: 3, sharpness: 20 }, optimizer: { name: 'sgd', lr: 0.08, momentum: 0.5 }, drop: { rate: 0.4 } }],
  ['Gaussian DropGrad, heavy ball on Rosenbrock', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.3, variant: 'gaussian' } }],
  ['Gaussian DropGrad, Adam on a 5-D diagonal quadratic with a p = 0 group and a rate schedule (odd d: a half-used block of normals)', { surface: { kind: 'quadratic', dim: 5, condition: 10 }, x0: [1, -1, 2, 0.5, -0.5], optimizer: { name: 'adam', lr: 0.02 }, drop: { rate: 'linear:0.5,0.1,20', variant: 'gaussian', groups: { kept: { indices: [3], rate: 0 } } } }],
  ['Gaussian DropGrad, Lion on a dense quadratic with full-update drop', { surface: { kind: 'valley', angle: 0.4, condition: 20 }, optimizer: { name: 'lion', lr: 0.01 }, drop: { rate: 0.4, variant: 'gaussian', fullUpdateDrop: 0.2 } }],
  ['Gaussian DropGrad, RMSprop on Ackley (a program)', { surface: { kind: 'ackley' }, optimizer: { name: 'rmsprop', lr: 1e-2 }, drop: { rate: 0.3, variant: 'gaussian' } }],
  ['Gaussian DropGrad, SGD diverging on a 6-D diagonal quadratic (general d)', { surface: { kind: 'quadratic', dim: 6, condition: 30 }, x0: [1, 1, 1, -1, -1, -1], optimizer: { name: 'sgd', lr: 0.06 }, drop: { rate: 0.5, variant: 'gaussian' } }],
  ['Adam on 7-D Rosenbrock (a chain in row loops) with full-update drop', { surface: { kind: 'rosenbrock', dim: 7 }, optimizer: { name: 'adam', lr: 0.01 }, drop: { rate: 0.3, fullUpdateDrop: 0.1 } }],
  ['heavy ball on 7-D Rosenbrock diverging (a chain in row loops)', { surface: { kind: 'rosenbrock', dim: 7 }, optimizer: { name: 'sgd', lr: 2e-3, momentum: 0.9 }, drop: { rate: 0.3 } }],
  ['RMSprop on 130-D Rastrigin (a chain in row loops, above the programs\' 128 dimensions)', { surface: { kind: 'rastrigin', dim: 130 }, optimizer: { name: 'rmsprop', lr: 0.01 }, drop: { rate: 0.25 } }],
  ['Gaussian DropGrad, Lion on 6-D Rosenbrock', { surface: { kind: 'rosenbrock', dim: 6 }, optimizer: { name: 'lion', lr: 0.01 }, drop: { rate: 0.3, variant: 'gaussian' } }],
  ['Adam on logistic regression (iris, standardized: a sum over 60 data rows)', { surface: logistic(true), optimizer: { name: 'adam', lr: 0.05 }, drop: { rate: 0.3 } }],
  ['NAdam on logistic regression on 59 rows (an odd count: the last row alone)', { surface: { kind: 'logistic', data: { columns: iris.columns, rows: iris.rows.slice(0, 59) }, target: 'virginica', standardize: true }, optimizer: { name: 'nadam', lr: 0.05 }, drop: { rate: 0.3 } }],
  ['heavy ball on logistic regression (raw features) with full-update drop', { surface: logistic(false), optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, drop: { rate: 0.3, fullUpdateDrop: 0.1 } }],
  ['Gaussian DropGrad, SGD diverging on logistic regression (raw features, a huge step: the sum over rows overflows for about 2 in 3 trajectories)', { surface: logistic(false), optimizer: { name: 'sgd', lr: 1e305 }, drop: { rate: 0.5, variant: 'gaussian' } }],
  ['Nesterov with L2 decay and a drop-rate schedule on 4-D Rosenbrock', { surface: { kind: 'rosenbrock', dim: 4 }, optimizer: { name: 'sgd', lr: 2e-4, momentum: 0.8, nesterov: true, weightDecay: 0.01 }, drop: { rate: 'cosine:0.4,0.1,25' } }],
];

/** Surfaces above the programs' 128 dimensions (sums over the coordinates, in loops): fewer trajectories and steps. */
const wideCases: [string, ProblemConfig, boolean][] = [
  ['RMSprop on 130-D Ackley (sums over the coordinates) with full-update drop', { surface: { kind: 'ackley', dim: 130 }, optimizer: { name: 'rmsprop', lr: 0.01 }, drop: { rate: 0.25, fullUpdateDrop: 0.1 } }, false],
  ['heavy ball on the 129-D double well (two stages of sums: the mean, then the spread about it)', { surface: { kind: 'doublewell', dim: 129, sharpness: 20 }, optimizer: { name: 'sgd', lr: 0.08, momentum: 0.5 }, drop: { rate: 0.4 } }, false],
  ['Gaussian DropGrad, SGD on the 129-D double well, partly diverging', { surface: { kind: 'doublewell', dim: 129 }, optimizer: { name: 'sgd', lr: 0.5 }, drop: { rate: 0.4, variant: 'gaussian' } }, true],
];

/** The spec on the JavaScript kernel, the WebAssembly kernel and the general path. */
async function threePaths(spec: SimulationSpec) {
  process.env.DROPGRAD_NO_WASM = '1';
  const js = simulateSync(spec);
  delete process.env.DROPGRAD_NO_WASM;
  expect(await prepareWasm()).toBe(true);
  const wasm = simulateSync(spec);
  const general = simulateSync({ ...spec, general: true });
  return { js, wasm, general };
}

describe('fused kernels (JavaScript and WebAssembly) reproduce the general path bit for bit', () => {
  for (const [name, problem] of fastCases) {
    it(name, async () => {
      // With per-step covariances and kept paths the WebAssembly kernel returns to JavaScript after every step;
      // without, it runs all steps in one call (mask words shared by steps on 1-D and 2-D problems, reused within it).
      for (const visits of [{ perStepCov: true, keepPaths: 3 }, {}]) {
        const { js, wasm, general } = await threePaths({ problem, samples: 1500, steps: 25, seed: 5, bandSteps: 5, ...visits });
        expect([js.kernel, wasm.kernel, general.kernel]).toEqual(['js', 'wasm', 'general']);
        expect(strip(js), JSON.stringify(visits)).toBe(strip(general));
        expect(strip(wasm), JSON.stringify(visits)).toBe(strip(general));
      }
    });
  }
  it('the general path covers the rest (custom expressions above 128 variables); Gaussian DropGrad runs fused', () => {
    const expr = Array.from({ length: 129 }, (_, i) => `x${i + 1}^2`).join(' + ');
    const general: ProblemConfig = { surface: { kind: 'expr', expr }, x0: new Array(129).fill(0.5), optimizer: { name: 'rmsprop', lr: 0.01 }, drop: { rate: 0.2 } };
    const gaussian: ProblemConfig = { surface: { kind: 'rosenbrock' }, optimizer: { name: 'sgd', lr: 1e-3 }, drop: { rate: 0.2, variant: 'gaussian' } };
    for (const [problem, path] of [[general, 'general'], [gaussian, 'fused']] as const) {
      const r = simulateSync({ problem, samples: 200, steps: 10, seed: 1 });
      expect(r.path).toBe(path);
      expect(r.mean!.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('surfaces above 128 dimensions run fused too (loops), bit for bit', () => {
  for (const [name, problem, diverges] of wideCases) {
    it(name, async () => {
      const { js, wasm, general } = await threePaths({ problem, samples: 300, steps: 8, seed: 5, bandSteps: 4 });
      expect([js.kernel, wasm.kernel, general.kernel]).toEqual(['js', 'wasm', 'general']);
      expect(strip(js)).toBe(strip(general));
      expect(strip(wasm)).toBe(strip(general));
      expect(general.diverged > 0 && general.diverged < 300).toBe(diverges);
    });
  }
});

describe('the bit-identity matrix: every optimizer × every surface, JavaScript and WebAssembly kernels vs the general path', () => {
  const optimizers: ProblemConfig['optimizer'][] = [
    { name: 'sgd', lr: 1e-3 },
    { name: 'sgd', lr: 1e-3, momentum: 0.9 },
    { name: 'sgd', lr: 1e-3, momentum: 0.9, nesterov: true },
    { name: 'adam', lr: 1e-2 },
    { name: 'adamw', lr: 1e-2 },
    { name: 'adam', lr: 1e-2, amsgrad: true },
    { name: 'nadam', lr: 1e-2 },
    { name: 'adagrad', lr: 1e-2 },
    { name: 'rmsprop', lr: 1e-3 },
    { name: 'rmsprop', lr: 1e-3, centered: true, momentum: 0.9 },
    { name: 'adadelta' },
    { name: 'lion', lr: 1e-3 },
  ];
  const surfaces: [string, ProblemConfig['surface'], number[]][] = [
    ['dense quadratic', { kind: 'quadratic', H: [[4, 1], [1, 2]], xStar: [1, 0] }, [-1, 2]],
    ['diagonal quadratic', { kind: 'quadratic', dim: 3, condition: 10 }, [1, -1, 2]],
    ['Rosenbrock', { kind: 'rosenbrock' }, [-1.5, 2]],
    ['Rastrigin', { kind: 'rastrigin' }, [2.3, -1.7]],
    ['Ackley', { kind: 'ackley' }, [2.5, -1.9]],
    ['Beale', { kind: 'beale' }, [1, 1.5]],
    ['double well', { kind: 'doublewell', sharpness: 10 }, [1.1, 0.95]],
    ['a custom expression', { kind: 'expr', expr: 'sin(3*x)*cos(y) + 0.1*(x^2 + y^2) + exp(-x*y)/3 + log(2 + x^2)' }, [-0.7, 0.9]],
    ['logistic regression (iris)', logistic(true), [0.1, -0.2, 0.3, 0.05, -0.1]],
  ];
  for (const [label, surface, x0] of surfaces) {
    it(`${label}: every optimizer, with and without full-update drop`, async () => {
      for (const optimizer of optimizers) {
        for (const drop of [{ rate: 0.3 }, { rate: 0.3, fullUpdateDrop: 0.2 }]) {
          const spec: SimulationSpec = { problem: { surface, x0, optimizer, drop }, samples: 130, steps: 6, seed: 9, bandSteps: 3 };
          const { js, wasm, general } = await threePaths(spec);
          const what = `${label}, ${JSON.stringify(optimizer)}, ${JSON.stringify(drop)}`;
          expect([js.kernel, wasm.kernel, general.kernel], what).toEqual(['js', 'wasm', 'general']);
          expect(strip(js), what).toBe(strip(general));
          expect(strip(wasm), what).toBe(strip(general));
        }
      }
    });
  }
});

describe('determinism: the same seed gives the same bits for any worker count or chunking', () => {
  it('0, 1 and 2 workers, chunks of 1 and 3 blocks', async () => {
    const spec: SimulationSpec = { problem: fastCases[1][1], samples: 5000, steps: 20, seed: 9, bandSteps: 4 };
    const reference = strip(simulateSync(spec));
    for (const [workers, chunkBlocks] of [[1, 1], [2, 1], [2, 3]]) {
      expect(strip(await simulate(spec, { workers, chunkBlocks })), `${workers} workers, chunks of ${chunkBlocks}`).toBe(reference);
    }
    expect(strip(simulateSync({ ...spec, seed: 10 }))).not.toBe(reference);
  });
  it('jobs that run at the same time on the same workers (same kernel) keep their band counts apart', async () => {
    const a: SimulationSpec = { problem: fastCases[1][1], samples: 6000, steps: 12, seed: 3, bandSteps: 3 };
    const b: SimulationSpec = { ...a, seed: 4, samples: 4000, bandSteps: 6 };
    const [ra, rb] = await Promise.all([simulate(a, { workers: 2 }), simulate(b, { workers: 2 })]);
    expect(strip(ra)).toBe(strip(simulateSync(a)));
    expect(strip(rb)).toBe(strip(simulateSync(b)));
    // Sums of the band counts are the alive trajectories at each band step.
    rb.bands.steps.forEach((t, k) => expect(rb.bands.values[k].every(Number.isFinite), `band ${k}`).toBe(rb.perStep.n[t] > 0));
  });
  it('jobs of different dimensions on one kernel (its band histograms move with the layout) keep their counts apart', async () => {
    // Diagonal quadratics with d > 4 share one WebAssembly kernel, whose layout (and so the place of the band
    // histograms it holds for a job) depends on d.
    const quad = (dim: number): ProblemConfig => ({ surface: { kind: 'quadratic', dim, condition: 10 }, x0: Array(dim).fill(1), optimizer: { name: 'sgd', lr: 0.02 }, drop: { rate: 0.3 } });
    const a: SimulationSpec = { problem: quad(5), samples: 20000, steps: 10, seed: 3, bandSteps: 4 };
    const b: SimulationSpec = { problem: quad(9), samples: 16000, steps: 14, seed: 4, bandSteps: 7 };
    await simulate(a, { workers: 2 }); // started workers, so that the two jobs' blocks alternate on them
    const [ra, rb] = await Promise.all([simulate(a, { workers: 2 }), simulate(b, { workers: 2 })]);
    expect(strip(ra)).toBe(strip(simulateSync(a)));
    expect(strip(rb)).toBe(strip(simulateSync(b)));
    expect(ra.kernel).toBe('wasm');
  });
});

describe('runs longer than a chunk of steps (1024 per WebAssembly call on small problems)', () => {
  it('the same bits as the general path across chunk boundaries, with band steps in every chunk', async () => {
    const problem: ProblemConfig = { surface: { kind: 'rosenbrock' }, optimizer: { name: 'sgd', lr: 2e-4, momentum: 0.9 }, drop: { rate: 0.3 } };
    const spec: SimulationSpec = { problem, samples: 100, steps: 2100, seed: 9, bandSteps: 7 };
    expect(await prepareWasm()).toBe(true);
    const wasm = simulateSync(spec);
    const general = simulateSync({ ...spec, general: true });
    expect(wasm.kernel).toBe('wasm');
    expect(strip(wasm)).toBe(strip(general));
  });
});

describe('mask decisions whose high half ties with the threshold (the refine stream decides)', () => {
  for (const dim of [2, 6]) {
    it(`d = ${dim}: a drop rate chosen so that one trajectory's first decision is W = ⌊p·2³²⌋ exactly (kept), same bits on every path`, async () => {
      const seed = 21;
      const traj = 777;
      const w = new KeyedRandom(seed, traj).maskWord(0, 0, dim);
      const p = w / 2 ** 32;
      expect(threshold(p)).toBe(w);
      // Kept only because the refine half R reaches the threshold's low half: H alone ties.
      expect(new KeyedRandom(seed, traj).kept(0, 0, dim, w)).toBe(true);
      expect(new KeyedRandom(seed, traj).kept(0, 0, dim, w + 1)).toBe(false);
      const problem: ProblemConfig = { surface: { kind: 'quadratic', dim, condition: 10 }, x0: Array(dim).fill(1), optimizer: { name: 'sgd', lr: 0.05, momentum: 0.5 }, drop: { rate: p } };
      const { js, wasm, general } = await threePaths({ problem, samples: 1024, steps: 9, seed, keepPaths: 1000 });
      expect(strip(js)).toBe(strip(general));
      expect(strip(wasm)).toBe(strip(general));
      // Trajectory 777's first step kept coordinate 0: x₁ differs from x₀ there (both finite).
      const path = general.paths![traj];
      expect(path[0]?.[0]).toBe(1);
      expect(path[1]?.[0]).not.toBe(1);
    });
  }
});

describe('divergence is counted and excluded, never a silent NaN', () => {
  it('reports count, fraction and first step; statistics over the finite trajectories', () => {
    const r = simulateSync({ problem: fastCases[7][1], samples: 4000, steps: 200, seed: 2 });
    expect(r.diverged).toBeGreaterThan(0);
    expect(r.diverged).toBeLessThan(4000);
    expect(r.divergedFraction).toBe(r.diverged / 4000);
    expect(r.firstDivergence).toBeGreaterThan(0);
    expect(r.perStep.n[200]).toBe(4000 - r.diverged);
    expect(r.perStep.diverged.reduce((a, b) => a + b, 0)).toBe(r.diverged);
    expect([...r.mean!, ...r.cov.flat(), r.meanLoss].every(Number.isFinite)).toBe(true);
  });
});

describe('Monte-Carlo vs the exact analysis (z-scores)', () => {
  const N = 40_000;
  for (const [label, problem] of [
    ['quadratic, Adam', { surface: { kind: 'quadratic', H: [[10, 3], [3, 1]], xStar: [0.5, -1] }, x0: [1.5, 0.7], optimizer: { name: 'adam', lr: 0.1 }, drop: { rate: 0.3 } }],
    ['Rosenbrock, heavy ball (fresh state)', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.3, groups: { y: { indices: [1], rate: 0.5 } } } }],
    ['Rosenbrock, Lion with full-update drop', { surface: { kind: 'rosenbrock' }, optimizer: { name: 'lion', lr: 0.05 }, drop: { rate: 0.4, fullUpdateDrop: 0.2 } }],
  ] as [string, ProblemConfig][]) {
    it(`one step: update moments and expected loss (${label})`, () => {
      const p = buildProblem(problem);
      const law = updateLaw({ chain: p.chain, x: p.x0, grad: p.surface.gradient(p.x0) });
      const m = updateMoments(law);
      const r = simulateSync({ problem, samples: N, steps: 1, seed: 3 });
      for (let i = 0; i < p.surface.dim; i++) {
        expectZ(`E[Δ_${i}]`, r.update.mean[i], m.mean[i], r.update.stderrMean[i]);
        for (let j = 0; j <= i; j++) {
          const exact = m.cov.get(i, j);
          // Standard error of a sample covariance of independent coordinates (or a variance): from the exact law.
          const se = i === j ? stderrVariance(fourthCentral(law, i), exact, N) : Math.sqrt((m.cov.get(i, i) * m.cov.get(j, j) + exact * exact) / N);
          expectZ(`Cov(Δ_${i}, Δ_${j})`, r.update.cov[i][j], exact, se);
        }
      }
      expectZ('E f(x_1)', r.meanLoss, expectedLossExact(p.surface, p.x0, law), r.stderrLoss);
    });
  }
  for (const [label, momentum, nesterov] of [['SGD', 0, false], ['heavy ball', 0.6, false], ['Nesterov', 0.5, true]] as [string, number, boolean][]) {
    it(`multi-step moments on a quadratic: ${label}`, () => {
      const problem: ProblemConfig = { surface: { kind: 'quadratic', H: [[4, 1, 0], [1, 2, 0.5], [0, 0.5, 1]], xStar: [1, 0, -1] }, x0: [2, -1, 0.5], optimizer: { name: 'sgd', lr: 0.1, momentum, nesterov }, drop: { rate: 0.4 } };
      const T = 30;
      const exact = multiStepMoments(buildProblem(problem).surface as never, { x0: [2, -1, 0.5], steps: T, lr: () => 0.1, momentum, nesterov, rates: () => new Float64Array(3).fill(0.4) });
      const r = simulateSync({ problem, samples: 20_000, steps: T, seed: 4 });
      for (let i = 0; i < 3; i++) expectZ(`E[x_${T},${i}]`, r.mean![i], exact.mean[i], r.stderrMean[i]);
      // Variances and covariances: x_T is heavy-tailed under multiplicative noise, so the standard error of a
      // sample covariance comes from 10 independent batches (different seeds) rather than a normal-theory formula.
      const batches = Array.from({ length: 10 }, (_, k) => simulateSync({ problem, samples: 2_000, steps: T, seed: 100 + k }).cov);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j <= i; j++) {
          const v = batches.map((c) => c[i][j]);
          const m = v.reduce((a, b) => a + b, 0) / v.length;
          const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
          expectZ(`Cov(x_${T},${i}, x_${T},${j})`, m, exact.cov[i][j], sd / Math.sqrt(v.length));
        }
      }
      expectZ(`E f(x_${T})`, r.meanLoss, exact.expectedLoss, r.stderrLoss);
    });
  }
  it('adaptive constant-gradient laws: Adam and Lion at step 8 vs history enumeration', () => {
    for (const name of ['adam', 'lion'] as const) {
      const problem: ProblemConfig = { surface: { kind: 'expr', expr: 'x - 0.5*y' }, x0: [0, 0], optimizer: { name, lr: 0.1 }, drop: { rate: 0.3 } };
      const p = buildProblem(problem);
      const exact = enumerateConstantGradient(p.chain, p.x0, [1, -0.5], 8);
      const r = simulateSync({ problem, samples: 20_000, steps: 8, seed: 6 });
      for (let i = 0; i < 2; i++) {
        expectZ(`${name} E[Δ_8,${i}]`, r.update.mean[i], exact.meanUpdate[i], r.update.stderrMean[i]);
      }
    }
  });
  it('Bernoulli vs Gaussian DropGrad: same mean loss after a step on a quadratic, different loss variance (fourth moments)', () => {
    const sampleVar: number[] = [];
    const exactVar: number[] = [];
    for (const variant of ['bernoulli', 'gaussian'] as const) {
      const problem: ProblemConfig = { surface: { kind: 'quadratic', H: [[2]] }, x0: [1], optimizer: { name: 'sgd', lr: 0.3 }, drop: { rate: 0.5, variant } };
      const p = buildProblem(problem);
      const law = updateLaw({ chain: p.chain, x: p.x0, grad: p.surface.gradient(p.x0), nodes: 40 });
      // Loss outcomes f(x + Δ_k) with their weights: exact moments of the loss.
      const f = law.outcomes.map((o) => p.surface.value(Float64Array.of(p.x0[0] + o[0])));
      const w = law.weights.map((v) => v[0]);
      const m1 = f.reduce((a, v, k) => a + w[k] * v, 0);
      const c2 = f.reduce((a, v, k) => a + w[k] * (v - m1) ** 2, 0);
      const c4 = f.reduce((a, v, k) => a + w[k] * (v - m1) ** 4, 0);
      const r = simulateSync({ problem, samples: N, steps: 1, seed: 12 });
      expectZ(`${variant} E f(x_1)`, r.meanLoss, m1, r.stderrLoss);
      const s2 = r.stderrLoss ** 2 * N;
      expectZ(`${variant} Var f(x_1)`, s2, c2, stderrVariance(c4, c2, N));
      sampleVar.push(s2);
      exactVar.push(c2);
    }
    expect(Math.abs(exactVar[0] - exactVar[1]) / exactVar[0]).toBeGreaterThan(0.2);
    expect(Math.abs(sampleVar[0] - sampleVar[1]) / sampleVar[0]).toBeGreaterThan(0.2);
  });
});

/** Fourth central moment of coordinate i's update from its exact law (with full-update drop's zero outcome). */
function fourthCentral(law: ReturnType<typeof updateLaw>, i: number): number {
  const r = law.skipRate;
  const pts: [number, number][] = law.outcomes.map((o, k) => [o[i], (1 - r) * law.weights[k][i]]);
  if (r > 0) pts.push([0, r]);
  const mean = pts.reduce((a, [v, w]) => a + v * w, 0);
  return pts.reduce((a, [v, w]) => a + w * (v - mean) ** 4, 0);
}

describe('divergence threshold', () => {
  it('a loss above divergenceLoss counts as diverged, identically on every path', async () => {
    const problem: ProblemConfig = { surface: { kind: 'quadratic', H: [[10, 3], [3, 1]] }, x0: [1, 1], optimizer: { name: 'sgd', lr: 0.19 }, drop: { rate: 0.3 } };
    const spec: SimulationSpec = { problem, samples: 1500, steps: 60, seed: 8, divergenceLoss: 1e4 };
    process.env.DROPGRAD_NO_WASM = '1';
    const js = simulateSync(spec);
    delete process.env.DROPGRAD_NO_WASM;
    await prepareWasm();
    const wasm = simulateSync(spec);
    const general = simulateSync({ ...spec, general: true });
    expect(js.diverged).toBeGreaterThan(0);
    expect(simulateSync({ ...spec, divergenceLoss: undefined }).diverged).toBe(0);
    expect(strip(js)).toBe(strip(general));
    expect(strip(wasm)).toBe(strip(general));
  });
});

describe('final points (keepFinal)', () => {
  it('are the last points of the paths, in trajectory order, NaN where a trajectory diverged, the same on every path', async () => {
    // Some trajectories leave the sharp well and some overflow: both kinds of final point occur.
    const problem: ProblemConfig = { surface: { kind: 'doublewell', sharpness: 30 }, optimizer: { name: 'sgd', lr: 0.09, momentum: 0.5 }, drop: { rate: 0.5 } };
    const spec: SimulationSpec = { problem, samples: 2100, steps: 40, seed: 3, keepFinal: true, keepPaths: 2100 };
    const { js, wasm, general } = await threePaths(spec);
    for (const r of [js, wasm, general]) expect(r.finalPoints!.length).toBe(2100 * 2);
    expect(Array.from(js.finalPoints!)).toEqual(Array.from(general.finalPoints!));
    expect(Array.from(wasm.finalPoints!)).toEqual(Array.from(general.finalPoints!));
    let dead = 0;
    general.paths!.forEach((path, k) => {
      const last = path[40];
      const fin = Array.from(general.finalPoints!.subarray(2 * k, 2 * k + 2));
      if (last === null) {
        dead++;
        expect(fin.every(Number.isNaN)).toBe(true);
      } else expect(fin).toEqual(last);
    });
    expect(dead).toBe(general.diverged);
    expect(dead).toBeGreaterThan(0);
    // Worker threads give the same points.
    const pooled = await simulate(spec, { workers: 2 });
    expect(Array.from(pooled.finalPoints!)).toEqual(Array.from(general.finalPoints!));
  });
});
