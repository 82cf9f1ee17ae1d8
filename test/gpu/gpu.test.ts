/**
 * The WebGPU path, run where a machine without a GPU can run it: the WGSL kernels in Node's Dawn (npm `webgpu`;
 * OpenGL ES on Mesa's llvmpipe when no Vulkan driver is registered) and inside headless Chromium's WebGPU
 * (SwiftShader). Philox known answers on the GPU (bit-exact), GPU vs CPU engine for every optimizer ×
 * surface (f32 on the GPU vs f64 on the CPU, identical random decisions: 1e-3 relative over 8 steps), GPU
 * Monte-Carlo vs the exact moments (z-scores), and chunking that does not change a bit — on both. Under CI=true a
 * missing Chromium or Node adapter fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiStepMoments } from '../../src/analysis/index.ts';
import { HIST_BINS } from '../../src/analysis/mc/histogram.ts';
import { simulateSync } from '../../src/analysis/mc/index.ts';
import { bandStepList } from '../../src/analysis/mc/spec.ts';
import { PHILOX_WGSL } from '../../src/rng/philox.wgsl.ts';
import { type Runner, chromiumRunner, nodeRunner } from '../../src/gpu/runners.ts';
import { hasMesaEgl, nodeBackend } from '../../src/gpu/device.ts';
import { simulateGpu } from '../../src/gpu/simulate.ts';
import { chromiumAvailable } from '../../src/report/browser.ts';
import type { ProblemConfig } from '../../src/problem.ts';
import { quadratic } from '../../src/surfaces/index.ts';
import { dataset, splitRows } from '../../src/data/datasets.ts';
import { expectZ } from '../helpers/stats.ts';

if (!chromiumAvailable() && process.env.CI === 'true') throw new Error('Chromium is required under CI=true for the WebGPU tests (scripts/setup-system.sh)');
if (!nodeBackend() && process.env.CI === 'true') throw new Error("Mesa's EGL (or a Vulkan driver) is required under CI=true for Node's WebGPU tests (scripts/setup-system.sh)");

/** Logistic regression on iris's 60 training rows, standardized. */
const IRIS_LOGISTIC: ProblemConfig['surface'] = (() => {
  const d = dataset('iris');
  return { kind: 'logistic', data: splitRows(d.table, d.trainRows, d.seed).train, target: 'virginica', standardize: true };
})();

/** A GPU result without its timing and chunk count: what must not change with chunking or batching. */
const bits = ({ seconds, chunks, ...r }: { seconds: number; chunks: number }) => {
  void [seconds, chunks];
  return JSON.stringify(r);
};

const RUNNERS: [string, boolean, () => Promise<Runner | null>][] = [
  ['headless Chromium', chromiumAvailable(), chromiumRunner],
  [`Node's Dawn (${nodeBackend()})`, nodeBackend() !== null, () => nodeRunner()],
  // The fallback when no Vulkan driver or lavapipe is there: OpenGL ES on Debian's llvmpipe.
  ["Node's Dawn (opengles)", nodeBackend() !== 'opengles' && hasMesaEgl(), () => nodeRunner('opengles')],
];

