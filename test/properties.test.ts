/**
 * Property-based tests (fast-check) of the invariants that must always hold:
 * p = 0 is the base optimizer bit for bit; the DropGrad gradient is unbiased; the two-point decomposition
 * reproduces the chain's update for every mask; schedules stay within their bounds; the same seed gives the
 * same numbers for any worker count, chunking or shard split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { updateLaw } from '../src/analysis/index.ts';
import { simulate, simulateSync } from '../src/analysis/mc/index.ts';
import {
  ALL_KEPT,
  CosineAnnealingSchedule,
  LinearSchedule,
  OPTIMIZER_NAMES,
  type OptimizerName,
  StepSchedule,
  TriangularSchedule,
  applyUpdates,
  dropGrad,
  makeOptimizer,
  maskSource,
  randomSource,
  withDropGrad,
} from '../src/optimizers/index.ts';
import { type SweepConfig, expandGrid, runCell, shardCells } from '../src/sweep/index.ts';

const finite = (min = -10, max = 10) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const vector = (d: number) => fc.array(finite(), { minLength: d, maxLength: d });
const optimizerName = fc.constantFrom(...OPTIMIZER_NAMES);
const make = (name: OptimizerName) => makeOptimizer({ name, lr: name === 'adadelta' ? 1 : 0.01, ...(name === 'sgd' ? { momentum: 0.5 } : {}) });

describe('properties', () => {
  it('p = 0: DropGrad is the base optimizer bit for bit', () => {
    fc.assert(
      fc.property(optimizerName, vector(3), fc.array(vector(3), { minLength: 1, maxLength: 6 }), fc.nat(1000), (name, x0, grads, seed) => {
        const run = (opt: ReturnType<typeof make>) => {
          const x = Float64Array.from(x0);
          let s = opt.init(x);
          grads.forEach((g, t) => {
            const [u, s2] = opt.update(Float64Array.from(g), s, x, { step: t, source: randomSource(seed, 1) });
            s = s2;
            applyUpdates(x, u);
          });
          return Array.from(x);
        };
        expect(run(withDropGrad(make(name), { rate: 0 }))).toEqual(run(make(name)));
      }),
      { numRuns: 60 },
    );
  });
  it('the DropGrad gradient is unbiased: q·(g/q) + p·0 = g', () => {
    fc.assert(
      fc.property(vector(4), fc.double({ min: 0, max: 0.999, noNaN: true }), (g, p) => {
        const law = updateLaw({ chain: dropGrad({ rate: p }), x: new Float64Array(4), grad: Float64Array.from(g) });
        g.forEach((gi, i) => {
          const mean = law.weights[0][i] * law.outcomes[0][i] + law.weights[1][i] * law.outcomes[1][i];
          expect(Math.abs(mean - gi)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(gi));
        });
      }),
      { numRuns: 200 },
    );
  });
  it('the two-point decomposition reproduces the chain update for every mask', () => {
    fc.assert(
      fc.property(optimizerName, vector(3), vector(3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.double({ min: 0.05, max: 0.9, noNaN: true }), (name, x0, g, mask, p) => {
        const chain = withDropGrad(make(name), { rate: p });
        const x = Float64Array.from(x0);
        // A non-trivial state: two warm-up steps with all coordinates kept.
        let s = chain.init(x);
        for (let t = 0; t < 2; t++) s = chain.update(Float64Array.from(g), s, x, { step: t, source: ALL_KEPT })[1];
        const law = updateLaw({ chain, state: s, x, grad: Float64Array.from(g), step: 2 });
        const [u] = chain.update(Float64Array.from(g), s, x, { step: 2, source: maskSource([[], [], mask.map(Number)]) });
        mask.forEach((kept, i) => expect(u[i]).toBe(kept ? law.kept![i] : law.dropped![i]));
      }),
      { numRuns: 100 },
    );
  });
  it('schedules stay within their bounds', () => {
    const unit = fc.double({ min: 0, max: 0.99, noNaN: true });
    const schedule = fc.oneof(
      fc.tuple(unit, unit, fc.integer({ min: 1, max: 500 })).map(([a, b, n]) => new LinearSchedule(a, b, n)),
      fc.tuple(unit, unit, fc.integer({ min: 1, max: 500 })).map(([a, b, n]) => new CosineAnnealingSchedule(a, b, n)),
      fc.tuple(unit, unit, fc.integer({ min: 1, max: 500 })).map(([a, b, n]) => new TriangularSchedule(a, b, n)),
      fc.tuple(unit, fc.dictionary(fc.integer({ min: 0, max: 1000 }).map(String), unit)).map(([a, m]) => new StepSchedule(a, m as unknown as Record<number, number>)),
    );
    fc.assert(
      fc.property(schedule, fc.integer({ min: 0, max: 5000 }), (s, t) => {
        const v = s.at(t);
        expect(v).toBeGreaterThanOrEqual(s.min);
        expect(v).toBeLessThanOrEqual(s.max);
      }),
      { numRuns: 500 },
    );
  });
  it('same seed, same numbers for any worker count and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 2), fc.integer({ min: 1, max: 3 }), fc.nat(100), async (workers, chunkBlocks, seed) => {
        const spec = { problem: { surface: { kind: 'rosenbrock' as const }, optimizer: { name: 'adam' as const, lr: 0.05 }, drop: { rate: 0.3 } }, samples: 2500, steps: 10, seed };
        const a = await simulate(spec, { workers, chunkBlocks });
        const b = simulateSync(spec);
        expect(a.perStep).toEqual(b.perStep);
        expect(a.cov).toEqual(b.cov);
      }),
      { numRuns: 4 },
    );
  });
  it('shards partition the cells, and a cell computes the same result whichever shard runs it', () => {
    const config: SweepConfig = { seed: 5, samples: 64, steps: 5, grid: { optimizer: ['sgd', 'lion'], lr: [1e-3, 1e-2], dropRate: [0, 0.2, 0.4] } };
    const cells = expandGrid(config);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), (n) => {
        const parts = Array.from({ length: n }, (_, k) => shardCells(cells, { k: k + 1, n }).map((c) => c.index));
        expect(parts.flat().sort((a, b) => a - b)).toEqual(cells.map((c) => c.index));
        const k = 1 + (n > 1 ? 1 : 0);
        const c = shardCells(cells, { k, n })[0];
        expect(JSON.stringify(runCell(c, config))).toBe(JSON.stringify(runCell(cells[c.index], config)));
      }),
      { numRuns: 7 },
    );
  });
});
