/**
 * Linear models on data (docs/theory.md §8): the CSV loader and the design, least squares against the data it
 * came from, the exact expected train and test loss against GD's closed-form path (p = 0) and against the
 * Monte-Carlo engine (z), the ridge path, and logistic regression against finite differences.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { multiStepMoments } from '../../src/analysis/moments.ts';
import { heldOutValues, summarizeSample } from '../../src/analysis/heldout.ts';
import { simulate } from '../../src/analysis/mc/index.ts';
import { dataset, splitRows } from '../../src/data/datasets.ts';
import { designOf, INTERCEPT } from '../../src/data/design.ts';
import { parseCsv, toCsv } from '../../src/data/table.ts';
import { buildProblem } from '../../src/problem.ts';
import { evaluateForm, leastSquares, logisticRegression } from '../../src/surfaces/index.ts';
import { expectZ } from '../helpers/stats.ts';

const src = { parameter: 'data', name: 'x.csv' };
const cps = dataset('cps-1985');
const split = splitRows(cps.table, cps.trainRows, cps.seed);
const design = designOf(split.train, { target: cps.target, standardize: true, test: split.test });
const ls = leastSquares(design);

/** (1/2n) Σ (xᵢᵀw − yᵢ)² straight from the rows. */
function directLoss(X: Matrix, y: Float64Array, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < X.rows; i++) {
    let z = 0;
    for (let j = 0; j < X.columns; j++) z += X.get(i, j) * w[j];
    s += (z - y[i]) ** 2;
  }
  return s / (2 * X.rows);
}

describe('CSV tables', () => {
  it('reads quoted names, CRLF lines, a byte-order mark, blank trailing lines and exponents; writes what it reads', () => {
    const t = parseCsv('\uFEFF"a, b",c\r\n1,2e-3\r\n-.5,+4\r\n\r\n', src);
    expect(t.columns).toEqual(['a, b', 'c']);
    expect(t.rows).toEqual([[1, 0.002], [-0.5, 4]]);
    expect(parseCsv(toCsv(t), src)).toEqual(t);
  });
  it.each([
    ['a,b\n1,x\n', "line 2, column 'b': \"x\" is not a number"],
    ['a,b\n1,\n', "line 2, column 'b': the cell is empty"],
    ['a,b\n1,2\n3\n', 'line 3 has 1 cells, the header 2'],
    ['a,a\n1,2\n', "column name 'a' appears twice"],
    ['a,b\n', 'the header has no rows after it'],
    ['', 'the file is empty'],
    ['a,b\n1,"2\n', 'line'],
    ['a,b\n1,0x10\n', '"0x10" is not a number'],
    ['a,b\n1,Infinity\n', '"Infinity" is not a number'],
  ])('%j → one line naming the problem', (text, why) => {
    expect(() => parseCsv(text, src)).toThrow(why);
    try {
      parseCsv(text, src);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message).toMatch(/^data = "x\.csv" is invalid/);
    }
  });
});

describe('designs', () => {
  const t = { columns: ['a', 'y', 'b'], rows: [[1, 5, 2], [2, 6, 0], [4, 7, 1], [3, 1, 5]] };
  it('features are the non-target columns in order, then the intercept; --standardize uses the training rows only', () => {
    const test = { columns: ['a', 'y', 'b'], rows: [[10, 0, 1]] };
    const d = designOf(t, { target: 'y', standardize: true, test });
    expect(d.features).toEqual(['a', 'b', INTERCEPT]);
    expect(Array.from(d.y)).toEqual([5, 6, 7, 1]);
    // Column a: mean 2.5, population sd √1.25.
    expect(d.X.getColumn(0)).toEqual([1, 2, 4, 3].map((v) => (v - 2.5) / Math.sqrt(1.25)));
    expect(d.testX!.get(0, 0)).toBeCloseTo((10 - 2.5) / Math.sqrt(1.25), 14);
    expect(d.X.getColumn(2)).toEqual([1, 1, 1, 1]);
    expect(designOf(t, { target: 'y', intercept: false }).features).toEqual(['a', 'b']);
  });
  it.each([
    [{ target: 'z' }, t, "target = \"z\" is invalid: expected a column of inline table (its columns: a, y, b)"],
    [{ target: 'y' }, { columns: ['a', 'y', 'b'], rows: [[1, 5, 2], [2, 6, 0]] }, 'expected at least 3 rows for 3 features (a, b, (intercept))'],
    [{ target: 'y' }, { columns: ['a', 'y', 'b'], rows: [[1, 5, 2], [2, 6, 4], [3, 1, 6]] }, "column 'b' is a linear combination of the columns before it (a)"],
    [{ target: 'y' }, { columns: ['a', 'y', 'b'], rows: [[1, 5, 2], [1, 6, 4], [1, 1, 6]] }, "column '(intercept)' is a linear combination"],
    [{ target: 'y', standardize: true }, { columns: ['a', 'y', 'b'], rows: [[1, 5, 2], [1, 6, 4], [1, 1, 6]] }, "column 'a' of inline table is constant (1)"],
    [{ target: 'y', intercept: false }, { columns: ['y'], rows: [[1]] }, 'only \'y\' is there and the intercept is off'],
    [{ target: 'y', test: { columns: ['a', 'y'], rows: [[1, 2]] } }, t, "it has no column 'b'"],
  ])('refuses %j with a message naming it', (o, table, why) => {
    expect(() => designOf(table, o)).toThrow(why);
  });
});