for (const [where, available, makeRunner] of RUNNERS)
describe.skipIf(!available)(`WebGPU path in ${where}`, () => {
  let gpu: Runner;
  beforeAll(async () => {
    const r = await makeRunner();
    if (!r) throw new Error(`${where} exposes no WebGPU adapter`);
    gpu = r;
  }, 120_000);
  afterAll(async () => {
    await gpu?.close();
  });

  it('Philox4x32-10 known answers on the GPU, bit for bit', async () => {
    const inputs = new Uint32Array([0, 0, 0, 0, 0, 0, 0, 0, ...new Array(6).fill(0xffffffff), 0, 0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0, 0]);
    const [out] = await gpu.run({
      wgsl: `${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read_write> io: array<vec4<u32>>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) id: vec3<u32>) { io[6u + id.x] = philox(io[2u * id.x], io[2u * id.x + 1u].xy); }`,
      buffers: [{ size: 9 * 16, data: Buffer.from(new Uint8Array([...new Uint8Array(inputs.buffer), ...new Uint8Array(48)])).toString('base64') }],
      bindings: [{ binding: 0, type: 'storage', buffer: 0 }],
      submissions: [[{ entry: 'main', offset: 0, workgroups: 3 }]],
      reads: [{ buffer: 0, offset: 96, size: 48 }],
    });
    const words = new Uint32Array(Uint8Array.from(Buffer.from(out, 'base64')).buffer);
    expect(Array.from(words, (w) => w.toString(16).padStart(8, '0')).join(' ')).toBe(
      '6627e8d5 e169c58d bc57ac4c 9b00dbd8 408f276d 41c83b0e a20bc7c6 6d5451fd d16cfe09 94fdcceb 5001e420 24126ea1',
    );
  }, 60_000);

  const surfaces: [string, ProblemConfig['surface'], number[]][] = [
    ['quadratic', { kind: 'quadratic', H: [[10, 3], [3, 1]], xStar: [0.5, -1] }, [1.5, 0.7]],
    ['diagonal quadratic', { kind: 'quadratic', dim: 3, condition: 10 }, [1, -1, 0.5]],
    // d > 4: one Philox block per eight coordinates of a step (the other mask-word path of the kernel).
    ['6-D diagonal quadratic', { kind: 'quadratic', dim: 6, condition: 10 }, [1, -1, 0.5, 1, -1, 0.5]],
    ['Rosenbrock', { kind: 'rosenbrock' }, [-1.2, 1]],
    ['Rastrigin', { kind: 'rastrigin' }, [2.3, -1.7]],
    ['Ackley', { kind: 'ackley' }, [2.5, -1.9]],
    ['Beale', { kind: 'beale' }, [1, 1.5]],
    ['double well', { kind: 'doublewell', sharpness: 10 }, [1.1, 0.95]],
  ];
  const optimizers: ProblemConfig['optimizer'][] = [
    { name: 'sgd', lr: 1e-3, momentum: 0.9, weightDecay: 0.01 },
    { name: 'sgd', lr: 1e-3, momentum: 0.5, nesterov: true },
    { name: 'adam', lr: 0.01 },
    { name: 'adamw', lr: 0.01, weightDecay: 0.1 },
    { name: 'adam', lr: 0.01, amsgrad: true },
    { name: 'nadam', lr: 0.01, weightDecay: 0.01 },
    { name: 'adagrad', lr: 0.05, lrDecay: 0.01, initialAccumulatorValue: 0.1 },
    { name: 'rmsprop', lr: 0.005, momentum: 0.5, centered: true },
    { name: 'adadelta', lr: 1 },
    { name: 'lion', lr: 0.01, weightDecay: 0.1 },
  ];
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-3, Math.abs(b));
  // A row sum (the design and targets in consts, the count tables after them): three optimizers, as its kernel
  // (60 rows per step) is the slowest to run on the software adapters.
  const cases: [string, ProblemConfig['surface'], number[], ProblemConfig['optimizer'][]][] = [
    ...surfaces.map(([n, s, x]) => [n, s, x, optimizers] as [string, ProblemConfig['surface'], number[], ProblemConfig['optimizer'][]]),
    ['logistic regression (iris)', IRIS_LOGISTIC, [0.1, -0.2, 0.3, 0.05, -0.1], [optimizers[0], optimizers[2], optimizers[9]]],
  ];
  for (const [sname, surface, x0, opts] of cases) {
    it(`agrees with the CPU engine for ${opts === optimizers ? 'every optimizer' : opts.map((o) => o.name).join(', ')} on ${sname}`, async () => {
      for (const optimizer of opts) {
        const spec = { problem: { surface, x0, optimizer, drop: { rate: 0.3 } } as ProblemConfig, samples: 300, steps: 8, seed: 4, bandSteps: 2 };
        const g = await simulateGpu(spec, gpu);
        const c = simulateSync(spec);
        const label = `${optimizer.name} on ${sname}`;
        expect(g.diverged, label).toBe(c.diverged);
        g.mean!.forEach((m, i) => expect(rel(m, c.mean![i]), `${label}: E[x_${i}] ${m} vs ${c.mean![i]}`).toBeLessThan(1e-3));
        expect(rel(g.meanLoss, c.meanLoss), `${label}: mean loss`).toBeLessThan(1e-3);
        g.update.mean.forEach((m, i) => expect(Math.abs(m - c.update.mean[i]), `${label}: update ${i}`).toBeLessThan(1e-3 * Math.max(1e-3, Math.abs(c.update.mean[i])) + 1e-7));
        // Loss bands: the same bins from the f32 loss's bits; a 1e-3 relative difference moves a quantile by at most a bin or two.
        g.bands.values.forEach((row, k) =>
          row.forEach((v, q) => {
            const w = c.bands.values[k][q];
            expect(v === w || Math.abs(Math.log(v / w)) < 2 * Math.log(1 + 1 / 32) + 1e-3, `${label}: band ${k} quantile ${q}: ${v} vs ${w}`).toBe(true);
          }),
        );
      }
    }, 300_000);
  }

  it('Gaussian DropGrad, per-group rates, schedules and full-update drop agree with the CPU engine', async () => {
    for (const drop of [
      { rate: 0.3, variant: 'gaussian' as const },
      { rate: 'linear:0.5,0.1,8', groups: { y: { indices: [1], rate: 0.6 } }, fullUpdateDrop: 0.2 },
    ]) {
      const spec = { problem: { surface: { kind: 'rosenbrock' }, x0: [-1.2, 1], optimizer: { name: 'adam', lr: 'cosine:0.02,0.005,8' }, drop } as ProblemConfig, samples: 300, steps: 8, seed: 9, bandSteps: 0 };
      const g = await simulateGpu(spec, gpu);
      const c = simulateSync(spec);
      g.mean!.forEach((m, i) => expect(rel(m, c.mean![i]), `E[x_${i}] ${JSON.stringify(drop)}`).toBeLessThan(1e-3));
      expect(rel(g.meanLoss, c.meanLoss)).toBeLessThan(1e-3);
    }
  }, 120_000);

  it('per-step covariances on the device agree with the CPU engine', async () => {
    const spec = { problem: { surface: { kind: 'quadratic', H: [[4, 1], [1, 2]], xStar: [1, -1] }, x0: [2, 0.5], optimizer: { name: 'sgd', lr: 0.1, momentum: 0.5 }, drop: { rate: 0.4 } } as ProblemConfig, samples: 1000, steps: 6, seed: 3, bandSteps: 0, perStepCov: true };
    const g = await simulateGpu(spec, gpu);
    const c = simulateSync(spec);
    expect(g.perStep.cov).toHaveLength(7);
    for (let t = 1; t <= 6; t++) {
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          const a = g.perStep.cov![t][i][j];
          const b = c.perStep.cov![t][i][j];
          expect(Math.abs(a - b), `Cov(x_${t})[${i}][${j}] ${a} vs ${b}`).toBeLessThan(1e-4 * Math.max(1e-3, Math.abs(c.perStep.cov![t][i][i]), Math.abs(b)));
        }
      }
    }
  }, 120_000);

  it('the multi-step kernel (hardware GPUs) agrees with the per-step kernel and the CPU engine; its chunking changes no bit', async () => {
    // One case with divergence, full-update drop and groups (each multi-step module takes lavapipe ~20 s to compile cold).
    const cases: ProblemConfig[] = [
      { surface: { kind: 'rosenbrock' }, x0: [-1.2, 1], optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.3, fullUpdateDrop: 0.2, groups: { y: { indices: [1], rate: 0.5 } } } },
    ];
    for (const problem of cases) {
      const spec = { problem, samples: 700, steps: 40, seed: 8, bandSteps: 4, perStepCov: true, divergenceLoss: 50 };
      const multi = await simulateGpu(spec, gpu, { multiStep: true });
      const single = await simulateGpu(spec, gpu, { multiStep: false });
      const c = simulateSync(spec);
      const label = problem.optimizer.name;
      // Same trajectories (same per-trajectory arithmetic); only the record sums' order differs.
      expect(multi.diverged, label).toBe(single.diverged);
      expect(multi.diverged, `${label}: the case diverges somewhere`).toBeGreaterThan(0);
      expect(multi.perStep.n, label).toEqual(single.perStep.n);
      expect(JSON.stringify(multi.bands), label).toBe(JSON.stringify(single.bands));
      multi.mean!.forEach((m, i) => expect(rel(m, single.mean![i]), `${label}: E[x_${i}] multi vs per-step`).toBeLessThan(1e-5));
      multi.mean!.forEach((m, i) => expect(rel(m, c.mean![i]), `${label}: E[x_${i}] multi vs CPU`).toBeLessThan(1e-3));
      expect(rel(multi.meanLoss, c.meanLoss), `${label}: loss`).toBeLessThan(1e-3);
      expect(rel(multi.perStep.cov![40][0][0], c.perStep.cov![40][0][0]), `${label}: Var`).toBeLessThan(1e-3);
      expect(rel(multi.update.mean[0], c.update.mean[0]), `${label}: update`).toBeLessThan(1e-3);
      const chunked = await simulateGpu(spec, gpu, { multiStep: true, maxChunk: 256 });
      expect(chunked.chunks).toBe(3);
      expect(bits(chunked), label).toBe(bits(multi));
    }
  }, 300_000);

  it('GPU Monte-Carlo agrees with the exact multi-step moments (z-scores)', async () => {
    const H = [
      [4, 1],
      [1, 2],
    ];
    const problem: ProblemConfig = { surface: { kind: 'quadratic', H, xStar: [1, -1] }, x0: [2, 0.5], optimizer: { name: 'sgd', lr: 0.1, momentum: 0.5 }, drop: { rate: 0.4 } };
    const g = await simulateGpu({ problem, samples: 8192, steps: 15, seed: 21, bandSteps: 0 }, gpu);
    const exact = multiStepMoments(quadratic({ H, xStar: [1, -1] }), { x0: [2, 0.5], steps: 15, lr: () => 0.1, momentum: 0.5, rates: () => Float64Array.of(0.4, 0.4) });
    g.mean!.forEach((m, i) => expectZ(`GPU E[x_15,${i}]`, m, exact.mean[i], g.stderrMean[i]));
    expectZ('GPU E f(x_15)', g.meanLoss, exact.expectedLoss, g.stderrLoss);
  }, 120_000);

  it('chunking across the limits changes no bit (chunks of 256 vs one chunk, N not a multiple of 64)', async () => {
    const spec = { problem: { surface: { kind: 'rosenbrock' }, x0: [-1.2, 1], optimizer: { name: 'lion', lr: 0.01 }, drop: { rate: 0.3 } } as ProblemConfig, samples: 1000, steps: 6, seed: 2, bandSteps: 3 };
    const one = await simulateGpu(spec, gpu);
    const many = await simulateGpu(spec, gpu, { maxChunk: 256 });
    expect(one.chunks).toBe(1);
    expect(many.chunks).toBe(4);
    expect(bits(many)).toBe(bits(one));
    // Two units per plan (the counters binding holds two units' counters): the cell spans two plans, and the
    // device's fold carries its state from the first into the second.
    const unitCounterBytes = 4 * (spec.steps + 1 + bandStepList(spec).length * HIST_BINS);
    let plans = 0;
    const split = await simulateGpu(spec, gpu, { maxChunk: 256, maxBindingBytes: 2 * unitCounterBytes, onProgress: (_, total) => (plans = total) });
    expect(plans).toBe(2);
    expect(bits(split)).toBe(bits(one));
  }, 120_000);
});

