import { nodeRunner } from '../src/gpu/runners.ts';
import { simulateGpu } from '../src/gpu/simulate.ts';
const runner = (await nodeRunner())!;
console.log(runner.adapter);
let inRun = 0;
const run = runner.run.bind(runner);
runner.run = async (plan) => { const t = performance.now(); const r = await run(plan); inRun += performance.now() - t; return r; };
const spec = { problem: { surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.1 } }, samples: 1_000_000, steps: 100, seed: 1, bandSteps: 10 };
for (let k = 0; k < 2; k++) {
  inRun = 0;
  const t = performance.now();
  const g = await simulateGpu(spec as never, runner);
  const total = performance.now() - t;
  console.log(`prep ${(globalThis as any).__prep} merge ${(globalThis as any).__merge}`); (globalThis as any).__prep = 0; (globalThis as any).__merge = 0; console.log(`total ${total.toFixed(0)} ms, in run() ${inRun.toFixed(0)} ms, host outside run() ${(total - inRun).toFixed(0)} ms (${(100 * (total - inRun) / total).toFixed(1)}%), mean ${g.mean}`);
}
await runner.close();
process.exit(0);
