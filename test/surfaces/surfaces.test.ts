/**
 * Surfaces: gradients against central differences of the value, Hessians against central differences
 * of the gradient, term structure summing to the value, and each hand-written benchmark against the same
 * formula differentiated symbolically by mathjs (an independent derivation).
 * Tolerances: central differences with h = 1e-5 have truncation error O(h²·f''') ≈ 1e-8 relative on these
 * scales and rounding error O(ε/h) ≈ 1e-11, so 1e-6 relative is a safe bound that still catches any wrong term.
 */
import { describe, expect, it } from 'vitest';
import {
  type Surface,
  ackley,
  beale,
  checkPoint,
  conditionedQuadratic,
  expressionSurface,
  quadratic,
  rastrigin,
  rosenbrock,
  rotatedValley,
} from '../../src/surfaces/index.ts';

function fdGradient(s: Surface, x: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(s.dim);
  for (let i = 0; i < s.dim; i++) {
    const p = Float64Array.from(x);
    const m = Float64Array.from(x);
    p[i] += h;
    m[i] -= h;
    g[i] = (s.value(p) - s.value(m)) / (2 * h);
  }
  return g;
}

function fdHessian(s: Surface, x: Float64Array, h = 1e-5): number[][] {
  return Array.from({ length: s.dim }, (_, j) => {
    const p = Float64Array.from(x);
    const m = Float64Array.from(x);
    p[j] += h;
    m[j] -= h;
    const gp = s.gradient(p);
    const gm = s.gradient(m);
    return Array.from(gp, (v, i) => (v - gm[i]) / (2 * h));
  });
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]) / scale, `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};

const surfaces: [string, Surface, number[][]][] = [
  ['quadratic', quadratic({ H: [[10, 3], [3, 1]], xStar: [1, -2], c: 0.5 }), [[0.3, 0.7], [-1, 2]]],
  ['rotated valley', rotatedValley({ angle: 0.4, condition: 50 }), [[1, 1], [-2, 0.3]]],
  ['conditioned quadratic d=5', conditionedQuadratic(5, 100), [[1, -1, 0.5, 2, -0.3]]],
  ['Rosenbrock 2-D', rosenbrock(), [[-1.5, 2], [0.3, -0.2]]],
  ['Rosenbrock 5-D', rosenbrock(5), [[-1.2, 1, 0.4, -0.5, 1.3]]],
  ['Rastrigin', rastrigin(3), [[2.3, -1.7, 0.2]]],
  ['Ackley', ackley(), [[2.5, -1.9], [0.1, 0.05]]],
  ['Beale', beale(), [[1, 1.5], [-0.5, 0.7]]],
  ['expression', expressionSurface('x^2*y + sin(x*y) - exp(y/3) + 2*z^2 + z*x'), [[0.3, -0.8, 1.1]]],
];

describe('surfaces: gradient, Hessian, terms', () => {
  for (const [name, s, points] of surfaces) {
    for (const x of points.map((p) => Float64Array.from(p))) {
      it(`${name} at ${Array.from(x)}`, () => {
        close(s.gradient(x), fdGradient(s, x), 1e-6);
        const H = s.hessian(x);
        const fd = fdHessian(s, x);
        for (let i = 0; i < s.dim; i++) close(H.getRow(i), fd[i], 1e-6);
        expect(H.isSymmetric()).toBe(true);
        const sum = s.terms.reduce((acc, t) => acc + t.value(x), 0);
        expect(Math.abs(sum - s.value(x))).toBeLessThan(1e-12 * Math.max(1, Math.abs(s.value(x))));
        // Each term reads only its coordinates: perturbing any other coordinate leaves it unchanged.
        for (const t of s.terms) {
          for (let j = 0; j < s.dim; j++) {
            if (t.coords.includes(j)) continue;
            const y = Float64Array.from(x);
            y[j] += 0.37;
            expect(t.value(y)).toBe(t.value(x));
          }
        }
      });
    }
    if (s.minimizer) {
      it(`${name}: gradient vanishes at the minimizer`, () => {
        close(s.gradient(s.minimizer!), new Float64Array(s.dim), 1e-12);
      });
    }
  }
});

describe('hand-written benchmarks agree with mathjs symbolic differentiation of the same formula', () => {
  const pairs: [string, Surface, string][] = [
    ['Rosenbrock', rosenbrock(), '100*(y - x^2)^2 + (1 - x)^2'],
    ['Rastrigin', rastrigin(2), '20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)'],
    ['Ackley', ackley(), '-20*exp(-0.2*sqrt((x^2 + y^2)/2)) - exp((cos(2*pi*x) + cos(2*pi*y))/2) + 20 + e'],
    ['Beale', beale(), '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2'],
  ];
  for (const [name, s, expr] of pairs) {
    it(name, () => {
      const e = expressionSurface(expr);
      for (const p of [[0.7, -1.3], [-1.1, 0.4], [2.2, 0.9]]) {
        const x = Float64Array.from(p);
        expect(Math.abs(e.value(x) - s.value(x))).toBeLessThan(1e-12 * Math.max(1, Math.abs(s.value(x))));
        close(e.gradient(x), s.gradient(x), 1e-12);
        for (let i = 0; i < 2; i++) close(e.hessian(x).getRow(i), s.hessian(x).getRow(i), 1e-11);
      }
    });
  }
});

describe('expression surfaces', () => {
  it('split a top-level sum into terms by the variables they read', () => {
    const s = expressionSurface('100*(x2 - x1^2)^2 + (1 - x1)^2 + 100*(x3 - x2^2)^2 - (1 - x2)^2');
    expect(s.variables).toEqual(['x1', 'x2', 'x3']);
    expect(s.terms.map((t) => t.coords)).toEqual([[0, 1], [0], [1, 2], [1]]);
  });
  it('reject anything but arithmetic and elementary functions, naming the problem', () => {
    const attempts: [string, RegExp][] = [
      ['import({}, {override: true})', /calling import is not allowed/],
      ['createUnit("foo")', /calling createUnit is not allowed/],
      ['evaluate("1+1")', /calling evaluate is not allowed/],
      ['x = 3', /assignment syntax is not allowed/],
      ['f(x) = x^2', /functionassignment syntax is not allowed/],
      ['cos.constructor("return process")()', /not allowed|well-formed/],
      ['cos.constructor("return process")(1)', /not allowed/],
      ['x["constructor"]', /index syntax is not allowed|accessor syntax is not allowed/],
      ['x.constructor', /accessor syntax is not allowed/],
      ['[1,2][1] * x', /not allowed/],
      ['x > 1 ? x : 2', /conditional syntax is not allowed/],
      ['parse("x")', /calling parse is not allowed/],
      ['simplify("x")', /calling simplify is not allowed/],
      ['{a: x}', /object syntax is not allowed/],
      ['"abc" + x', /constant abc is not a finite number/],
      ['x; y', /block syntax is not allowed/],
      ['sin', /sin is a function/],
      ['x +* ', /well-formed mathjs expression/],
      ['', /non-empty/],
    ];
    for (const [expr, message] of attempts) {
      expect(() => expressionSurface(expr), expr).toThrow(message);
    }
  });
  it('rejects variables that do not match the dimension or the declared names', () => {
    expect(() => expressionSurface('x^2 + y^2', { dim: 3 })).toThrow(/dim = 3 is invalid: expected 2, the number of variables of the expression \(x, y\)/);
    expect(() => expressionSurface('x^2 + q^2', { variables: ['x', 'y'] })).toThrow(/unknown variable q/);
    // Unit names are plain symbols here: with declared variables they are rejected, never evaluated as units.
    expect(() => expressionSurface('5 cm + x', { variables: ['x'] })).toThrow(/unknown variable cm/);
  });
});

describe('input checks', () => {
  it('name the parameter, its value and the valid range', () => {
    expect(() => quadratic({ H: [[1, 2], [3, 4]] })).toThrow(/H\[0\]\[1\] = 2 is invalid: expected a symmetric matrix/);
    expect(() => quadratic({ H: [[1, 0], [0]] as number[][] })).toThrow(/H = .* a non-empty square matrix/);
    expect(() => quadratic({ H: [[1]], xStar: [1, 2] })).toThrow(/xStar.length = 2 is invalid: expected 1/);
    expect(() => rosenbrock(1)).toThrow(/dim = 1 is invalid: expected an integer in \[2, 1000000\]/);
    expect(() => checkPoint(rosenbrock(), [1, Number.NaN])).toThrow(/x0\[1\] = NaN is invalid: expected a finite number/);
    expect(() => checkPoint(rosenbrock(), [1, 2, 3])).toThrow(/x0.length = 3 is invalid: expected 2/);
    expect(() => rotatedValley({ condition: 0.5 })).toThrow(/condition = 0.5/);
  });
  it('a sum of 2,400 terms builds (term by term: no recursion that deep, no exponential simplification) with the right gradient', () => {
    const n = 2400;
    const s = expressionSurface(Array.from({ length: n }, (_, i) => `${i % 3 === 0 ? '-' : ''}${(i % 7) + 1}*x${i + 1}^2`).join(' + '));
    expect(s.dim).toBe(n);
    expect(s.terms).toHaveLength(n);
    const x = Float64Array.from({ length: n }, (_, i) => 0.001 * i - 1);
    const g = s.gradient(x);
    for (let i = 0; i < n; i += 97) expect(g[i]).toBeCloseTo((i % 3 === 0 ? -2 : 2) * ((i % 7) + 1) * x[i], 12);
    let f = 0;
    for (let i = 0; i < n; i++) f += (i % 3 === 0 ? -1 : 1) * ((i % 7) + 1) * x[i] ** 2;
    expect(s.value(x)).toBeCloseTo(f, 9);
  });
});
