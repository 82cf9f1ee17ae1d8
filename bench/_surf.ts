import { simulate, defaultWorkers } from '../src/analysis/mc/index.ts';
const cases: [string, any, number[]][] = [
  ['rosenbrock', { kind: 'rosenbrock' }, [-1.5, 2]],
  ['rastrigin', { kind: 'rastrigin' }, [2.3, -1.7]],
  ['ackley', { kind: 'ackley' }, [2.5, -1.9]],
  ['beale', { kind: 'beale' }, [1, 1.5]],
  ['expr-rosenbrock', { kind: 'expr', expr: '100*(y - x^2)^2 + (1 - x)^2' }, [-1.5, 2]],
];
const workers = defaultWorkers();
for (const [name, surface, x0] of cases) {
  const spec = { problem: { surface, x0, optimizer: { name: 'sgd', lr: 1e-4, momentum: 0.9 }, drop: { rate: 0.1 } }, samples: 100000, steps: 200, seed: 1, bandSteps: 50 };
  await simulate(spec as any, { workers });
  const rates = [];
  for (let k = 0; k < 3; k++) { const r = await simulate(spec as any, { workers }); rates.push(2e7 / r.seconds); }
  rates.sort((a, b) => a - b);
  console.log(name, rates[1].toExponential(2));
}
process.exit(0);
export {};
