/** The CLI end to end, as a user runs it: help on every command, JSON output, one-line errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.ts';
import { cli, cliJson } from './helpers.ts';
import { simulateSync } from '../../src/analysis/mc/index.ts';
import { buildProblem } from '../../src/problem.ts';

describe('dropgrad CLI', () => {
  it('lists its commands', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
  });
  it('has --help on every command', () => {
    for (const c of COMMANDS) {
      const r = cli([c.name, '--help']);
      expect(r.status, c.name).toBe(0);
      expect(r.stdout).toContain(`dropgrad ${c.name}`);
    }
  });
  it('run: same seed, same numbers; JSON keeps full precision', () => {
    const args = ['run', '--optimizer', 'adam', '--lr', '0.05', '--drop-rate', '0.3', '--steps', '50', '--seed', '4'];
    const a = cliJson<{ final: number[]; loss: number }>(args);
    const b = cliJson<{ final: number[]; loss: number }>(args);
    expect(a).toEqual(b);
    const c = cliJson<{ final: number[] }>([...args.slice(0, -1), '5']);
    expect(c.final).not.toEqual(a.final);
  });
  it('reports a diverging run as diverged at step k', () => {
    const r = cliJson<{ diverged: boolean; divergedAtStep: number; final: unknown }>(['run', '--lr', '0.01', '--steps', '100']);
    expect(r.diverged).toBe(true);
    expect(r.divergedAtStep).toBeGreaterThan(0);
    expect(r.final).toBeNull();
    expect(cli(['run', '--lr', '0.01', '--steps', '100']).stdout).toMatch(/diverged at step \d+/);
  });
  it('simulate: when every trajectory diverges, no statistic is printed (no 0, no NaN), text and JSON', () => {
    const args = ['simulate', '--surface', 'rosenbrock', '--optimizer', 'sgd', '--lr', '10', '--steps', '200', '--samples', '2000', '--backend', 'cpu'];
    const text = cli(args);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/all 2000 trajectories diverged \(the first at step \d+, the last by step \d+\): no statistics/);
    expect(text.stdout).not.toMatch(/NaN|Infinity/);
    const j = cliJson<{ mean: number[] | null; meanLoss: number | null; perStep: { mean: (number[] | null)[] } }>([...args, '--per-step']);
    expect(j.mean).toBeNull();
    expect(j.meanLoss).toBeNull();
    expect((j as { medianLoss?: unknown }).medianLoss).toBeNull();
    expect(j.perStep.mean.at(-1)).toBeNull();
    // One trajectory: a mean, but no standard error (a dash, not NaN).
    const one = cli(['simulate', '--samples', '1', '--steps', '5', '--backend', 'cpu']);
    expect(one.stdout).toMatch(/E\[x_T\] = \[\S+ ± —, \S+ ± —\]/);
    expect(one.stdout).not.toMatch(/NaN/);
  });
  it('simulate: the median final loss (robust where survivors on their way to overflow dominate the mean) agrees with the final points\' within a histogram bin', () => {
    const args = ['simulate', '--surface', 'rosenbrock', '--optimizer', 'sgd', '--lr', '1e-3', '--momentum', '0.9', '--drop-rate', '0.3', '--steps', '100', '--samples', '4000', '--seed', '1', '--backend', 'cpu'];
    const j = cliJson<{ meanLoss: number; medianLoss: number; diverged: number }>(args);
    expect(j.diverged).toBeGreaterThan(0);
    expect(j.meanLoss).toBeGreaterThan(1e40);
    // The exact median of f over the finite final points of the same trajectories.
    const problem = { surface: { kind: 'rosenbrock' as const }, optimizer: { name: 'sgd' as const, lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.3 } };
    const r = simulateSync({ problem, samples: 4000, steps: 100, seed: 1, keepFinal: true });
    const f = buildProblem(problem).surface;
    const losses: number[] = [];
    for (let b = 0; b < 4000; b++) {
      const x = r.finalPoints!.subarray(2 * b, 2 * b + 2);
      if (x.every(Number.isFinite) && Number.isFinite(f.value(x))) losses.push(f.value(x));
    }
    losses.sort((a, b) => a - b);
    const exact = losses[Math.floor(losses.length / 2)];
    expect(Math.abs(j.medianLoss / exact - 1)).toBeLessThan(0.032);
    expect(cli(args).stdout).toMatch(new RegExp(`median f\\(x_T\\) = ${j.medianLoss.toPrecision(6).replace('.', '\\.')} \\(loss histogram`));
  });
  it('values that begin with a minus sign after a flag are that flag\'s value (--lr -1, --angle -0.5, --expr -x^2…)', () => {
    const neg = cli(['run', '--lr', '-1']);
    expect(neg.status).toBe(2);
    expect(neg.stderr).toMatch(/lr = -1 is invalid: expected a finite number ≥ 0/);
    expect(cli(['run', '--drop-rate', '-0.1']).stderr).toMatch(/dropRate = -0\.1 is invalid/);
    expect(cli(['run', '--surface', 'valley', '--angle', '-0.5', '--steps', '2']).stdout).toMatch(/θ = -0\.500/);
    expect(cli(['run', '--surface', 'expr', '--expr', '-x^2+y^2', '--x0', '[1,1]', '--steps', '2']).stdout).toMatch(/on -x\^2\+y\^2: after 2 steps/);
  });
  it('number flags and lists are strict decimals (no hex, no empty entries)', () => {
    for (const betas of ['0.9,', ',', '0.9,0x10']) expect(cli(['run', '--optimizer', 'adam', '--betas', betas]).stderr).toMatch(/--betas = ".*" is invalid: expected two decimal numbers/);
    expect(cli(['run', '--lr', '0x10']).stderr).toMatch(/--lr = "0x10" is invalid: expected a finite decimal number/);
    expect(cli(['run', '--group', 'a:0,,1=0.3']).stderr).toMatch(/--group = "a:0,,1=0.3" is invalid: expected name:i,j,…=rate with integer indices/);
    expect(cli(['run', '--lr', '1e-3', '--steps', '2']).status).toBe(0);
  });
  it('flags that do not apply are refused, not ignored (surface fields, stray positional arguments)', () => {
    const cases: [string[], RegExp][] = [
      [['run', '--H', '[[1,0],[0,1]]'], /H = \[\[1,0\],\[0,1\]\] is invalid: expected no value for surface rosenbrock .*--surface quadratic/],
      [['run', '--surface', 'quadratic', '--x-star', '[1,1]'], /x-star = \[1,1\] is invalid: expected no value without H/],
      [['run', '--surface', 'quadratic', '--H', '[[1,0],[0,1]]', '--dim', '3'], /dim = 3 is invalid: expected 2, the size of H/],
      [['run', '--condition', '10'], /condition = 10 is invalid: expected no value for surface rosenbrock/],
      [['stability', '--drop-rate', '0.3', '0.5'], /argument "0\.5" = "0\.5" is invalid: expected no positional arguments/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
  it('an unknown DROPGRAD_WEBGPU_BACKEND is refused, not ignored', () => {
    process.env.DROPGRAD_WEBGPU_BACKEND = 'foo';
    try {
      const r = cli(['simulate', '--samples', '64', '--steps', '2']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/DROPGRAD_WEBGPU_BACKEND = "foo" is invalid: expected vulkan or opengles/);
    } finally {
      delete process.env.DROPGRAD_WEBGPU_BACKEND;
    }
  });
  it('JSON-valued flags and --expr read @FILE; an error echoes at most 200 characters of a value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dropgrad-at-'));
    const n = 300; // a 300 × 300 Hessian: 180 KB of JSON, beyond the shell's argument limit
    writeFileSync(join(dir, 'H.json'), JSON.stringify(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 : 0)))));
    const r = cliJson<{ final: number[] }>(['run', '--surface', 'quadratic', '--H', `@${join(dir, 'H.json')}`, '--steps', '2']);
    expect(r.final).toHaveLength(n);
    writeFileSync(join(dir, 'e.txt'), 'x^2 + 3*y^2\n');
    expect(cli(['run', '--surface', 'expr', '--expr', `@${join(dir, 'e.txt')}`, '--x0', '[1,1]', '--steps', '2']).stdout).toMatch(/on x\^2 \+ 3\*y\^2: after 2 steps/);
    expect(cli(['run', '--surface', 'quadratic', '--H', '@/no/such/file']).stderr).toMatch(/--H = "@\/no\/such\/file" is invalid: expected a value, or @FILE naming a readable file \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([Array(n * 10).fill(1)]));
    const bad = cli(['run', '--surface', 'quadratic', '--H', `@${join(dir, 'bad.json')}`]);
    expect(bad.stderr.length).toBeLessThan(400);
    expect(bad.stderr).toMatch(/… \([\d,]+ characters\) is invalid/);
  });
  it('exact commands never print NaN or Infinity: an overflowing result is an error naming the field; a start where f is not finite is refused', () => {
    const cases: [string[], RegExp][] = [
      [['one-step', '--lr', '1e308'], /meanUpdate\[0\] = Infinity is invalid: expected a finite result: these inputs overflow float64/],
      [['moments', '--lr', '1e308', '--steps', '5'], /mean\[0\] = NaN is invalid: expected a finite result/],
      [['one-step', '--x0', '[1e200,1e200]'], /x0 = \[1e\+200, 1e\+200\] is invalid: expected a start point where the surface is finite \(f\(x0\) = Infinity\)/],
      [['run', '--surface', 'expr', '--expr', 'x^y', '--x0', '[-1,0.5]'], /x0 = \[-1, 0\.5\] is invalid: expected a start point where the surface is finite \(f\(x0\) = NaN\)/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    for (const args of [['one-step'], ['moments', '--steps', '5'], ['stability', '--H', '[[10,3],[3,1]]', '--drop-rate', '0.3']]) expect(cli(args).stdout, args.join(' ')).not.toMatch(/NaN|Infinity/);
  });
  it('a gradient-noise covariance must be symmetric positive semidefinite', () => {
    expect(cli(['moments', '--noise-cov', '[[0,0],[0,-100]]']).stderr).toMatch(/noiseCov = \[\[0,0\],\[0,-100\]\] is invalid: expected a positive semidefinite matrix \(a covariance\) \(an eigenvalue is -100\.0\)/);
    expect(cli(['moments', '--noise-cov', '[[1,5],[4,1]]']).stderr).toMatch(/expected a symmetric matrix \(entries \(1, 0\) and \(0, 1\) differ\)/);
    expect(cli(['moments', '--noise-cov', '[[0.1,0],[0,0.1]]', '--steps', '3']).status).toBe(0);
  });
  it('figure sizes are bounded (Chromium renders nothing beyond its limits: it reported success for a 0-byte PNG)', () => {
    expect(cli(['figure', 'sgd/sgd-stability', '--format', 'png', '--width', '100000', '--height', '100000']).stderr).toMatch(/--width = 100000 is invalid: expected an integer in \[100, 8000\] \(pixels\)/);
  });
  it('rejects bad input with exit 2 and one line naming the parameter', () => {
    const cases: [string[], RegExp][] = [
      [['run', '--drop-rate', '1'], /dropRate = 1 is invalid: expected a number in \[0, 1\).*full-update drop/],
      [['run', '--lr=-1'], /lr = -1 is invalid: expected a finite number ≥ 0/],
      [['run', '--x0', '[1,Infinity]'], /--x0 = .*valid JSON/],
      [['run', '--dim', '2', '--x0', '[1,2,3]'], /x0.length = 3 is invalid: expected 2/],
      [['run', '--surface', 'beale', '--x0', '[1,2,3]'], /x0.length = 3 is invalid: expected 2/],
      [['run', '--surface', 'expr', '--expr', 'import("fs")'], /calling import is not allowed/],
      [['run', '--surface', 'expr', '--expr', 'x^2 +* y'], /well-formed/],
      [['run', '--surface', 'quadratic', '--H', '[[1,2],[0,1]]'], /symmetric/],
      [['run', '--optimizer', 'adamax'], /optimizer = "adamax"/],
      [['run', '--optimizer', 'adam', '--betas', '0.9,1'], /beta2 = 1 is invalid: expected a number in \[0, 1\)/],
      [['run', '--betas', '0.9,0.99'], /betas = \[0.9,0.99\] is invalid: expected no value: sgd has no option betas/],
      [['run', '--steps=-3'], /--steps = -3 is invalid: expected an integer ≥ 0/],
      [['run', '--bogus'], /Unknown option '--bogus'/],
      [['nonsense'], /unknown command "nonsense"/],
      // Bounded work: each command states its limit from the real cost, and what to use instead.
      [['run', '--steps', '1e12'], /--steps = 1000000000000 is invalid: expected an integer in \[0, 50000000\] for 2 coordinates .*--x0/],
      [['run', '--steps', '1e7', '--trace'], /--steps = 10000000 is invalid: expected an integer in \[0, 5000000\] for 2 coordinates with --trace/],
      [['run', '--dim', '10000000'], /dim = 10000000 is invalid: expected an integer in \[2, 1000000\]/],
      [['moments', '--steps', '1e12'], /--steps = 1000000000000 is invalid: expected an integer in \[0, 10000000\] for d = 2 .*--stationary/],
      [['moments', '--dim', '5000'], /dim = 5000 is invalid: expected an integer in \[1, 4096\] .*dense/],
      // A thread per requested worker would exhaust memory before any check: the count is bounded first.
      [['simulate', '--samples', '2000000', '--steps', '100', '--workers', '100000', '--backend', 'cpu'], /workers = 100000 is invalid: expected an integer in \[0, 256\]/],
      [['adaptive', '--optimizer', 'adam', '--grad', `[${new Array(2000).fill(1).join(',')}]`, '--steps', '16'], /--steps = 16 is invalid: expected an integer in \[1, 13\] for a 2000-coordinate gradient/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
