/**
 * The CLI's robustness, table-driven, by category (numeric flags, dimensions, expressions, divergence, sweeps and
 * paths, signals, WebGPU): every bad input exits with status 2 and one stderr line naming the parameter; no
 * internal message (a stack frame, "Cannot read properties", "is not iterable", a JavaScript error class) reaches
 * the user; a run that succeeds prints no NaN or Infinity, in text or JSON. The counts by category are printed.
 * The sweeps' corruption suite is test/sweep/corruption.test.ts; kill -9 and SIGTERM mid-sweep, test/sweep/run.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NATIVE_NOISE } from '../../src/cli/native-noise.ts';
import { nodeBackend } from '../../src/gpu/device.ts';
import { cli } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/dropgrad.js', import.meta.url));
const INTERNAL = /Cannot read propert|is not iterable|is not a function|Maximum call stack|\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|^\s+at .+:\d+:\d+\)?$|node:internal|FATAL ERROR/m;
const dir = mkdtempSync(join(tmpdir(), 'dropgrad-robust-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');
const sum2400 = Array.from({ length: 2400 }, (_, i) => `x${i + 1}^2`).join('+');

type Case = { args: string[]; error?: RegExp; out?: RegExp; env?: Record<string, string>; why: string };
const CASES: Record<string, Case[]> = {
  'numeric flags': [
    { args: ['run', '--lr', '-1'], error: /lr = -1 is invalid: expected a finite number ≥ 0/, why: 'negative learning rate' },
    { args: ['run', '--lr', 'abc'], error: /--lr = "abc" is invalid/, why: 'not a number' },
    { args: ['run', '--lr', '0x10'], error: /--lr = "0x10" is invalid/, why: 'hex is not a decimal' },
    { args: ['run', '--drop-rate', '1'], error: /dropRate = 1 is invalid: expected a number in \[0, 1\)/, why: 'p = 1 divides by 0' },
    { args: ['run', '--optimizer', 'adam', '--betas', '0.9,'], error: /--betas/, why: 'an empty list entry' },
    { args: ['run', '--steps', '1e12'], error: /--steps = 1000000000000 is invalid/, why: 'unbounded work' },
    { args: ['simulate', '--samples', '0'], error: /samples/, why: 'no trajectories' },
    { args: ['simulate', '--seed', '-1'], error: /seed/, why: 'negative seed' },
    { args: ['simulate', '--samples', '2000000', '--steps', '100', '--workers', '100000', '--backend', 'cpu'], error: /workers = 100000 is invalid: expected an integer in \[0, 256\]/, why: 'a thread per worker asked' },
    { args: ['one-step', '--lr', '1e308'], error: /= Infinity is invalid: expected a finite result/, why: 'an exact result that overflows' },
    { args: ['figure', 'sgd/sgd-stability', '--width', '100000'], error: /--width = 100000 is invalid: expected an integer in \[100, 8000\]/, why: 'a 0-byte PNG' },
  ],
  dimensions: [
    { args: ['run', '--dim', '2', '--x0', '[1,2,3]'], error: /x0.length = 3 is invalid: expected 2/, why: 'x0 against --dim' },
    { args: ['run', '--dim', '10000000'], error: /dim = 10000000 is invalid: expected an integer in \[2, 1000000\]/, why: 'a dimension beyond memory' },
    { args: ['moments', '--dim', '5000'], error: /dim = 5000 is invalid: expected an integer in \[1, 4096\]/, why: 'a dense Hessian too large' },
    { args: ['run', '--surface', 'beale', '--dim', '3'], error: /dim = 3 is invalid: expected 2/, why: 'Beale is 2-D' },
    { args: ['one-step', '--surface', 'quadratic', '--H', '[[1,2],[0,1]]'], error: /symmetric/, why: 'a non-symmetric Hessian' },
    { args: ['stability', '--H', '[[1,0],[0,-1]]', '--drop-rate', '0.3'], error: /positive semi-definite/, why: 'no stable learning rate exists' },
    { args: ['one-step', '--surface', 'quadratic', '--H', '[[1,0],[0,-1]]', '--x0', '[0,1]'], out: /no best one/, why: 'an indefinite H: no step bound, said in words' },
    { args: ['moments', '--surface', 'quadratic', '--H', '[[1,0],[0,1]]', '--x0', '[1,1]', '--noise-cov', '[[0,0],[0,-100]]'], error: /noiseCov = .* positive semidefinite/, why: 'a covariance with a negative variance' },
  ],
  expressions: [
    { args: ['run', '--surface', 'expr', '--expr', 'import("fs")'], error: /calling import is not allowed/, why: 'code, not arithmetic' },
    { args: ['run', '--surface', 'expr', '--expr', '<img src=x onerror=alert(1)>'], error: /expr = /, why: 'markup' },
    { args: ['run', '--surface', 'expr', '--expr', 'x^2 +* y'], error: /well-formed/, why: 'malformed' },
    { args: ['run', '--surface', 'expr', '--expr', `${'('.repeat(3000)}x${')'.repeat(3000)}+y`], error: /at most 100 levels of nesting .*3000 levels of brackets/, why: 'deep brackets (was a stack overflow)' },
    { args: ['run', '--surface', 'expr', '--expr', `${'2^'.repeat(3000)}x+y`], error: /at most 100 levels of nesting/, why: 'a chain of powers' },
    { args: ['run', '--surface', 'expr', '--expr', `${'-'.repeat(5000)}x+y`], error: /at most 100 levels of nesting/, why: 'a chain of unary minus' },
    { args: ['run', '--surface', 'expr', '--expr', sum2400, '--steps', '2'], out: /after 2 steps/, why: 'a 2,400-term sum runs (linear time)' },
    { args: ['run', '--surface', 'expr', '--expr', 'x^y', '--x0', '[-1,0.5]'], error: /x0 = \[-1, 0.5\] is invalid: expected a start point where the surface is finite/, why: 'f undefined at the start' },
  ],
  divergence: [
    { args: ['run', '--lr', '0.01', '--steps', '100'], out: /diverged at step \d+/, why: 'a diverging run' },
    { args: ['simulate', '--surface', 'rosenbrock', '--optimizer', 'sgd', '--lr', '10', '--steps', '200', '--samples', '2000', '--backend', 'cpu'], out: /all 2000 trajectories diverged/, why: 'every trajectory diverges' },
    { args: ['one-step', '--x0', '[1e200,1e200]'], error: /start point where the surface is finite|finite result/, why: 'f overflows at the start' },
    { args: ['moments', '--surface', 'quadratic', '--H', '[[1,0],[0,1]]', '--x0', '[1,1]', '--lr', '1e308'], error: /finite result/, why: 'exact moments that overflow' },
  ],
  'sweeps and paths': [
    { args: ['sweep', join(dir, 'none.yaml'), '--out', join(dir, 'out')], error: /readable file/, why: 'a missing config' },
    { args: ['export', join(dir, 'nowhere')], error: /no manifest\.json found/, why: 'not a sweep folder' },
    { args: ['merge'], error: /--out = undefined is invalid: expected an output directory/, why: 'nothing to merge into' },
    { args: ['run', '--x0', `@${join(dir, 'none.json')}`], error: /@FILE naming a readable file \(ENOENT\)/, why: 'a missing @FILE' },
    { args: ['dataset', 'iris', '--out', aFile], error: /--out = .* expected a writable directory/, why: 'a file where a folder goes' },
    { args: ['dataset', 'iris'], error: /--out = undefined/, why: 'no output folder' },
    { args: ['explore', '--out', aFile], error: /--out = .* expected a writable directory/, why: 'a file where a folder goes' },
    { args: ['figure', 'nope'], error: /figure = "nope" is invalid/, why: 'an unknown figure' },
  ],
  WebGPU: [
    { args: ['simulate', '--backend', 'metal'], error: /--backend = "metal" is invalid: expected auto, cpu, webgpu or chromium/, why: 'an unknown backend' },
    { args: ['simulate', '--backend', 'webgpu', '--samples', '100', '--steps', '2'], env: { DROPGRAD_WEBGPU_BACKEND: 'foo' }, error: /DROPGRAD_WEBGPU_BACKEND = "foo" is invalid/, why: 'an unknown Dawn backend' },
    ...(nodeBackend() !== null
      ? [
          { args: ['simulate', '--backend', 'webgpu', '--samples', '1000', '--steps', '5'], out: /E\[x_T\]/, why: "Dawn's own warnings kept off the terminal" },
          { args: ['simulate', '--backend', 'webgpu', '--lr', '-1'], error: /lr = -1 is invalid/, why: 'an error through the stderr filter: one line, status 2' },
        ]
      : []),
  ],
};

describe('CLI robustness, by category', () => {
  const counts: Record<string, { cases: number; errors: number; runs: number }> = {};
  for (const [category, cases] of Object.entries(CASES)) {
    it(`${category}: ${cases.length} cases`, () => {
      const c = (counts[category] = { cases: cases.length, errors: 0, runs: 0 });
      for (const k of cases) {
        const r = cli(k.args, k.env);
        const what = `${k.why}: dropgrad ${k.args.join(' ').slice(0, 120)}`;
        expect(`${r.stdout}${r.stderr}`, what).not.toMatch(INTERNAL);
        expect(r.stderr.split('\n').filter((l) => NATIVE_NOISE.test(l)), what).toEqual([]);
        if (k.error) {
          expect(r.status, what).toBe(2);
          const lines = r.stderr.trim().split('\n');
          expect(lines, what).toHaveLength(1);
          expect(lines[0], what).toMatch(k.error);
          expect(lines[0].length, what).toBeLessThan(600);
          c.errors++;
        } else {
          expect(r.status, `${what}\n${r.stderr}`).toBe(0);
          expect(r.stdout, what).toMatch(k.out!);
          expect(r.stdout, what).not.toMatch(/NaN|Infinity/);
          const json = cli([...k.args, '--json'], k.env);
          expect(json.status, what).toBe(0);
          expect(json.stdout, what).not.toMatch(/NaN|Infinity/);
          c.runs++;
        }
      }
    }, 120_000);
  }
  it('signals: Ctrl-C during a long simulate stops it at once, with no stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--samples', '10000000', '--steps', '1000', '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = performance.now();
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(code === 130 || signal === 'SIGINT').toBe(true);
    expect(stderr).not.toMatch(INTERNAL);
    counts.signals = { cases: 1, errors: 0, runs: 1 };
    const total = Object.values(counts).reduce((a, v) => ({ cases: a.cases + v.cases, errors: a.errors + v.errors, runs: a.runs + v.runs }), { cases: 0, errors: 0, runs: 0 });
    console.log(`CLI robustness: ${Object.entries(counts).map(([k, v]) => `${k} ${v.cases} (${v.errors} clear errors, ${v.runs} clean runs)`).join('; ')}; total ${total.cases}`);
  }, 60_000);
});

describe("the native library's noise filter", () => {
  it("matches Dawn's lines and none of the CLI's", () => {
    expect(NATIVE_NOISE.test('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.')).toBe(true);
    expect(NATIVE_NOISE.test('    at CheckVkSuccessImpl (../../third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:101)')).toBe(true);
    expect(NATIVE_NOISE.test('dropgrad simulate: only a software WebGPU adapter; using the CPU engine')).toBe(false);
    expect(NATIVE_NOISE.test('simulate: 10/977 (1%) 4 s left')).toBe(false);
  });
});
