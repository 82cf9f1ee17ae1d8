/**
 * Damaged sweep directories (issue: robustness): every kind of damaged cell file and manifest is recomputed by
 * `sweep` (with a one-line notice naming the file) or refused by `merge` and `export` with a clear message; the
 * final results are bit-identical to a clean run, and no internal error message reaches the user.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.ts';
import { cellFiles, smallConfig, tmp, writeConfig } from './helpers.ts';

const INTERNAL = /Cannot read properties|is not iterable|is not a function|undefined \(reading|Unexpected token|at .*\.ts:\d+/;

describe('damaged sweep directories', () => {
  const text = smallConfig({ samples: 200, steps: 10 });
  const dir = tmp();
  const config = writeConfig(dir, text);
  const clean = join(dir, 'clean');
  it('a clean run for reference', () => {
    expect(cli(['sweep', config, '--out', clean, '--quiet']).status).toBe(0);
  });
  const file = (out: string, id: string) => join(out, 'cells', `${id}.json`);
  const damages: [string, (out: string) => void, RegExp][] = [
    ['an empty object', (out) => writeFileSync(file(out, 'c00007'), '{}'), /c00007\.json.*(no checksum)/],
    ['null', (out) => writeFileSync(file(out, 'c00007'), 'null'), /c00007\.json.*not a results object/],
    ['truncated JSON', (out) => writeFileSync(file(out, 'c00007'), readFileSync(file(clean, 'c00007'), 'utf8').slice(0, 100)), /c00007\.json.*not valid JSON/],
    ['another cell copied over it', (out) => writeFileSync(file(out, 'c00009'), readFileSync(file(clean, 'c00008'), 'utf8')), /c00009\.json.*another cell \(c00008\)/],
    [
      'a number changed (checksum)',
      (out) => writeFileSync(file(out, 'c00003'), readFileSync(file(clean, 'c00003'), 'utf8').replace(/"divergedFraction":[^,]+/, '"divergedFraction":0.5')),
      /c00003\.json.*does not match its checksum/,
    ],
  ];
  for (const [what, damage, notice] of damages) {
    it(`a cell file holding ${what}: sweep recomputes it (notice names the file), export refuses it before`, () => {
      const out = join(dir, what.replace(/\W+/g, '-'));
      cpSync(clean, out, { recursive: true });
      damage(out);
      const exp = cli(['export', out, '--format', 'csv']);
      expect(exp.status).toBe(2);
      expect(exp.stderr).toMatch(/is invalid: expected the results file of a finished cell; rerun `dropgrad sweep CONFIG --out/);
      expect(exp.stderr).not.toMatch(INTERNAL);
      expect(exp.stderr.trim().split('\n')).toHaveLength(1);
      const m = cli(['merge', out, '--out', join(out, '..', `${what.replace(/\W+/g, '-')}-merged`)]);
      expect(m.status).toBe(2);
      expect(m.stderr).not.toMatch(INTERNAL);
      const r = cli(['sweep', config, '--out', out, '--quiet']);
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(notice);
      expect(r.stderr).toMatch(/recomputing cell/);
      expect(cellFiles(out)).toEqual(cellFiles(clean));
      expect(cli(['export', out, '--format', 'csv']).status).toBe(0);
    });
  }
  for (const [what, content] of [
    ['{}', '{}'],
    ['null', 'null'],
    ['garbage', 'not json'],
    ['cells that are not a list', JSON.stringify({ tool: 'dropgrad-lab', configHash: 'a'.repeat(64), config: {}, cells: 5 })],
  ] as const) {
    it(`a manifest holding ${what}: export and merge refuse it clearly, sweep rebuilds it from the config`, () => {
      const out = join(dir, `manifest-${what.replace(/\W+/g, '-')}`);
      cpSync(clean, out, { recursive: true });
      writeFileSync(join(out, 'manifest.json'), content);
      for (const args of [['export', out], ['merge', out, '--out', `${out}-merged`]]) {
        const r = cli(args);
        expect(r.status, args[0]).toBe(2);
        expect(r.stderr, args[0]).toMatch(/manifest\.json = "\((damaged|unreadable)\)" is invalid: expected a sweep manifest written by dropgrad/);
        expect(r.stderr, args[0]).not.toMatch(INTERNAL);
      }
      const r = cli(['sweep', config, '--out', out, '--quiet']);
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/rebuilt from the config/);
      expect(cellFiles(out)).toEqual(cellFiles(clean));
    });
  }
  it('a grid above the size limit is refused before anything runs', () => {
    const big = writeConfig(dir, smallConfig({ grid: { optimizer: ['sgd'], lr: Array.from({ length: 400 }, (_, k) => 1e-5 * (k + 1)), dropRate: Array.from({ length: 300 }, (_, k) => k / 1000) } }), 'big.yaml');
    const r = cli(['sweep', big, '--out', join(dir, 'big'), '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/grid = "120000 cells" is invalid: expected at most 100,000 cells per sweep/);
  });
});