describe('backend choice on the command line', () => {
  it('--backend webgpu without an adapter fails with a message that says how to get one; the JSON names the backend', async () => {
    const { cli, cliJson } = await import('../cli/helpers.ts');
    const r = cli(['simulate', '--backend', 'webgpu', '--steps', '3', '--samples', '64']);
    if (r.status === 0) expect(r.stdout).toMatch(/webgpu|E\[x_T\]/);
    else expect(r.stderr).toMatch(/--backend = "webgpu" is invalid: expected a machine with a WebGPU adapter \(no WebGPU adapter: .*chromium/);
    const cpu = cliJson<{ backend: string; adapter: string }>(['simulate', '--backend', 'cpu', '--steps', '3', '--samples', '64']);
    expect(cpu).toMatchObject({ backend: 'cpu', adapter: 'cpu' });
    expect(cli(['simulate', '--backend', 'cuda']).stderr).toMatch(/--backend = "cuda" is invalid: expected auto, cpu, webgpu or chromium/);
  }, 120_000);
  it.skipIf(!chromiumAvailable())('--backend chromium runs the WGSL kernels in headless Chromium and names the adapter', async () => {
    const { cliJson } = await import('../cli/helpers.ts');
    const r = cliJson<{ backend: string; adapter: string; mean: number[] }>(['simulate', '--backend', 'chromium', '--surface', 'quadratic', '--H', '[[4,1],[1,2]]', '--x0', '[1,1]', '--lr', '0.1', '--drop-rate', '0.3', '--steps', '5', '--samples', '512']);
    expect(r.backend).toBe('webgpu');
    expect(r.adapter).toMatch(/Chromium/);
    expect(r.mean).toHaveLength(2);
  }, 120_000);
});

describe.skipIf(!chromiumAvailable())('grid batching on the GPU', () => {
  it('a grid of learning rates × drop rates runs in one batch and gives the same bits as cell-by-cell runs', async () => {
    const { simulateGpuBatch } = await import('../../src/gpu/simulate.ts');
    const gpu = (await chromiumRunner())!;
    try {
      const specs = [0.005, 0.02].flatMap((lr) =>
        [0, 0.3, 0.6].map((rate, k) => ({ problem: { surface: { kind: 'rosenbrock' }, x0: [-1.2, 1], optimizer: { name: 'adam', lr }, drop: { rate } } as ProblemConfig, samples: 300 + 50 * k, steps: 6, seed: 10 + k, bandSteps: 2 })),
      );
      let progress = 0;
      const batch = await simulateGpuBatch(specs, gpu, { onProgress: (done) => (progress = done) });
      expect(progress).toBe(1);
      for (let i = 0; i < specs.length; i++) {
        const single = await simulateGpu(specs[i], gpu);
        expect(bits(batch[i]), `cell ${i}`).toBe(bits(single));
      }
      // The counters binding (divergence counts and band histograms per unit) limits units per plan: with room
      // for two units' counters, the six cells take three plans and give the same bits.
      const unitCounterBytes = 4 * (7 + 3 * HIST_BINS);
      let plans = 0;
      const split = await simulateGpuBatch(specs, gpu, { maxBindingBytes: 2 * unitCounterBytes, onProgress: (_, total) => (plans = total) });
      expect(plans).toBe(3);
      for (let i = 0; i < specs.length; i++) expect(bits(split[i]), `cell ${i}, three plans`).toBe(bits(batch[i]));
      await expect(simulateGpuBatch([specs[0], { ...specs[1], steps: 7 }], gpu)).rejects.toThrow(/same kernel, steps/);
      // Quadratics with different matrices (valleys of two conditions) are different kernels: a batch of them, or a
      // sweep's grouping, must not run the second on the first one's H.
      const valleys = [10, 100].map((condition) => ({ problem: { surface: { kind: 'valley', condition }, optimizer: { name: 'sgd', lr: 0.01 }, drop: { rate: 0.3 } } as ProblemConfig, samples: 256, steps: 5, seed: 1, bandSteps: 1 }));
      await expect(simulateGpuBatch(valleys, gpu)).rejects.toThrow(/same kernel, steps/);
    } finally {
      await gpu.close();
    }
  }, 180_000);
});

describe.skipIf(!chromiumAvailable())('sweeps on the GPU', () => {
  it('dropgrad sweep --backend chromium batches the cells on the device; results agree with the CPU sweep within f32', async () => {
    const { cli } = await import('../cli/helpers.ts');
    const { smallConfig, tmp, writeConfig } = await import('../sweep/helpers.ts');
    const { loadSweep } = await import('../../src/sweep/index.ts');
    const { join } = await import('node:path');
    const dir = tmp();
    const config = writeConfig(dir, smallConfig({ samples: 256, steps: 5, grid: { optimizer: ['adam', 'lion'], lr: [0.001, 0.003], dropRate: [0, 0.3] } }));
    expect(cli(['sweep', config, '--out', join(dir, 'gpu'), '--backend', 'chromium', '--quiet']).status).toBe(0);
    expect(cli(['sweep', config, '--out', join(dir, 'cpu'), '--quiet']).status).toBe(0);
    const g = loadSweep(join(dir, 'gpu')).results;
    const c = loadSweep(join(dir, 'cpu')).results;
    expect(g).toHaveLength(8);
    g.forEach((r, i) => {
      expect(r.backend).toBe('webgpu');
      const a = (r.final as { meanLoss: number }).meanLoss;
      const b = (c[i].final as { meanLoss: number }).meanLoss;
      expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-4);
    });
  }, 300_000);
});