describe('least squares on CPS 1985 (60 training rows, standardized)', () => {
  it('is the data loss: value, gradient, test loss and minimiser against the rows themselves', () => {
    expect(ls.dim).toBe(16);
    const w = Float64Array.from({ length: 16 }, (_, i) => Math.sin(i + 1));
    expect(ls.value(w)).toBeCloseTo(directLoss(design.X, design.y, w), 12);
    expect(ls.testLoss!(w)).toBeCloseTo(directLoss(design.testX!, design.testY!, w), 12);
    // ∇f = Xᵀ(Xw − y)/n.
    const r = design.X.mmul(Matrix.columnVector(Array.from(w))).sub(Matrix.columnVector(Array.from(design.y)));
    const g = design.X.transpose().mmul(r).div(design.X.rows).getColumn(0);
    const ours = ls.gradient(w);
    g.forEach((v, i) => expect(ours[i]).toBeCloseTo(v, 12));
    // The minimiser solves the normal equations and c is the loss there.
    for (const v of ls.gradient(ls.xStar)) expect(Math.abs(v)).toBeLessThan(1e-13);
    expect(ls.c).toBeCloseTo(directLoss(design.X, design.y, ls.xStar), 14);
    // The ridge solution is a stationary point of f + ½λ‖w‖².
    const wr = ls.ridge(0.1);
    ls.gradient(wr).forEach((v, i) => expect(Math.abs(v + 0.1 * wr[i])).toBeLessThan(1e-13));
  });
  it('p = 0: the exact expected train and test loss equal GD\'s closed-form path in the eigenbasis, every step', () => {
    const lr = 0.4;
    const T = 60;
    const x0 = new Float64Array(16);
    const r = multiStepMoments(ls, { x0, steps: T, lr: () => lr, rates: () => new Float64Array(16), testLoss: ls.test });
    // w_t − w* = V (I − ηΛ)^t Vᵀ (w₀ − w*), with V, Λ from ml-matrix's own eigendecomposition.
    const evd = new EigenvalueDecomposition(ls.H, { assumeSymmetric: true });
    const V = evd.eigenvectorMatrix;
    const e0 = V.transpose().mmul(Matrix.columnVector(Array.from(x0, (v, i) => v - ls.xStar[i])));
    for (let t = 0; t <= T; t++) {
      const et = Matrix.columnVector(evd.realEigenvalues.map((l, k) => (1 - lr * l) ** t * e0.get(k, 0)));
      const w = V.mmul(et).getColumn(0).map((v, i) => v + ls.xStar[i]);
      expect(r.expectedLossPerStep[t]).toBeCloseTo(directLoss(design.X, design.y, w), 12);
      expect(r.expectedTestLossPerStep![t]).toBeCloseTo(directLoss(design.testX!, design.testY!, w), 12);
    }
  });
  it('DropGrad: exact E train and E test loss against 20,000 simulated trajectories (|z| < 4), for SGD and heavy ball', async () => {
    for (const [momentum, lr, steps] of [[0, 0.3, 20], [0.5, 0.15, 15]]) {
      const config = { surface: { kind: 'least-squares' as const, data: split.train, test: split.test, target: cps.target, standardize: true }, optimizer: { name: 'sgd' as const, lr, momentum }, drop: { rate: 0.5 } };
      const p = buildProblem(config);
      const exact = multiStepMoments(ls, { x0: p.x0, steps, lr: () => lr, momentum, rates: () => new Float64Array(16).fill(0.5), testLoss: ls.test });
      const mc = await simulate({ problem: config, steps, samples: 20_000, seed: 11, keepFinal: true }, { workers: 1 });
      expectZ(`E train loss (momentum ${momentum})`, mc.meanLoss, exact.expectedLoss, mc.stderrLoss);
      const test = summarizeSample(heldOutValues(p.surface, mc.finalPoints!).loss);
      expectZ(`E test loss (momentum ${momentum})`, test.mean, exact.expectedTestLoss!, test.stderr);
    }
  });
  it('the mean path is GD\'s, so E test loss ≥ GD\'s at the same step and rate (Jensen), equality at p = 0', () => {
    const x0 = new Float64Array(16);
    const gd = multiStepMoments(ls, { x0, steps: 80, lr: () => 0.3, rates: () => new Float64Array(16), testLoss: ls.test });
    for (const p of [0.2, 0.5, 0.8]) {
      const dg = multiStepMoments(ls, { x0, steps: 80, lr: () => 0.3, rates: () => new Float64Array(16).fill(p), testLoss: ls.test });
      dg.mean.forEach((m, i) => expect(m).toBeCloseTo(gd.mean[i], 12));
      for (let t = 1; t <= 80; t++) expect(dg.expectedTestLossPerStep![t]).toBeGreaterThan(gd.expectedTestLossPerStep![t]);
    }
  });
  it('the ridge path (weight decay λ, no DropGrad) converges to the ridge solution', () => {
    const r = multiStepMoments(ls, { x0: new Float64Array(16), steps: 3000, lr: () => 0.4, weightDecay: 0.05, rates: () => new Float64Array(16), testLoss: ls.test });
    const w = ls.ridge(0.05);
    r.mean.forEach((m, i) => expect(m).toBeCloseTo(w[i], 10));
    expect(r.expectedTestLoss!).toBeCloseTo(evaluateForm(ls.test!, w), 12);
  });
});

