/**
 * Minima selection (docs/theory.md §7): minima and Hessians against closed forms and finite differences, the
 * mean-square limit against the full d²×d² second-moment operator, the Lyapunov exponent's Monte-Carlo against its
 * closed form, a deterministic spectral radius and a quadrature, and basin shares against a direct simulation of the
 * links classified by the double well's exact separatrix.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { lrMaxAlmostSure, lyapunovExponent } from '../../src/analysis/lyapunov.ts';
import { assignBasins, findMinima } from '../../src/analysis/minima.ts';
import { basinShares, minimaReport } from '../../src/analysis/selection.ts';
import { lrMax } from '../../src/analysis/stability.ts';
import { runTrajectory } from '../../src/analysis/trajectory.ts';
import { buildProblem, divergenceLimit, type ProblemConfig } from '../../src/problem.ts';
import { doubleWell } from '../../src/surfaces/index.ts';
import { cli, cliJson } from '../cli/helpers.ts';
import { expectZ } from '../helpers/stats.ts';

/** The maximum of the well profile between its minima: the root of 4s + (r − 1)(s + 1)²(3s − 1)/2 in (0, 1/3). */
function separatrix(r: number): number {
  const h = (s: number) => 4 * s + ((r - 1) * (s + 1) ** 2 * (3 * s - 1)) / 2;
  let lo = 0;
  let hi = 1 / 3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (h(mid) < 0) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** ρ(E[A ⊗ A]) for SGD's A = I − η D H with independent Bernoulli multipliers D_ii ∈ {0, 1/(1 − pᵢ)}: d² × d², built entry by entry. */
function fullOperatorRadius(H: Matrix, lr: number, p: number[]): number {
  const d = H.rows;
  const E = (i: number, j: number) => (i === j ? 1 / (1 - p[i]) : 1);
  const op = Matrix.zeros(d * d, d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++)
      for (let k = 0; k < d; k++)
        for (let l = 0; l < d; l++) {
          const v = (i === k && j === l ? 1 : 0) - lr * (j === l ? H.get(i, k) : 0) - lr * (i === k ? H.get(j, l) : 0) + lr * lr * E(i, j) * H.get(i, k) * H.get(j, l);
          op.set(i * d + j, k * d + l, v);
        }
  const e = new EigenvalueDecomposition(op);
  return Math.max(...e.realEigenvalues.map((re, k) => Math.hypot(re, e.imaginaryEigenvalues[k])));
}

describe('minima', () => {
  for (const [d, r] of [
    [1, 5],
    [2, 10],
    [5, 40],
  ]) {
    it(`double well d = ${d}, r = ${r}: exactly the two minima ±𝟙, Hessians I and I + (r − 1)uuᵀ, matching finite differences`, () => {
      const s = doubleWell(d, r);
      const found = findMinima(s);
      expect(found.minima.length).toBe(2);
      const [flat, sharp] = [...found.minima].sort((a, b) => a.sharpness - b.sharpness);
      for (let i = 0; i < d; i++) {
        expect(flat.x[i]).toBeCloseTo(-1, 10);
        expect(sharp.x[i]).toBeCloseTo(1, 10);
      }
      expect(flat.sharpness).toBeCloseTo(1, 9);
      expect(sharp.sharpness).toBeCloseTo(r, 8);
      for (const m of [flat, sharp]) {
        const g0 = s.gradient(m.x, new Float64Array(d));
        for (let i = 0; i < d; i++) {
          expect(Math.abs(g0[i])).toBeLessThan(1e-12);
          const a = Float64Array.from(m.x);
          const b = Float64Array.from(m.x);
          a[i] += 1e-6;
          b[i] -= 1e-6;
          const ga = s.gradient(a, new Float64Array(d));
          const gb = s.gradient(b, new Float64Array(d));
          for (let j = 0; j < d; j++) expect(Math.abs((ga[j] - gb[j]) / 2e-6 - m.hessian.get(i, j))).toBeLessThan(1e-7 * r);
        }
        const closed = m === flat ? 1 : r;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(m.hessian.get(i, j)).toBeCloseTo((i === j ? 1 : 0) + (closed - 1) / d, 10);
      }
    });
  }

  it('rejects saddles and maxima, counts them, and merges duplicates', () => {
    const s = buildProblem({ surface: { kind: 'expr', expr: 'x^4/4 - x^2/2 + y^2/2 - z^2/2 + z^4/4' }, x0: [0.5, 0, 0.5], optimizer: { name: 'sgd' } }).surface;
    // (0, 0, 0) is a maximum along x and z, (1, 0, 0) a saddle (z), (1, 0, 1) and (1, 0.1, 0.9) the same minimum.
    const found = findMinima(s, { starts: [[0, 0, 0], [1, 0, 0], [1, 0, 1], [1, 0.1, 0.9], [-1.2, 0.3, -0.8]] });
    expect(found.rejected.saddles).toBe(2);
    expect(found.minima.map((m) => Array.from(m.x, (v) => Math.round(v) + 0)).sort((a, b) => a[0] - b[0])).toEqual([
      [-1, 0, -1],
      [1, 0, 1],
    ]);
  });

  it('the mean-square limit on each minimum straddles ρ = 1 of the full d²×d² second-moment operator (dense sharp Hessian, per-group rates)', () => {
    const problem = buildProblem({ surface: { kind: 'doublewell', dim: 3, sharpness: 12 }, optimizer: { name: 'sgd', lr: 0.1 }, drop: { rate: 0.3, groups: { a: { indices: [2], rate: 0.6 } } } });
    const report = minimaReport(problem, { almostSure: false });
    expect(report.minima.length).toBe(2);
    expect(report.sharpnessRatio).toBeCloseTo(12, 8);
    for (const m of report.minima) {
      const H = new Matrix(m.hessian);
      const eta = m.lrMax!;
      expect(fullOperatorRadius(H, eta * (1 - 1e-6), [0.3, 0.3, 0.6])).toBeLessThan(1);
      expect(fullOperatorRadius(H, eta * (1 + 1e-6), [0.3, 0.3, 0.6])).toBeGreaterThan(1);
    }
    // The flat minimum's Hessian is I: its limit is 2(1 − p) of the most-dropped coordinate.
    expect(report.minima.find((m) => m.sharpness < 2)!.lrMax).toBeCloseTo(2 * 0.4, 8);
  });
});

describe('Lyapunov exponent', () => {
  it('Monte-Carlo agrees with the closed form (diagonal H, weight decay, per-coordinate rates, full-update drop)', () => {
    const H = Matrix.diag([4, 1, 0.5]);
    const o = { lr: 0.4, rates: Float64Array.of(0.3, 0.6, 0), weightDecay: 0.1, skipRate: 0.2 };
    const exact = lyapunovExponent(H, o);
    expect(exact.method).toBe('exact');
    const mc = lyapunovExponent(H, o, { monteCarlo: true, chains: 32, steps: 6000, seed: 4 });
    expectZ('λ (diagonal)', mc.exponent, exact.exponent, mc.stderr);
  });

  it('without noise it is log ρ(M) of the deterministic heavy-ball matrix', () => {
    const h = 3;
    const lr = 0.2;
    const mu = 0.7;
    // z = (x, b): b' = μb + h x, x' = x − η b' → M = [[1 − ηh, −ημ], [h, μ]].
    const M = new Matrix([
      [1 - lr * h, -lr * mu],
      [h, mu],
    ]);
    const e = new EigenvalueDecomposition(M);
    const rho = Math.max(...e.realEigenvalues.map((re, k) => Math.hypot(re, e.imaginaryEigenvalues[k])));
    const mc = lyapunovExponent(new Matrix([[h]]), { lr, rates: Float64Array.of(0), momentum: mu }, { steps: 20000 });
    expect(Math.abs(mc.exponent - Math.log(rho))).toBeLessThan(2e-3);
  });

  it('Gaussian DropGrad: Monte-Carlo agrees with E log|1 − ηh(1 + σξ)| by quadrature, and its almost-sure limit exceeds the mean-square one', () => {
    const h = 2;
    const p = 0.4;
    const lr = 0.6;
    const sigma = Math.sqrt(p / (1 - p));
    // Trapezoid over ξ ∈ [−12, 12]: the logarithmic singularity is integrable (error O(δ log δ)).
    const n = 2_000_000;
    const dx = 24 / n;
    let q = 0;
    for (let k = 0; k <= n; k++) {
      const xi = -12 + k * dx;
      const v = Math.abs(1 - lr * h * (1 + sigma * xi));
      q += (k === 0 || k === n ? 0.5 : 1) * Math.exp(-xi * xi / 2) * (v > 0 ? Math.log(v) : 0);
    }
    q *= dx / Math.sqrt(2 * Math.PI);
    const mc = lyapunovExponent(new Matrix([[h]]), { lr, rates: Float64Array.of(p), gaussian: true }, { chains: 32, steps: 8000, seed: 2 });
    expectZ('λ (Gaussian)', mc.exponent, q, Math.hypot(mc.stderr, 1e-4));
    const ms = lrMax(new Matrix([[h]]), { rates: p }).lrMax;
    expect(ms).toBeCloseTo((2 * (1 - p)) / h, 8);
    const as = lrMaxAlmostSure(new Matrix([[h]]), { rates: Float64Array.of(p), gaussian: true }, 0.999 * ms);
    expect(as.lrMax).toBeGreaterThan(1.3 * ms);
  });

  it('coincides with the mean-square limit for diagonal SGD under Bernoulli DropGrad; lies above it for heavy ball and dense Hessians', () => {
    const diag = Matrix.diag([5, 1]);
    const rates = Float64Array.of(0.5, 0.2);
    const ms = lrMax(diag, { rates }).lrMax;
    const as = lrMaxAlmostSure(diag, { rates }, 0.5 * ms);
    expect(as.method).toBe('exact');
    expect(Math.abs(as.lrMax / ms - 1)).toBeLessThan(2e-5);
    for (const [H, o] of [
      [new Matrix([[4]]), { rates: Float64Array.of(0.3), momentum: 0.9 }],
      [doubleWell(2, 10).hessian(Float64Array.of(1, 1)), { rates: Float64Array.of(0.5, 0.5) }],
    ] as const) {
      const m = lrMax(H, o).lrMax;
      const a = lrMaxAlmostSure(H, o, 0.999 * m);
      expect(a.method).toBe('monte-carlo');
      expect(a.lrMax).toBeGreaterThan(m * 1.1);
      // The exponent's sign on either side of the limit.
      expect(lyapunovExponent(H, { ...o, lr: a.lrMax * 0.9 }).exponent).toBeLessThan(0);
      expect(lyapunovExponent(H, { ...o, lr: a.lrMax * 1.1 }).exponent).toBeGreaterThan(0);
    }
  });
});

describe('basins', () => {
  it('gradient-flow assignment matches the double well\'s exact separatrix (the sign of m − s*)', () => {
    const r = 10;
    const s = doubleWell(2, r);
    const minima = findMinima(s).minima;
    const star = separatrix(r);
    const pts: number[] = [];
    let state = 12345;
    const u = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
    for (let k = 0; k < 400; k++) {
      const m = star + (u() / 2) * 0.5 + (k % 2 ? 0.002 : -0.002);
      const dx = u();
      pts.push(m + dx, m - dx);
    }
    const basin = assignBasins(s, minima, Float64Array.from(pts));
    const sharpIndex = minima.findIndex((m) => m.sharpness > 2);
    for (let k = 0; k < 400; k++) {
      const m = (pts[2 * k] + pts[2 * k + 1]) / 2;
      expect(basin[k] === sharpIndex, `point ${k}, m − s* = ${m - star}`).toBe(m > star);
    }
    // With no minimum to reach, finite points are unassigned (−1) and non-finite ones diverged (−2), at once.
    expect(Array.from(assignBasins(s, [], Float64Array.of(0.5, 0.5, Number.NaN, 0)))).toEqual([-1, -2]);
  });

  it('basin shares from the engine equal a direct simulation of the links, classified by the separatrix', async () => {
    const config: ProblemConfig = { surface: { kind: 'doublewell', sharpness: 10 }, optimizer: { name: 'sgd', lr: 0.17, momentum: 0.3 }, drop: { rate: 0.5 } };
    const problem = buildProblem(config);
    const report = minimaReport(problem, { almostSure: false });
    const shares = await basinShares(problem, report.minima, { samples: 300, steps: 300, seed: 8, workers: 0 });
    const limit = divergenceLimit(config);
    const star = separatrix(10);
    let sharp = 0;
    let dead = 0;
    for (let k = 0; k < 300; k++) {
      const t = runTrajectory(problem.surface, problem.chain, problem.x0, 300, 8, k, true);
      if (t.diverged || t.losses!.some((l) => l > limit)) dead++;
      else if ((t.final[0] + t.final[1]) / 2 > star) sharp++;
    }
    const sharpIndex = report.minima.findIndex((m) => m.sharpness > 2);
    expect(shares.diverged).toBe(dead / 300);
    expect(shares.fractions[sharpIndex]).toBe(sharp / 300);
    expect(shares.unassigned).toBe(0);
    // Not a degenerate case: some stay, some leave.
    expect(sharp).toBeGreaterThan(0);
    expect(sharp + dead).toBeLessThan(300);
  });
});

describe('dropgrad minima (CLI)', () => {
  it('reports the minima, limits and basin fractions; refuses bad input in one line', () => {
    const r = cliJson<{ minima: { x: number[]; lrMax: number; lrMaxAlmostSure: { lrMax: number }; basinFraction: number }[]; diverged: number; sharpnessRatio: number }>(['minima', '--surface', 'doublewell', '--sharpness', '8', '--drop-rate', '0.3', '--lr', '0.2', '--samples', '2000', '--steps', '200', '--quiet']);
    expect(r.minima.length).toBe(2);
    expect(r.sharpnessRatio).toBeCloseTo(8, 8);
    const total = r.minima.reduce((s, m) => s + m.basinFraction, 0) + r.diverged;
    expect(total).toBeCloseTo(1, 12);
    for (const m of r.minima) expect(m.lrMaxAlmostSure.lrMax).toBeGreaterThanOrEqual(m.lrMax * 0.999);
    for (const [args, what] of [
      [['--starts', '[[1,2,3]]'], '--starts'],
      [['--count', '0'], '--count'],
      [['--steps', '10'], '--samples'],
      [['--sharpness', '0.5'], 'sharpness'],
      [['--surface', 'rosenbrock', '--sharpness', '3'], 'sharpness'],
    ] as const) {
      const bad = cli(['minima', '--surface', 'doublewell', ...args]);
      expect(bad.status, args.join(' ')).toBe(2);
      expect(bad.stderr.trim().split('\n').length).toBe(1);
      expect(bad.stderr).toContain(what);
    }
  }, 60_000);
});
