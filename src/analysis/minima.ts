/**
 * The local minima of a surface, and which minimum a point's gradient flow ends in (docs/theory.md §7).
 *
 * Minima: from each start, a descent Newton iteration with the absolute-value modified Hessian
 * (step −Σ_k (v_kᵀg / max(|λ_k|, δ)) v_k over H's eigenpairs, backtracked until f decreases: it descends
 * away from saddles and maxima instead of converging to them), then classified by the eigenvalues of ∇²f at the
 * converged point: all positive, a minimum; any negative, a saddle or maximum (rejected); a zero eigenvalue
 * (degenerate), rejected. Duplicates (within 1e-6 (1 + ‖x‖)) are merged.
 *
 * Basins: a point is assigned to the minimum its gradient flow ẋ = −∇f(x) reaches, integrated by explicit Euler
 * with steps h ≤ 1/(4 L) (L the largest curvature among the minima), halved whenever f would increase, until the
 * point is within 1e-4 (1 + ‖x*‖) of a minimum x* (then it is x*'s), or the gradient vanishes elsewhere, or 20,000
 * steps pass (then it is unassigned).
 */
import type { Matrix } from '../matrix.ts';
import { ParameterError } from '../errors.ts';
import type { Surface } from '../surfaces/index.ts';
import { eigh } from './linalg.ts';

export interface Minimum {
  x: Float64Array;
  value: number;
  hessian: Matrix;
  /** Eigenvalues of the Hessian, ascending. */
  eigenvalues: number[];
  /** The largest eigenvalue. */
  sharpness: number;
}

export interface MinimaSearch {
  minima: Minimum[];
  /** Starts whose iteration ended at a saddle or maximum, at a degenerate point, or did not converge. */
  rejected: { saddles: number; degenerate: number; unconverged: number };
  starts: number;
}

/** The first primes: Halton bases for up to 32 coordinates (beyond, starts are drawn from a seeded generator). */
const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131];

function radicalInverse(k: number, base: number): number {
  let f = 1 / base;
  let r = 0;
  for (let n = k; n > 0; n = Math.floor(n / base)) {
    r += f * (n % base);
    f /= base;
  }
  return r;
}

/** n points spread over the box: the Halton sequence (points 1 … n), scaled to the bounds. */
export function haltonStarts(bounds: readonly [number, number][], n: number): Float64Array[] {
  let state = 0x9e3779b9;
  const uniform = () => {
    // xorshift32 for coordinates beyond the prime table.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, (_, k) =>
    Float64Array.from(bounds, ([lo, hi], i) => lo + (hi - lo) * (i < PRIMES.length ? radicalInverse(k + 1, PRIMES[i]) : uniform())),
  );
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function maxAbs(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s = Math.max(s, Math.abs(v[i]));
  return s;
}

/** The stationary point the descent reaches from x, or null when it does not converge. */
function descend(surface: Surface, start: Float64Array, maxIter = 200): Float64Array | null {
  const d = surface.dim;
  let x = Float64Array.from(start);
  let f = surface.value(x);
  const g = new Float64Array(d);
  for (let it = 0; it < maxIter; it++) {
    surface.gradient(x, g);
    if (!Number.isFinite(f) || !g.every(Number.isFinite)) return null;
    const e = eigh(surface.hessian(x));
    const scale = Math.max(1e-300, maxAbs(e.values));
    const step = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      let c = 0;
      for (let i = 0; i < d; i++) c += e.U[i * d + k] * g[i];
      c /= Math.max(Math.abs(e.values[k]), 1e-8 * scale);
      for (let i = 0; i < d; i++) step[i] -= c * e.U[i * d + k];
    }
    const slope = step.reduce((s, v, i) => s + v * g[i], 0);
    if (maxAbs(step) <= 1e-15 * (1 + maxAbs(x))) return x;
    let t = 1;
    let next = x;
    let fNext = f;
    for (let k = 0; k < 60; k++, t /= 2) {
      next = Float64Array.from(x, (v, i) => v + t * step[i]);
      fNext = surface.value(next);
      if (fNext <= f + 1e-4 * t * slope) break;
    }
    // Near a stationary point rounding stops f from decreasing: take the full Newton step there.
    if (!(fNext <= f)) {
      if (maxAbs(step) < 1e-6 * (1 + maxAbs(x))) next = Float64Array.from(x, (v, i) => v + step[i]);
      else return null;
      fNext = surface.value(next);
    }
    if (maxAbs(next) > 1e12) return null;
    x = next;
    f = fNext;
  }
  surface.gradient(x, g);
  const h = maxAbs(eigh(surface.hessian(x)).values);
  return maxAbs(g) <= 1e-8 * Math.max(1, h) * (1 + maxAbs(x)) ? x : null;
}

