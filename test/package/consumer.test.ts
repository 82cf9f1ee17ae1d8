/**
 * The package as a user gets it: `npm pack`, install the tarball into a new project, then (1) import it from plain
 * Node ESM and run a small exact analysis and a `simulate` on worker threads, with the same bits as the sources
 * give here; (2) type-check a TypeScript file against the shipped declarations (no skipLibCheck; a deliberate type
 * error must be caught, so the types are not `any`); (3) run the CLI from the installed package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiStepMoments } from '../../src/analysis/moments.ts';
import { closePool } from '../../src/analysis/mc/pool.ts';
import { simulate } from '../../src/analysis/mc/simulate.ts';
import type { SimulationSpec } from '../../src/analysis/mc/spec.ts';
import { quadratic } from '../../src/surfaces/quadratic.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

const H = [
  [3, 1],
  [1, 2],
];
const MOMENTS = { x0: [1, -1], steps: 20, lr: () => 0.1, rates: () => new Float64Array([0.3, 0.5]) };
const SPEC: SimulationSpec = {
  problem: { surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer: { name: 'sgd', lr: 1e-3, momentum: 0.9 }, drop: { rate: 0.1 } },
  samples: 20_000,
  steps: 100,
  seed: 11,
};

const CONSUMER_JS = `
import { quadratic, multiStepMoments, simulate, closePool } from 'dropgrad-lab';
const m = multiStepMoments(quadratic({ H: ${JSON.stringify(H)} }), { x0: [1, -1], steps: 20, lr: () => 0.1, rates: () => new Float64Array([0.3, 0.5]) });
const spec = ${JSON.stringify(SPEC)};
await simulate(spec, { workers: 2 }); // starts the pool: the second call runs every block on the workers
const r = await simulate(spec, { workers: 2 });
await closePool();
console.log(JSON.stringify({ expectedLoss: m.expectedLoss, mean: Array.from(m.mean), simMean: r.mean, simLoss: r.meanLoss, kernel: r.kernel }));
`;

const CONSUMER_TS = `
import { type ProblemConfig, type SimulationResult, ParameterError, rosenbrock, simulate, withDropGrad, adam } from 'dropgrad-lab';
const problem: ProblemConfig = { surface: { kind: 'rosenbrock' }, optimizer: { name: 'adam', lr: 0.01 }, drop: { rate: 0.2 } };
export const run: Promise<SimulationResult> = simulate({ problem, samples: 10, steps: 5, seed: 1 });
export const f: number = rosenbrock(2).value(new Float64Array([1, 1]));
export const chain = withDropGrad(adam({ lr: 0.01 }), { rate: 0.1 });
export const isError = (e: unknown): e is ParameterError => e instanceof ParameterError;
// @ts-expect-error an optimizer name that does not exist must be a type error
export const bad: ProblemConfig = { surface: { kind: 'rosenbrock' }, optimizer: { name: 'adamax' } };
`;

let dir = '';
const run = (cmd: string, args: string[], cwd = dir) => spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000 });

describe('the packed package, installed in a new project', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dropgrad-consumer-'));
    // dist/ is fresh (the tests' global set-up builds it); --ignore-scripts skips building it again.
    execFileSync(NPM, ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    const npmInstall = run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`, '@types/node@20']);
    if (npmInstall.status !== 0) throw new Error(`npm install failed:\n${npmInstall.stderr}`);
  }, 300_000);
  afterAll(() => closePool());

  it('ships dist/, the README and the license, and no sources or tests', () => {
    const r = run(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/analysis/mc/worker.js');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json', 'bin/dropgrad.js'].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('plain Node ESM: exact moments and a worker-thread simulate give the same bits as the sources', async () => {
    writeFileSync(join(dir, 'consumer.mjs'), CONSUMER_JS);
    const r = run(process.execPath, ['consumer.mjs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout);
    const m = multiStepMoments(quadratic({ H }), MOMENTS);
    const s = await simulate(SPEC, { workers: 0 });
    expect(got.expectedLoss).toBe(m.expectedLoss);
    expect(got.mean).toEqual(Array.from(m.mean));
    expect(got.simMean).toEqual(s.mean);
    expect(got.simLoss).toBe(s.meanLoss);
    expect(got.kernel).toMatch(/wasm/);
  }, 120_000);

  it('TypeScript: a consumer type-checks against the shipped .d.ts, and a wrong optimizer name is an error', () => {
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['consumer.ts'] }),
    );
    const r = run(process.execPath, [TSC, '-p', 'tsconfig.json']);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    // Without the @ts-expect-error the wrong name must fail the check.
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS.replace('// @ts-expect-error', '//'));
    const bad = run(process.execPath, [TSC, '-p', 'tsconfig.json']);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/consumer\.ts.*"adamax"/);
  }, 120_000);

  it("the README's library example runs as written", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /## Library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toMatch(/from 'dropgrad-lab'/);
    writeFileSync(join(dir, 'readme.mjs'), `${example}\nawait (await import('dropgrad-lab')).closePool();\n`);
    const r = run(process.execPath, ['readme.mjs']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d\S* \d\S* \d\S*\n$/);
  }, 120_000);

  it('the CLI runs from the installed package', () => {
    const bin = join(dir, 'node_modules', '.bin', 'dropgrad');
    const help = run(bin, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/simulate/);
    const sim = run(bin, ['simulate', '--samples', '1000', '--steps', '10', '--backend', 'cpu', '--json']);
    expect(sim.stderr).toBe('');
    expect(JSON.parse(sim.stdout).samples).toBe(1000);
    const bad = run(bin, ['simulate', '--samples', '-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
