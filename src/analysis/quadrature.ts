/**
 * Gauss–Hermite quadrature for a standard normal Z (probabilists' weight e^{−z²/2}/√(2π)), by Golub–Welsch:
 * the nodes are the eigenvalues of the Jacobi matrix J (J_{k,k+1} = √k, zero diagonal) and the weights the
 * squared first components of its normalised eigenvectors. An n-node rule is exact for polynomials of degree
 * ≤ 2n − 1, so E[φ(Z)] for the smooth updates of Adam, RMSprop, … converges geometrically in n.
 * Used for one-step moments under Gaussian DropGrad (docs/theory.md §0).
 */
import { EigenvalueDecomposition, Matrix } from '../matrix.ts';

const cache = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

export function gaussHermite(n: number): { nodes: Float64Array; weights: Float64Array } {
  const hit = cache.get(n);
  if (hit) return hit;
  const J = Matrix.zeros(n, n);
  for (let k = 1; k < n; k++) {
    J.set(k - 1, k, Math.sqrt(k));
    J.set(k, k - 1, Math.sqrt(k));
  }
  const e = new EigenvalueDecomposition(J, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  const nodes = Float64Array.from(e.realEigenvalues);
  const weights = Float64Array.from({ length: n }, (_, k) => V.get(0, k) ** 2);
  const total = weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < n; k++) weights[k] /= total;
  const rule = { nodes, weights };
  cache.set(n, rule);
  return rule;
}
