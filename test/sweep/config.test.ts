/** Sweep configs: the grid, seeds, hashes, and a clear message for every mistake. */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG, cellSeed, configHash, expandGrid, parseSweepConfig } from '../../src/sweep/index.ts';
import { smallConfig } from './helpers.ts';
import { runCell } from '../../src/sweep/cell.ts';
import { lrMax } from '../../src/analysis/stability.ts';
import { Matrix } from '../../src/matrix.ts';

describe('sweep configs', () => {
  it('the example is valid, has at least 100 cells of SGD, Adam and Lion on Rosenbrock', () => {
    const c = parseSweepConfig(EXAMPLE_CONFIG);
    const cells = expandGrid(c);
    expect(cells.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cells.map((x) => x.params.optimizer))).toEqual(new Set(['sgd', 'adam', 'lion']));
    expect(new Set(cells.map((x) => x.params.surface))).toEqual(new Set(['rosenbrock']));
  });
  it('cells have distinct seeds derived from (global seed, index); the hash ignores key order and formatting', () => {
    const c = parseSweepConfig(smallConfig());
    const cells = expandGrid(c);
    expect(cells).toHaveLength(24);
    expect(new Set(cells.map((x) => x.seed)).size).toBe(24);
    expect(cells[5].seed).toBe(cellSeed(3, 5));
    const reordered = JSON.parse(smallConfig());
    const again = parseSweepConfig(JSON.stringify(Object.fromEntries(Object.entries(reordered).reverse())));
    expect(configHash(again)).toBe(configHash(c));
    expect(configHash(parseSweepConfig(smallConfig({ seed: 4 })))).not.toBe(configHash(c));
  });
  it('rejects every mistake with a message naming where it is', () => {
    const base = JSON.parse(smallConfig());
    const bad: [unknown, RegExp][] = [
      [{ ...base, grid: { ...base.grid, optimizer: ['sgd', 'adamax'] } }, /config\.grid\.optimizer\.1 = "adamax" is invalid: expected must be equal to one of the allowed values: sgd, adam/],
      [{ ...base, grid: { ...base.grid, dropRate: [0.3, 1] } }, /dropRate = 1 is invalid: expected a number in \[0, 1\).*full-update drop/],
      [{ ...base, grid: { ...base.grid, dropRate: [] } }, /config\.grid\.dropRate = \[\] is invalid: expected must NOT have fewer than 1 items/],
      // Without a dim, x0 sets rosenbrock's dimension; with one, they must agree.
      [{ ...base, surface: { kind: 'rosenbrock', dim: 2 }, x0: [1, 2, 3] }, /cell c00000 .*x0\.length = 3 is invalid: expected 2/],
      [{ ...base, colour: 'red' }, /config = "\(the whole config\)" is invalid: expected must NOT have additional properties "colour"/],
      [{ ...base, samples: 0 }, /config\.samples = 0 is invalid: expected must be >= 1/],
      [{ ...base, grid: { ...base.grid, lr: { sgd: [0.1] } } }, /config\.grid\.lr\.adam = undefined is invalid: expected a list of learning rates for adam/],
      [{ ...base, grid: { ...base.grid, lr: [-0.1] } }, /lr = -0.1 is invalid: expected a finite number ≥ 0/],
      [{ ...base, optimizers: { sgd: { betas: [0.9, 0.99] } } }, /sgd has no option betas/],
      // The same validation as the CLI's (src/optimizers resolveOptimizer): seeds in range, betas a pair, options typed.
      [{ ...base, seed: 1e300 }, /config\.seed = 1e\+300 is invalid: expected must be <= 9007199254740991/],
      [{ ...base, optimizers: { adam: { betas: [0.9] } } }, /betas = "\[0\.9\]" is invalid: expected two finite numbers \[b1, b2\]/],
      [{ ...base, optimizers: { adam: { betas: [0.9, 0.999, 5] } } }, /betas = "\[0\.9, 0\.999, 5\]" is invalid/],
      [{ ...base, optimizers: { sgd: { momentum: '0.9' } } }, /momentum = "0\.9" is invalid: expected a finite number/],
      [{ ...base, optimizers: { sgd: { nesterov: 1 } } }, /nesterov = 1 is invalid: expected true or false/],
      [{ ...base, surface: { kind: 'expr', expr: 'import("fs")' } }, /calling import is not allowed/],
      [{ ...base, surface: { kind: 'expr', expr: 'x^2 + y^2 + z^2' } }, /x0\.length = 2 is invalid: expected 3/],
    ];
    for (const [config, message] of bad) expect(() => parseSweepConfig(JSON.stringify(config)), JSON.stringify(config).slice(0, 80)).toThrow(message);
    expect(() => parseSweepConfig('grid: [unclosed', 'cfg.yaml')).toThrow(/cfg.yaml = "\(file\)" is invalid: expected valid JSON or YAML/);
  });
});

describe('sweep cells on quadratics', () => {
  const config = (H: number[][], weightDecay = 0) =>
    parseSweepConfig(JSON.stringify({ name: 'q', seed: 1, samples: 64, steps: 5, surface: { kind: 'quadratic', H }, x0: [1, 1], optimizers: { sgd: { weightDecay } }, grid: { optimizer: ['sgd'], lr: [0.1], dropRate: [0.3] } }));
  it("an indefinite H runs, as in simulate; the cell's stability limit is null (no learning rate is stable), the exact moments stay", () => {
    const [cell] = expandGrid(config([[1, 0], [0, -1]]));
    const r = runCell(cell, { samples: 64, steps: 5 }) as unknown as { exact: Record<string, unknown> };
    expect(r.exact.lrMax).toBeNull();
    expect(Number.isFinite(r.exact.expectedLoss as number)).toBe(true);
  });
  it("the cell's stability limit is that of its own dynamics, weight decay included", () => {
    const H = [[10, 3], [3, 1]];
    const [cell] = expandGrid(config(H, 0.5));
    const r = runCell(cell, { samples: 64, steps: 5 }) as unknown as { exact: Record<string, unknown> };
    const expected = lrMax(new Matrix(H), { rates: new Float64Array([0.3, 0.3]), weightDecay: 0.5 }).lrMax;
    expect(r.exact.lrMax).toBe(expected);
    expect(expected).not.toBe(lrMax(new Matrix(H), { rates: new Float64Array([0.3, 0.3]) }).lrMax);
  });
});
