/**
 * Logistic regression on a data set (docs/theory.md §8): with 0/1 labels yᵢ and scores zᵢ = xᵢᵀw,
 *   f(w) = (1/n) Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ],   ∇f = Xᵀ(σ(z) − y)/n,   ∇²f = XᵀDiag(σ(z)(1 − σ(z)))X/n.
 * Not a quadratic: the Monte-Carlo engine is the tool here. Value and gradient are one row sum (rowsum.ts), from
 * which the fused kernels are generated too: per row, with e = exp(−|z|),
 *   log(1 + eᶻ) = max(z, 0) + log1p(e),   σ(z) = (z ≥ 0 ? 1 : e)/(1 + e)   (one exp, no overflow).
 * The minimiser is found by Newton's method with backtracking and is left undefined when the classes are linearly
 * separable (the loss then has no minimum).
 */
import { CholeskyDecomposition, Matrix } from '../matrix.ts';
import type { Design } from '../data/design.ts';
import { ParameterError } from '../errors.ts';
import { type Surface, generatedValue } from './surface.ts';
import { type RowSum, rowSum } from './rowsum.ts';

export interface LogisticSurface extends Surface {
  readonly design: Design;
  /** Mean log-loss and accuracy (share of rows with the predicted class σ(z) ≥ ½ equal to the label) of w on the test rows. */
  testLoss?(w: ArrayLike<number>): number;
  testAccuracy?(w: ArrayLike<number>): number;
  accuracy(w: ArrayLike<number>): number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function checkLabels(y: Float64Array, parameter: string, name: string, target: string): void {
  const i = y.findIndex((v) => v !== 0 && v !== 1);
  if (i >= 0) throw new ParameterError(parameter, name, `0/1 labels in column '${target}' (logistic regression)`, `data row ${i + 1} has ${y[i]}`);
}

function lossOf(X: Matrix, y: Float64Array) {
  const n = X.rows;
  const k = X.columns;
  const rows = X.to2DArray().map((r) => Float64Array.from(r));
  const score = (w: ArrayLike<number>, i: number) => {
    let z = 0;
    const r = rows[i];
    for (let j = 0; j < k; j++) z += r[j] * w[j];
    return z;
  };
  return {
    hessian(w: ArrayLike<number>) {
      const H = new Matrix(k, k);
      for (let i = 0; i < n; i++) {
        const s = sigmoid(score(w, i));
        const wt = (s * (1 - s)) / n;
        const r = rows[i];
        for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) H.set(a, b, H.get(a, b) + wt * r[a] * r[b]);
      }
      for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) H.set(b, a, H.get(a, b));
      return H;
    },
    /** Every row strictly on its label's side (z > 0 for 1, z < 0 for 0). */
    separates(w: ArrayLike<number>) {
      for (let i = 0; i < n; i++) {
        const z = score(w, i);
        if (y[i] === 1 ? !(z > 0) : !(z < 0)) return false;
      }
      return true;
    },
    accuracy(w: ArrayLike<number>) {
      let right = 0;
      for (let i = 0; i < n; i++) if ((score(w, i) >= 0 ? 1 : 0) === y[i]) right++;
      return right / n;
    },
  };
}

/**
 * Newton's method with backtracking from 0; undefined when it does not converge or when an iterate classifies
 * every training row correctly: then the classes are linearly separable and the loss has no minimum (it tends to
 * 0 along that direction).
 */
function newtonMinimiser(f: ReturnType<typeof lossOf>, loss: RowSum, k: number): Float64Array | undefined {
  let w = new Float64Array(k);
  const g = new Float64Array(k);
  for (let it = 0; it < 100; it++) {
    if (f.separates(w)) return undefined;
    loss.gradient(w, 0, g);
    let gmax = 0;
    for (const v of g) gmax = Math.max(gmax, Math.abs(v));
    if (gmax < 1e-13) return w;
    const ch = new CholeskyDecomposition(f.hessian(w));
    if (!ch.isPositiveDefinite()) return undefined;
    const step = ch.solve(Matrix.columnVector(Array.from(g))).getColumn(0);
    const f0 = loss.value(w, 0);
    let t = 1;
    let next = w;
    for (; t > 1e-10; t /= 2) {
      next = Float64Array.from(w, (v, j) => v - t * step[j]);
      if (loss.value(next, 0) <= f0) break;
    }
    if (t <= 1e-10) return gmax < 1e-9 ? w : undefined;
    w = next;
    if (Math.max(...Array.from(w, Math.abs)) > 1e6) return undefined;
  }
  return undefined;
}

/** The mean logistic loss of a design with 0/1 labels, with its gradient and Hessian (and the test rows' loss and accuracy when given). */
export function logisticRegression(design: Design, name = `logistic regression on ${design.target} (${design.X.rows} rows, ${design.features.length} features)`): LogisticSurface {
  checkLabels(design.y, 'data', 'the training rows', design.target);
  if (design.testY) checkLabels(design.testY, 'test', 'the test rows', design.target);
  const f = lossOf(design.X, design.y);
  const test = design.testX && design.testY ? lossOf(design.testX, design.testY) : undefined;
  const k = design.features.length;
  const loss = (X: Matrix, y: Float64Array) =>
    rowSum({
      name: 'logistic',
      X: Float64Array.from(X.to1DArray()),
      y,
      dim: k,
      constants: { N: y.length },
      lines: ['a = abs(z)', 'q = exp(-a)', 't = max(z, 0) + log1p(q) - y * z', 'e = ((z >= 0 ? 1 : q) / (1 + q) - y) / N'],
      post: 'f = s / N',
    });
  const train = loss(design.X, design.y);
  const testSum = design.testX && design.testY ? loss(design.testX, design.testY) : undefined;
  const minimizer = newtonMinimiser(f, train, k);
  const span = minimizer ? Math.max(1, ...Array.from(minimizer, Math.abs)) : 5;
  return {
    name,
    dim: k,
    design,
    rowSum: train,
    ...generatedValue(train),
    hessian: (w) => f.hessian(w),
    terms: [{ coords: Array.from({ length: k }, (_, j) => j), value: (w) => train.value(w, 0) }],
    minimizer,
    defaultStart: new Float64Array(k),
    bounds: Array.from({ length: k }, (_, j) => [(minimizer?.[j] ?? 0) - 2 * span, (minimizer?.[j] ?? 0) + 2 * span] as [number, number]),
    accuracy: (w) => f.accuracy(w),
    ...(test && testSum ? { testLoss: (w: ArrayLike<number>) => testSum.value(w, 0), testAccuracy: (w: ArrayLike<number>) => test.accuracy(w) } : {}),
  };
}
