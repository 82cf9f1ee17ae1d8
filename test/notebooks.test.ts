/**
 * The notebooks run headless with Deno's Jupyter kernel (every cell executed; a failing cell fails the test) and
 * type-check with `deno check`. Under CI=true missing Jupyter packages fail instead of skipping.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const jupyter = spawnSync('/usr/bin/python3', ['-c', 'import nbclient, nbconvert, jupyter_client'], { encoding: 'utf8' }).status === 0;
if (!jupyter && process.env.CI === 'true') throw new Error('Jupyter packages are required under CI=true: scripts/setup-system.sh installs them');

describe.skipIf(!jupyter)('notebooks', () => {
  it('every notebook executes headless: N passed, 0 failed', () => {
    const r = spawnSync('/usr/bin/python3', ['scripts/run_notebooks.py'], { encoding: 'utf8', timeout: 600_000 });
    expect(r.stdout, r.stderr).toMatch(/^(\d+) passed, 0 failed$/m);
    expect(Number(/^(\d+) passed/m.exec(r.stdout)![1])).toBeGreaterThanOrEqual(5);
    expect(r.status).toBe(0);
  }, 600_000);
  it('a cell that throws fails its notebook', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dropgrad-nb-'));
    const nb = { cells: [{ cell_type: 'code', id: 'a', metadata: {}, execution_count: null, outputs: [], source: ['throw new Error("boom");'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 };
    writeFileSync(join(dir, 'bad.ipynb'), JSON.stringify(nb));
    const r = spawnSync('/usr/bin/python3', ['scripts/run_notebooks.py', join(dir, 'bad.ipynb'), '--out', dir], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toMatch(/FAIL bad .*boom/);
    expect(r.stdout).toMatch(/0 passed, 1 failed/);
    expect(r.status).toBe(1);
  }, 120_000);
  it('notebooks type-check with deno check, and a type error fails', () => {
    expect(spawnSync(process.execPath, ['scripts/check_notebooks.mjs'], { encoding: 'utf8', timeout: 120_000 }).status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'dropgrad-nbt-'));
    const nb = { cells: [{ cell_type: 'code', id: 'a', metadata: {}, execution_count: null, outputs: [], source: ['const x: number = "not a number";\nconsole.log(x);'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 };
    writeFileSync(join(dir, 'typo.ipynb'), JSON.stringify(nb));
    const r = spawnSync(process.execPath, ['scripts/check_notebooks.mjs', dir], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/TS2322|not assignable/);
  }, 240_000);
});