/** The local minima reached from the starts (default: `count` Halton points over the surface's bounds). */
export function findMinima(surface: Surface, o: { starts?: ArrayLike<number>[]; count?: number } = {}): MinimaSearch {
  const d = surface.dim;
  const starts = o.starts ? o.starts.map((s) => Float64Array.from(s)) : haltonStarts(surface.bounds, o.count ?? Math.min(256, 16 * 2 ** Math.min(d, 4)));
  for (const s of starts) if (s.length !== d) throw new ParameterError('starts', `a point of length ${s.length}`, `points of length ${d} (the surface's dimension)`);
  const minima: Minimum[] = [];
  const rejected = { saddles: 0, degenerate: 0, unconverged: 0 };
  for (const s of starts) {
    const x = descend(surface, s);
    if (!x) {
      rejected.unconverged++;
      continue;
    }
    const H = surface.hessian(x);
    const values = Array.from(eigh(H).values).sort((a, b) => a - b);
    const tol = 1e-9 * Math.max(1, maxAbs(values));
    if (values[0] < -tol) {
      rejected.saddles++;
      continue;
    }
    if (values[0] <= tol) {
      rejected.degenerate++;
      continue;
    }
    if (minima.some((m) => norm(m.x.map((v, i) => v - x[i])) <= 1e-6 * (1 + norm(x)))) continue;
    minima.push({ x, value: surface.value(x), hessian: H, eigenvalues: values, sharpness: values[d - 1] });
  }
  minima.sort((a, b) => a.value - b.value || a.sharpness - b.sharpness);
  return { minima, rejected, starts: starts.length };
}

/** Index of the minimum each point's gradient flow reaches, −1 when unassigned, −2 for a non-finite point. */
export function assignBasins(surface: Surface, minima: readonly { x: ArrayLike<number>; sharpness: number }[], points: Float64Array, maxSteps = 20_000): Int32Array {
  const d = surface.dim;
  const n = points.length / d;
  const out = new Int32Array(n);
  if (minima.length === 0) {
    // No basin to reach: every finite point is unassigned.
    for (let p = 0; p < n; p++) out[p] = points.subarray(p * d, (p + 1) * d).every(Number.isFinite) ? -1 : -2;
    return out;
  }
  const L = Math.max(...minima.map((m) => m.sharpness));
  const radius = minima.map((m) => 1e-4 * (1 + norm(m.x)));
  const g = new Float64Array(d);
  const nearest = (x: Float64Array) => {
    for (let k = 0; k < minima.length; k++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += (x[i] - minima[k].x[i]) ** 2;
      if (Math.sqrt(s) <= radius[k]) return k;
    }
    return -1;
  };
  let x = new Float64Array(d);
  let next = new Float64Array(d);
  const euler = (h: number) => {
    for (let i = 0; i < d; i++) next[i] = x[i] - h * g[i];
    return surface.value(next);
  };
  for (let p = 0; p < n; p++) {
    x.set(points.subarray(p * d, (p + 1) * d));
    if (!x.every(Number.isFinite)) {
      out[p] = -2;
      continue;
    }
    let f = surface.value(x);
    let h = 0.25 / L;
    let k = nearest(x);
    for (let step = 0; k < 0 && step < maxSteps; step++) {
      surface.gradient(x, g);
      if (maxAbs(g) < 1e-300 || !g.every(Number.isFinite)) break;
      let fNext = euler(h);
      while (!(fNext <= f) && h > 1e-20) {
        h /= 2;
        fNext = euler(h);
      }
      if (!(fNext <= f)) break;
      [x, next] = [next, x];
      f = fNext;
      h = Math.min(0.25 / L, h * 1.5);
      k = nearest(x);
    }
    out[p] = k;
  }
  return out;
}
