/**
 * Timings of the exact analysis (issue: exact analysis): `moments` for d = 50, 100, 200, 400 (100 steps) and
 * `stability` for d = 50, 100, 200 on dense quadratics H = Q diag(λ) Qᵀ (λ log-spaced in [1, 100], Q a random
 * rotation), with the fitted growth exponent of time vs d (least squares on log–log).
 */
import { Matrix, QrDecomposition } from 'ml-matrix';
import { lrMax, multiStepMoments } from '../src/analysis/index.ts';
import { KeyedRandom } from '../src/rng/keyed.ts';
import { logSpaced } from '../src/surfaces/index.ts';

function denseH(d: number): Matrix {
  const rng = new KeyedRandom(1234, d);
  const G = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) G.set(i, j, rng.normal(i, j));
  const Q = new QrDecomposition(G).orthogonalMatrix;
  const lam = logSpaced(d, 100);
  const H = Q.mmul(Matrix.diag(Array.from(lam))).mmul(Q.transpose());
  return H.add(H.transpose()).div(2);
}

function fitExponent(ds: number[], ts: number[]): number {
  const x = ds.map(Math.log);
  const y = ts.map(Math.log);
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return num / den;
}

function time<T>(f: () => T): [number, T] {
  const t0 = performance.now();
  const r = f();
  return [(performance.now() - t0) / 1000, r];
}

export function benchAnalysis(): void {
  console.log('\n## Exact analysis (CPU, float64, one thread)');
  // Warm up the JIT on a small problem.
  multiStepMoments({ H: denseH(20), xStar: new Float64Array(20), c: 0 }, { x0: new Array(20).fill(1), steps: 20, lr: () => 0.01, momentum: 0.9, rates: () => new Float64Array(20).fill(0.1) });
  const md = [50, 100, 200, 400];
  const mt: number[] = [];
  for (const d of md) {
    const H = denseH(d);
    const problem = { H, xStar: new Float64Array(d), c: 0 };
    const [s] = time(() =>
      multiStepMoments(problem, { x0: new Array(d).fill(1), steps: 100, lr: () => 0.01, momentum: 0.9, rates: () => new Float64Array(d).fill(0.1) }),
    );
    mt.push(s);
    console.log(`moments   d = ${String(d).padStart(3)}, 100 steps, heavy ball μ = 0.9, p = 0.1: ${s.toFixed(3)} s`);
  }
  console.log(`moments   fitted growth exponent (d = 50…400): ${fitExponent(md, mt).toFixed(2)}; on d = 100…400: ${fitExponent(md.slice(1), mt.slice(1)).toFixed(2)}`);
  const sd = [50, 100, 200];
  const st: number[] = [];
  for (const d of sd) {
    const H = denseH(d);
    const [s, r] = time(() => lrMax(H, { rates: 0.3 }));
    st.push(s);
    console.log(`stability d = ${String(d).padStart(3)}, p = 0.3: lrMax = ${r.lrMax.toPrecision(10)} (noiseless ${r.lrMaxNoiseless.toPrecision(6)}), ${r.products} products of T, ${s.toFixed(3)} s`);
  }
  console.log(`stability fitted growth exponent (d = 50…200): ${fitExponent(sd, st).toFixed(2)}`);
}
