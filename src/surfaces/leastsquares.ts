/**
 * Least squares on a data set (docs/theory.md §8): f(w) = (1/2n) Σᵢ (xᵢᵀw − yᵢ)² over the training rows of a
 * design (src/data/design.ts). It is the quadratic ½(w − w*)ᵀH(w − w*) + c with H = XᵀX/n, w* the
 * least-squares solution and c = f(w*), so every exact result on quadratics applies; the held-out loss on the
 * test rows is the quadratic form ½wᵀAw − bᵀw + c₀ with A = X_teᵀX_te/m, b = X_teᵀy_te/m, c₀ = ‖y_te‖²/(2m).
 */
import { CholeskyDecomposition, Matrix } from '../matrix.ts';
import type { Design } from '../data/design.ts';
import { type QuadraticForm, type QuadraticSurface, evaluateForm, quadratic } from './quadratic.ts';

export interface LeastSquaresSurface extends QuadraticSurface {
  readonly design: Design;
  /** The loss on the test rows, when the design has them. */
  readonly test?: QuadraticForm;
  /** The test loss at w, when the design has test rows. */
  testLoss?(w: ArrayLike<number>): number;
  /** The ridge solution (H + λI)⁻¹ Xᵀy/n: the minimiser of f(w) + ½λ‖w‖². */
  ridge(lambda: number): Float64Array;
}

/** ½wᵀAw − bᵀw + c of the mean squared error over the rows of (X, y). */
export function squaredErrorForm(X: Matrix, y: Float64Array): QuadraticForm {
  const n = X.rows;
  const Xt = X.transpose();
  const A = Xt.mmul(X).div(n);
  const b = Float64Array.from(Xt.mmul(Matrix.columnVector(Array.from(y))).getColumn(0), (v) => v / n);
  let yy = 0;
  for (const v of y) yy += v * v;
  return { A: symmetrize(A), b, c: yy / (2 * n) };
}

function symmetrize(A: Matrix): Matrix {
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (A.get(i, j) + A.get(j, i));
      A.set(i, j, v);
      A.set(j, i, v);
    }
  }
  return A;
}

function solveSpd(A: Matrix, b: Float64Array): Float64Array {
  const ch = new CholeskyDecomposition(A);
  return Float64Array.from(ch.solve(Matrix.columnVector(Array.from(b))).getColumn(0));
}

/** The mean squared error ½‖Xw − y‖²/n of a design as a quadratic surface, with its exact minimiser (and the test rows' loss when given). */
export function leastSquares(design: Design, name = `least squares on ${design.target} (${design.X.rows} rows, ${design.features.length} features)`): LeastSquaresSurface {
  const train = squaredErrorForm(design.X, design.y);
  const xStar = solveSpd(train.A, train.b);
  const residual = design.X.mmul(Matrix.columnVector(Array.from(xStar))).getColumn(0);
  let rss = 0;
  residual.forEach((v, i) => {
    rss += (v - design.y[i]) ** 2;
  });
  const c = rss / (2 * design.X.rows);
  const q = quadratic({ H: train.A, xStar, c, name });
  const d = q.dim;
  const span = Math.max(1, ...Array.from(xStar, Math.abs));
  const test = design.testX && design.testY ? squaredErrorForm(design.testX, design.testY) : undefined;
  return {
    ...q,
    design,
    test,
    ...(test ? { testLoss: (w: ArrayLike<number>) => evaluateForm(test, w) } : {}),
    defaultStart: new Float64Array(d),
    bounds: Array.from(xStar, (v) => [v - 2 * span, v + 2 * span] as [number, number]),
    ridge(lambda: number) {
      return solveSpd(train.A.clone().add(Matrix.eye(d).mul(lambda)), train.b);
    },
  };
}