describe.skipIf(!chromiumAvailable())('custom surfaces on the GPU', () => {
  it('WGSL generated from a mathjs expression and its symbolic gradient agrees with the CPU engine', async () => {
    const gpu = (await chromiumRunner())!;
    try {
      for (const expr of ['100*(y - x^2)^2 + (1 - x)^2', 'sin(3*x)*cos(y) + 0.1*(x^2 + y^2) + log10(2 + x^2)', 'sqrt(1 + x^2 + 2*y^2) + exp(-x*y)/3']) {
        const spec = { problem: { surface: { kind: 'expr', expr }, x0: [-0.7, 0.9], optimizer: { name: 'adam', lr: 0.01 }, drop: { rate: 0.3 } } as ProblemConfig, samples: 300, steps: 8, seed: 5, bandSteps: 0 };
        const g = await simulateGpu(spec, gpu);
        const c = simulateSync(spec);
        g.mean!.forEach((m, i) => expect(Math.abs(m - c.mean![i]) / Math.max(1e-3, Math.abs(c.mean![i])), `${expr}: E[x_${i}]`).toBeLessThan(1e-3));
        expect(Math.abs(g.meanLoss - c.meanLoss) / Math.max(1e-3, Math.abs(c.meanLoss)), `${expr}: loss`).toBeLessThan(1e-3);
      }
    } finally {
      await gpu.close();
    }
  }, 180_000);
});

describe.skipIf(!chromiumAvailable())('reports on the GPU', () => {
  it('dropgrad report with a WebGPU backend runs the sensitivity grid in one batch and records the backend', async () => {
    const { buildReport } = await import('../../src/report/build.ts');
    const { tmp } = await import('../sweep/helpers.ts');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const gpu = (await chromiumRunner())!;
    try {
      const out = tmp('dropgrad-gpu-report-');
      const r = await buildReport({ out, quick: true, sections: ['benchmarks'], gpu });
      expect(r.figures.benchmarks).toContain('sensitivity-sgd-divergence');
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/sensitivity grids on WebGPU \(google swiftshader/);
      expect(readFileSync(join(out, 'benchmarks.html'), 'utf8')).toMatch(/the WebGPU path \(google swiftshader.*\), the whole grid in one batch/);
      const fig = JSON.parse(readFileSync(join(out, 'figures', 'benchmarks', 'sensitivity-sgd-divergence.json'), 'utf8')) as { data: { z?: number[][] }[] };
      const z = fig.data[0].z!.flat();
      expect(z.some((v) => v > 0.5)).toBe(true);
      expect(z.some((v) => v === 0)).toBe(true);
    } finally {
      await gpu.close();
    }
  }, 300_000);
});