describe('logistic regression on iris (versicolor vs virginica)', () => {
  const iris = dataset('iris');
  const s = splitRows(iris.table, iris.trainRows, iris.seed);
  const d = designOf(s.train, { target: iris.target, standardize: true, test: s.test });
  const f = logisticRegression(d);
  it('gradient and Hessian against central differences; the minimiser has zero gradient; accuracy counts rows', () => {
    const w = Float64Array.from([0.3, -0.2, 0.5, 0.1, -0.4]);
    const g = f.gradient(w);
    const H = f.hessian(w);
    const h = 1e-5;
    for (let j = 0; j < 5; j++) {
      const up = Float64Array.from(w);
      const dn = Float64Array.from(w);
      up[j] += h;
      dn[j] -= h;
      expect(g[j]).toBeCloseTo((f.value(up) - f.value(dn)) / (2 * h), 8);
      const gu = f.gradient(up);
      const gd = f.gradient(dn);
      for (let k = 0; k < 5; k++) expect(H.get(j, k)).toBeCloseTo((gu[k] - gd[k]) / (2 * h), 7);
    }
    expect(f.minimizer).toBeDefined();
    for (const v of f.gradient(f.minimizer!)) expect(Math.abs(v)).toBeLessThan(1e-12);
    const acc = f.accuracy(f.minimizer!);
    expect(acc * 60).toBeCloseTo(Math.round(acc * 60), 12);
    expect(acc).toBeGreaterThan(0.9);
    expect(f.testAccuracy!(f.minimizer!)).toBeGreaterThan(0.85);
  });
  it('separable classes have no minimiser; labels other than 0/1 are refused', () => {
    const sep = designOf({ columns: ['x', 'y'], rows: [[-2, 0], [-1, 0], [1, 1], [2, 1]] }, { target: 'y' });
    expect(logisticRegression(sep).minimizer).toBeUndefined();
    const bad = designOf({ columns: ['x', 'y'], rows: [[-2, 0], [-1, 2], [1, 1], [2, 1]] }, { target: 'y' });
    expect(() => logisticRegression(bad)).toThrow("0/1 labels in column 'y' (logistic regression) (data row 2 has 2)");
  });
});

describe('shipped data sets', () => {
  it('cps-1985: 534 rows, log_wage = ln(wage); iris: 100 rows; splits are seeded, disjoint and complete', () => {
    expect(cps.table.rows.length).toBe(534);
    expect(cps.table.columns).toHaveLength(16);
    expect(Math.exp(cps.table.rows[0][15])).toBeCloseTo(5.1, 12);
    expect(dataset('iris').table.rows.length).toBe(100);
    const again = splitRows(cps.table, 60, 1985);
    expect(again).toEqual(split);
    const other = splitRows(cps.table, 60, 7);
    expect(other.train).not.toEqual(split.train);
    const all = [...split.train.rows, ...split.test.rows].map((r) => JSON.stringify(r)).sort();
    expect(all).toEqual(cps.table.rows.map((r) => JSON.stringify(r)).sort());
    expect(() => dataset('boston')).toThrow('dataset = "boston" is invalid: expected cps-1985 | iris');
  });
});
