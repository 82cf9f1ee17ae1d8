/** The exact-analysis commands end to end: JSON shapes, values against the library, one-line errors. */
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { lrMax } from '../../src/analysis/index.ts';
import { cli, cliJson } from './helpers.ts';

const H = '[[10,3],[3,1]]';

describe('analysis commands', () => {
  it('one-step → meanUpdate, covUpdate, expectedLoss, expectedLossSecondOrder (and SGD bounds)', () => {
    const r = cliJson<{ meanUpdate: number[]; covUpdate: number[][]; expectedLoss: number; expectedLossSecondOrder: number; sgd: { lrBound: number; lrBest: number } }>([
      'one-step', '--surface', 'quadratic', '--H', H, '--x0', '[1,1]', '--lr', '0.05', '--drop-rate', '0.3',
    ]);
    // SGD: E[Δ] = −ηg, Var = η²g²p/q; g = H·[1,1] = [13, 4].
    expect(r.meanUpdate).toEqual([-0.05 * 13, -0.05 * 4]);
    expect(r.covUpdate[0][0]).toBeCloseTo(0.0025 * 169 * (0.3 / 0.7), 14);
    expect(r.covUpdate[0][1]).toBe(0);
    expect(r.expectedLoss).toBeCloseTo(r.expectedLossSecondOrder, 12);
    expect(r.sgd.lrBest).toBeCloseTo(r.sgd.lrBound / 2, 15);
  });
  it('moments → mean, cov, expectedLoss; --trace adds per-step arrays', () => {
    const r = cliJson<{ mean: number[]; cov: number[][]; expectedLoss: number; trace: { mean: number[][]; expectedLoss: number[] } }>([
      'moments', '--H', H, '--x0', '[1,1]', '--lr', '0.05', '--drop-rate', '0.3', '--steps', '20', '--momentum', '0.5', '--trace',
    ]);
    expect(r.mean).toHaveLength(2);
    expect(r.cov).toHaveLength(2);
    expect(r.trace.mean).toHaveLength(21);
    expect(r.trace.expectedLoss[20]).toBe(r.expectedLoss);
  });
  it('stability → lrMax equal to the library, full float64 precision; a list of drop rates gives a curve', () => {
    const r = cliJson<{ lrMax: number }>(['stability', '--H', H, '--drop-rate', '0.3']);
    expect(r.lrMax).toBe(lrMax(new Matrix([[10, 3], [3, 1]]), { rates: 0.3 }).lrMax);
    const c = cliJson<{ curve: { dropRate: number; lrMax: number }[] }>(['stability', '--H', H, '--drop-rate', '0,0.1,0.3,0.5', '--momentum', '0.5']);
    expect(c.curve.map((x) => x.dropRate)).toEqual([0, 0.1, 0.3, 0.5]);
    for (let i = 1; i < 4; i++) expect(c.curve[i].lrMax).toBeLessThan(c.curve[i - 1].lrMax);
  });
  it('adaptive → meanUpdate, varUpdate from 2^t histories, with the law beside', () => {
    const r = cliJson<{ meanUpdate: number[]; varUpdate: number[]; histories: number; lawUpdate: number[]; deltaMethod: number[] }>([
      'adaptive', '--optimizer', 'adam', '--grad', '[1,-0.5]', '--drop-rate', '0.3', '--steps', '10',
    ]);
    expect(r.histories).toBe(1024);
    expect(r.meanUpdate[0]).toBeLessThan(0);
    expect(r.varUpdate[0]).toBeGreaterThan(0);
    expect(r.lawUpdate[0]).toBeCloseTo(-1e-3 * Math.sqrt(0.7), 8);
    expect(r.deltaMethod).toHaveLength(2);
  });
  it('reject bad input with one line', () => {
    const cases: [string[], RegExp][] = [
      [['moments', '--surface', 'rosenbrock'], /--surface = "rosenbrock" is invalid: expected quadratic, valley or least-squares/],
      [['moments', '--H', H, '--optimizer', 'adam'], /--optimizer = "adam" is invalid: expected sgd/],
      [['stability', '--H', H, '--drop-rate', '1'], /--drop-rate = "1" is invalid: expected numbers in \[0, 1\)/],
      [['stability', '--H', '[[1,2]]'], /square matrix/],
      [['adaptive', '--optimizer', 'adam', '--grad', '[1]', '--steps', '25'], /steps = 25 is invalid: expected an integer in \[1, 20\]/],
      [['adaptive', '--optimizer', 'adam'], /--grad = undefined is invalid: expected a JSON vector/],
      [['one-step', '--x', '[1]'], /x.length = 1 is invalid: expected 2/],
      [['one-step', '--x0', '[1]'], /x0.length = 1 is invalid: expected an integer in \[2, 1000000\] \(x0 sets the dimension of rosenbrock when --dim is absent\)/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('simulate command', () => {
  it('prints the documented JSON fields, the same numbers for any worker count', () => {
    const args = ['simulate', '--surface', 'quadratic', '--H', H, '--x0', '[1,1]', '--lr', '0.05', '--drop-rate', '0.3', '--steps', '20', '--samples', '3000', '--seed', '7'];
    const a = cliJson<Record<string, unknown>>([...args, '--workers', '0']);
    for (const k of ['mean', 'cov', 'stderrMean', 'meanLoss', 'stderrLoss', 'diverged', 'samples', 'seconds']) expect(a).toHaveProperty(k);
    const b = cliJson<Record<string, unknown>>([...args, '--workers', '2']);
    expect(b.mean).toEqual(a.mean);
    expect(b.cov).toEqual(a.cov);
    const u = cliJson<{ quantity: string; mean: number[] }>([...args, '--quantity', 'update']);
    expect(u.quantity).toBe('update');
    expect(u.mean).not.toEqual(a.mean);
    const r = cli([...args, '--quantity', 'gradient']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--quantity = "gradient" is invalid: expected iterate or update/);
  });
});
