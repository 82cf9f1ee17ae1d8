/**
 * WebGPU path throughput (issue: WebGPU batch path): masked SGD (momentum 0.9), Adam and Lion on 2-D Rosenbrock
 * and SGD on a d = 100 diagonal quadratic, statistics included, with the adapter's name, beside the CPU engine on
 * the same workloads. Adapters: Node's Dawn (a GPU, else lavapipe, plus OpenGL ES on llvmpipe); headless Chromium's
 * WebGPU (SwiftShader without a GPU).
 * Sizes: `--quick` 65,536 × 20; default 1,000,000 × 100 on a hardware adapter and on lavapipe, 262,144 × 50 on
 * SwiftShader and on OpenGL ES (llvmpipe).
 */
import { simulate } from '../src/analysis/mc/index.ts';
import { hasMesaEgl, isSoftwareAdapter, nodeBackend } from '../src/gpu/device.ts';
import { MULTI_STEP_MAX_D } from '../src/gpu/kernel.wgsl.ts';
import { chromiumRunner, nodeRunner } from '../src/gpu/runners.ts';
import { type GpuRunner, simulateGpu } from '../src/gpu/simulate.ts';
import type { ProblemConfig } from '../src/problem.ts';

export async function benchGpu(): Promise<void> {
  console.log('\n## WebGPU path');
  const quick = process.argv.includes('--quick');
  const runners: (GpuRunner & { close(): Promise<void> })[] = [];
  if (!process.argv.includes('--no-node-gpu')) {
    const node = await nodeRunner();
    if (node) runners.push(node);
    // Dawn's fallback without lavapipe: OpenGL ES on Debian's llvmpipe.
    if (nodeBackend() !== 'opengles' && hasMesaEgl()) {
      const gles = await nodeRunner('opengles');
      if (gles) runners.push(gles);
    }
  }
  const chrome = await chromiumRunner();
  if (chrome) runners.push(chrome);
  if (runners.length === 0) {
    console.log('no WebGPU adapter (neither Node nor headless Chromium): skipped');
    return;
  }
  const rosen = (name: 'sgd' | 'adam' | 'lion', lr: number, extra = {}): ProblemConfig => ({ surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer: { name, lr, ...extra }, drop: { rate: 0.1 } });
  const workloads: [string, ProblemConfig, number][] = [
    ['rosenbrock-sgd-momentum', rosen('sgd', 1e-3, { momentum: 0.9 }), 2],
    ['rosenbrock-adam', rosen('adam', 0.01), 2],
    ['rosenbrock-lion', rosen('lion', 0.001), 2],
    ['quadratic100-sgd', { surface: { kind: 'quadratic', dim: 100, condition: 100 }, x0: new Array(100).fill(1), optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 }, drop: { rate: 0.1 } }, 100],
  ];
  for (const runner of runners) {
    // The sizes (1,000,000 × 100) on hardware and on lavapipe; SwiftShader and OpenGL ES on llvmpipe are
    // 3–10× slower, so they run 262,144 × 50.
    const software = /swiftshader|OpenGL ES/i.test(runner.adapter);
    for (const [name, problem, d] of workloads) {
      let samples = quick ? 65_536 : software ? 262_144 : 1_000_000;
      let steps = quick ? 20 : software ? 50 : 100;
      if (d > 2) {
        samples = Math.max(4096, samples / 32);
        steps = Math.min(steps, 50);
      }
      const spec = { problem, samples, steps, seed: 1, bandSteps: 10 };
      const g = await simulateGpu(spec, runner);
      const c = await simulate(spec);
      const gps = (samples * steps) / g.seconds;
      const cps = (samples * steps) / c.seconds;
      console.log(`${name.padEnd(24)} ${samples} × ${steps}: WebGPU ${gps.toExponential(2)} /s (${g.seconds.toFixed(2)} s, ${runner.adapter}); CPU ${cps.toExponential(2)} /s (${c.kernel}); ratio ${(gps / cps).toFixed(2)}`);
      if (d <= MULTI_STEP_MAX_D && name === workloads[0][0]) {
        // The other kernel, for comparison: one dispatch per step on hardware, many steps per dispatch on software.
        const multi = isSoftwareAdapter(runner.adapter);
        const o = await simulateGpu(spec, runner, { multiStep: multi });
        console.log(`${''.padEnd(24)} ${multi ? 'multi-step kernel' : 'per-step kernel'}: ${((samples * steps) / o.seconds).toExponential(2)} /s (${o.seconds.toFixed(2)} s)`);
      }
    }
    await runner.close();
  }
}
