/**
 * Agreement between theory and simulation (docs/theory.md §6): z = (estimate − exact)/standard error, |z| < 4.
 * Every failure names the quantity and its z.
 */
import { expect } from 'vitest';

export function expectZ(quantity: string, estimate: number, exact: number, stderr: number, limit = 4): number {
  if (stderr === 0) {
    expect(estimate, `${quantity}: zero standard error, estimate ${estimate} vs exact ${exact}`).toBeCloseTo(exact, 12);
    return 0;
  }
  const z = (estimate - exact) / stderr;
  expect(Math.abs(z), `${quantity}: estimate ${estimate}, exact ${exact}, stderr ${stderr}, z = ${z.toFixed(2)}`).toBeLessThan(limit);
  return z;
}

/** Streaming sums for the mean, variance and fourth central moment of a scalar. */
export class Moments {
  n = 0;
  private s1 = 0;
  private s2 = 0;
  private values: number[] = [];
  push(v: number): void {
    this.n++;
    this.s1 += v;
    this.s2 += v * v;
    this.values.push(v);
  }
  get mean(): number {
    return this.s1 / this.n;
  }
  /** Unbiased sample variance s². */
  get variance(): number {
    const m = this.mean;
    let s = 0;
    for (const v of this.values) s += (v - m) ** 2;
    return s / (this.n - 1);
  }
  get stderrMean(): number {
    return Math.sqrt(this.variance / this.n);
  }
  /** Sample fourth central moment. */
  get mu4(): number {
    const m = this.mean;
    let s = 0;
    for (const v of this.values) s += (v - m) ** 4;
    return s / this.n;
  }
}

/**
 * Exact finite-sample standard error of s² (docs/theory.md §6): Var(s²) = μ4/n − σ⁴(n − 3)/(n(n − 1)).
 * μ4 and σ² should come from theory where known; the large-sample form collapses for two-point laws.
 */
export function stderrVariance(mu4: number, sigma2: number, n: number): number {
  return Math.sqrt(Math.max(0, mu4 / n - (sigma2 * sigma2 * (n - 3)) / (n * (n - 1))));
}

/** Standard error of a sample covariance between x and y with population moments: √((E[(x−μx)²(y−μy)²] − σxy²)/n). */
export function sampleCov(xs: number[], ys: number[]): { cov: number; stderr: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let c = 0;
  let c22 = 0;
  for (let i = 0; i < n; i++) {
    const p = (xs[i] - mx) * (ys[i] - my);
    c += p;
    c22 += p * p;
  }
  const cov = c / (n - 1);
  return { cov, stderr: Math.sqrt(Math.max(0, c22 / n - (c / n) ** 2) / n) };
}
