/**
 * Running sweeps as a user does, through the CLI in child processes: kill -9 mid-sweep and resume to the same
 * bits; SIGTERM; shards merged into the same bits as a full run; refusing to mix configs; tidy export.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { lrMax } from '../../src/analysis/index.ts';
import { loadSweep } from '../../src/sweep/index.ts';
import { cli, cliJson } from '../cli/helpers.ts';
import { cellFiles, smallConfig, tmp, writeConfig } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/dropgrad.js', import.meta.url));

/** Starts a sweep, waits until at least `after` cells are saved, then sends `signal`; resolves with the exit status. */
function interruptAfter(config: string, out: string, after: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'sweep', config, '--out', out, '--quiet', '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const poll = setInterval(() => {
      const dir = join(out, 'cells');
      const n = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
      if (n >= after) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stderr });
    });
  });
}

describe('sweep runs that survive interruption', () => {
  const text = smallConfig({ samples: 2000, steps: 100 });
  it('kill -9 mid-sweep, then the same command resumes and ends bit-identical to an uninterrupted run', async () => {
    const dir = tmp();
    const config = writeConfig(dir, text);
    const full = join(dir, 'full');
    expect(cli(['sweep', config, '--out', full, '--quiet']).status).toBe(0);
    const killed = join(dir, 'killed');
    const r = await interruptAfter(config, killed, 3, 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    const saved = Object.keys(cellFiles(killed)).length;
    expect(saved).toBeGreaterThanOrEqual(3);
    expect(saved).toBeLessThan(24);
    // No partial file is left behind as a result (temporary files are never named cNNNNN.json).
    const resumed = cliJson<{ skipped: number; ran: number; total: number }>(['sweep', config, '--out', killed, '--quiet']);
    expect(resumed.skipped).toBe(saved);
    expect(resumed.skipped + resumed.ran).toBe(24);
    expect(cellFiles(killed)).toEqual(cellFiles(full));
    const m = JSON.parse(readFileSync(join(killed, 'manifest.json'), 'utf8'));
    expect(m.cells.every((c: { status: string }) => c.status === 'done')).toBe(true);
  });
  it('SIGTERM stops with a message and status 143; the rerun finishes the rest', async () => {
    const dir = tmp();
    const config = writeConfig(dir, text);
    const out = join(dir, 'out');
    const r = await interruptAfter(config, out, 2, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM; \d+ of 24 cells are saved in .*; run the same command again to resume/);
    expect(cli(['sweep', config, '--out', out, '--quiet']).status).toBe(0);
    expect(loadSweep(out).missing).toEqual([]);
  });
  it('refuses to resume into a directory that holds another config', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    expect(cli(['sweep', writeConfig(dir, smallConfig({ steps: 5 }), 'a.yaml'), '--out', out, '--quiet']).status).toBe(0);
    const r = cli(['sweep', writeConfig(dir, smallConfig({ steps: 6 }), 'b.yaml'), '--out', out, '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out = .* it holds another config \(hash [0-9a-f]{12}…, this one [0-9a-f]{12}…\)/);
  });
});

describe('shards and merge', () => {
  it('three shards merged equal the full run, bit for bit; different configs are refused', () => {
    const dir = tmp();
    const config = writeConfig(dir, smallConfig());
    const full = join(dir, 'full');
    expect(cli(['sweep', config, '--out', full, '--quiet']).status).toBe(0);
    const shards = [1, 2, 3].map((k) => {
      const out = join(dir, `shard${k}`);
      expect(cli(['sweep', config, '--out', out, '--shard', `${k}/3`, '--quiet']).status).toBe(0);
      return out;
    });
    expect(Object.keys(cellFiles(shards[0]))).toEqual(['c00000.json', 'c00003.json', 'c00006.json', 'c00009.json', 'c00012.json', 'c00015.json', 'c00018.json', 'c00021.json']);
    const merged = join(dir, 'merged');
    const partial = cliJson<{ done: number; missing: string[] }>(['merge', shards[0], shards[1], '--out', join(dir, 'partial')]);
    expect(partial.done).toBe(16);
    expect(partial.missing).toHaveLength(8);
    expect(cliJson<{ done: number; cells: number }>(['merge', ...shards, '--out', merged])).toMatchObject({ done: 24, cells: 24 });
    expect(cellFiles(merged)).toEqual(cellFiles(full));
    const other = join(dir, 'other');
    expect(cli(['sweep', writeConfig(dir, smallConfig({ seed: 99 }), 'other.yaml'), '--out', other, '--shard', '2/3', '--quiet']).status).toBe(0);
    const r = cli(['merge', shards[0], other, '--out', join(dir, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/a shard of the same sweep as .* \(config hash [0-9a-f]{12}… differs/);
    expect(cli(['sweep', config, '--out', join(dir, 'x'), '--shard', '4/3']).stderr).toMatch(/--shard = "4\/3" is invalid: expected k\/n with 1 ≤ k ≤ n/);
  });
});

describe('results load back and export tidy', () => {
  it('loadSweep, CSV and JSON export; exact values where they exist', () => {
    const dir = tmp();
    const quad = smallConfig({ surface: { kind: 'quadratic', H: [[10, 3], [3, 1]] }, x0: [1, 1], grid: { optimizer: ['sgd'], lr: [0.01, 0.05], dropRate: [0, 0.3] } });
    const out = join(dir, 'out');
    expect(cli(['sweep', writeConfig(dir, quad), '--out', out, '--quiet']).status).toBe(0);
    const s = loadSweep(out);
    expect(s.results).toHaveLength(4);
    const exact = s.results[3].exact as { expectedLoss: number; lrMax: number; oneStepExpectedLoss: number };
    expect(exact.expectedLoss).toBeGreaterThan(0);
    expect(exact.lrMax).toBe(lrMax(new Matrix([[10, 3], [3, 1]]), { rates: 0.3, momentum: 0.9 }).lrMax);
    const csv = cli(['export', out, '--format', 'csv']).stdout.trim().split('\n');
    expect(csv[0]).toBe('cell,optimizer,lr,dropRate,surface,fullUpdateDrop,replicate,seed,step,statistic,value');
    // 4 cells × 41 steps × (lossMean, lossStderr, finite, diverged, 2 means, 2 variances, exact) = 1476 rows.
    expect(csv).toHaveLength(1 + 4 * 41 * 9);
    const json = cliJson<{ rows: number; text: string }>(['export', out, '--format', 'json']);
    expect(JSON.parse(json.text)).toHaveLength(4 * 41 * 9);
  });
});

describe('hostile strings never become markup', () => {
  it('a label and a name with <img src=x onerror=alert(1)> create no element and no handler in the summary page', () => {
    const dir = tmp();
    const evil = '<img src=x onerror=alert(1)>';
    const cfg = smallConfig({ name: `${evil} sweep`, labels: { sgd: evil, adam: '"><script>alert(2)</script>' }, grid: { optimizer: ['sgd', 'adam'], lr: [1e-3], dropRate: [0.1] } });
    const out = join(dir, 'out');
    expect(cli(['sweep', writeConfig(dir, cfg), '--out', out, '--quiet']).status).toBe(0);
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    const doc = new JSDOM(page).window.document;
    expect(doc.querySelectorAll('img, script')).toHaveLength(0);
    for (const el of doc.querySelectorAll('*')) for (const a of el.attributes) expect(a.name.startsWith('on')).toBe(false);
    expect(doc.title).toBe(`${evil} sweep`);
    expect(doc.body.textContent).toContain(evil);
  });
});
