/**
 * The quick report build, read with jsdom: every page has its sections, every figure holds finite data with a
 * title and axis labels, links resolve, equations are MathML, and the theory-vs-simulation table has no |z| > 4.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReportSummary, SECTION_STAGES, buildReport } from '../../src/report/build.ts';
import { tmp } from '../sweep/helpers.ts';

let out = '';
let summary: ReportSummary;
const stages: string[] = [];
const doc = (page: string) => new JSDOM(readFileSync(join(out, page), 'utf8')).window.document;

beforeAll(async () => {
  out = tmp('dropgrad-report-');
  summary = await buildReport({ out, quick: true, progress: (label) => stages.push(label) });
}, 300_000);

describe('report pages (quick build)', () => {
  it('each section reports as many progress stages as SECTION_STAGES says (the CLI progress bar counts on it)', () => {
    const counted: Record<string, number> = {};
    for (const label of stages) {
      const id = label.split(':')[0].toLowerCase();
      counted[id] = (counted[id] ?? 0) + 1;
    }
    expect(counted).toEqual(SECTION_STAGES);
  });
  it('writes the index, one page per section and plotly.js beside them', () => {
    expect(summary.pages).toEqual(['index.html', 'sgd.html', 'adaptive.html', 'lion.html', 'benchmarks.html', 'tuned.html', 'regularization.html', 'regression.html', 'agreement.html']);
    for (const p of summary.pages) expect(existsSync(join(out, p))).toBe(true);
    expect(readFileSync(join(out, 'plotly.js'), 'utf8').length).toBeGreaterThan(1_000_000);
  });
  it('every page states its claim and verdict, and every local link resolves', () => {
    for (const p of summary.pages) {
      const d = doc(p);
      expect(d.querySelector('h1')?.textContent?.length).toBeGreaterThan(3);
      if (p !== 'index.html') {
        expect(d.querySelector('.claim')?.textContent).toMatch(/Claim/);
        expect(d.querySelector('.verdict')?.textContent?.length).toBeGreaterThan(20);
        expect(d.querySelector('script[src="plotly.js"]')).not.toBeNull();
      }
      for (const a of d.querySelectorAll('a[href]')) {
        const href = a.getAttribute('href')!;
        if (!/^[a-z]+:/.test(href)) expect(existsSync(join(out, href)), `${p} → ${href}`).toBe(true);
      }
    }
  });
  it('every figure holds data with finite numbers (gaps as null), a title and labelled axes', () => {
    let figures = 0;
    for (const p of summary.pages) {
      const d = doc(p);
      for (const el of d.querySelectorAll('.plotly')) {
        figures++;
        const id = el.getAttribute('data-figure')!;
        const text = d.getElementById(`data-${id}`)!.textContent!;
        expect(text, id).not.toMatch(/NaN|Infinity/);
        const f = JSON.parse(text) as { data: Record<string, unknown>[]; layout: { title: { text: string }; xaxis: { title: { text: string } }; yaxis: { title: { text: string } } } };
        expect(f.data.length, id).toBeGreaterThan(0);
        expect(f.layout.title.text.length, id).toBeGreaterThan(3);
        expect(f.layout.xaxis.title.text.length, id).toBeGreaterThan(0);
        expect(f.layout.yaxis.title.text.length, id).toBeGreaterThan(0);
        const numbers = JSON.stringify(f.data).match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? [];
        expect(numbers.length, id).toBeGreaterThan(0);
        for (const trace of f.data) if (trace.name !== undefined) expect(String(trace.name).length).toBeGreaterThan(0);
      }
    }
    expect(figures).toBe(Object.values(summary.figures).flat().length);
    expect(figures).toBeGreaterThanOrEqual(20);
  });
  it('legends name the optimizer and the drop rate', () => {
    const f = JSON.parse(readFileSync(join(out, 'figures', 'benchmarks', 'convergence-adam.json'), 'utf8')) as { data: { name?: string }[] };
    expect(f.data.map((t) => t.name).filter(Boolean).some((n) => n!.startsWith('Adam, p = 0.3'))).toBe(true);
  });
  it('loss figures of diverging runs: every loss drawn is below the divergence threshold, and each carries survival', () => {
    // Rosenbrock from (−1.5, 2): f(x₀) = 12.5, so the rule's threshold is 100 × 12.5.
    for (const o of ['sgd', 'adam', 'lion']) {
      const f = JSON.parse(readFileSync(join(out, 'figures', 'benchmarks', `convergence-${o}.json`), 'utf8')) as { data: { name: string; y: (number | null)[]; yaxis?: string }[] };
      const losses = f.data.filter((t) => t.yaxis !== 'y2').flatMap((t) => t.y.filter((v): v is number => v !== null));
      expect(losses.length).toBeGreaterThan(100);
      expect(Math.max(...losses), o).toBeLessThanOrEqual(1250);
      const survival = f.data.filter((t) => t.yaxis === 'y2');
      expect(survival, o).toHaveLength(4);
      for (const t of survival) for (const v of t.y) expect(v! >= 0 && v! <= 1).toBe(true);
    }
    // SGD with momentum at p = 0.5 diverges in part: its legend says how much, its mean stops where survival < 95%.
    const sgd = JSON.parse(readFileSync(join(out, 'figures', 'benchmarks', 'convergence-sgd.json'), 'utf8')) as { data: { name: string; y: (number | null)[] }[] };
    const mean = sgd.data.find((t) => /p = 0\.5 .*% diverged.*mean \(while ≥ 95% survive\)/.test(t.name));
    expect(mean).toBeDefined();
    expect(mean!.y.at(-1)).toBeNull();
  });
  it('every figure of a simulated loss over steps carries the share of trajectories not yet diverged', () => {
    const lossOverSteps: string[] = [];
    for (const section of readdirSync(join(out, 'figures'))) {
      for (const file of readdirSync(join(out, 'figures', section))) {
        const f = JSON.parse(readFileSync(join(out, 'figures', section, file), 'utf8')) as { data: { yaxis?: string; name?: string }[]; layout: { xaxis?: { title?: { text?: string } }; yaxis?: { title?: { text?: string } } } };
        const x = f.layout.xaxis?.title?.text ?? '';
        const y = f.layout.yaxis?.title?.text ?? '';
        // Simulated runs can diverge; an exact curve alone (a moment recursion) has nothing to survive.
        const simulated = f.data.some((t) => /Monte-Carlo|simulated|median/i.test(t.name ?? ''));
        if (!/^step/.test(x) || !/loss|E f/.test(y) || !simulated) continue;
        lossOverSteps.push(`${section}/${file}`);
        expect(f.data.some((t) => t.yaxis === 'y2'), `${section}/${file} has no survival trace`).toBe(true);
      }
    }
    expect(lossOverSteps.length).toBeGreaterThanOrEqual(7);
  });
  it('the index opens with the findings: one row per page, its claim and the verdict computed in this build', () => {
    const rows = [...doc('index.html').querySelectorAll('table.findings tbody tr')];
    expect(rows).toHaveLength(summary.pages.length - 1);
    for (const r of rows) expect(r.querySelector('a')!.getAttribute('href')).toMatch(/\.html$/);
    // The tuned comparison's verdict carries its numbers (best losses and tuned learning rates at both ends of p).
    const tuned = rows.find((r) => r.querySelector('a')!.getAttribute('href') === 'tuned.html')!;
    expect(tuned.textContent).toMatch(/Valley, SGD: best median loss [\d.e+-]+ at p = 0 vs [\d.e+-]+ at p = 0\.5 \(×[\d.]+\), tuned η/);
    expect(tuned.textContent).toMatch(/Rosenbrock, Lion: best median loss/);
  });
  it('tuned comparisons: for SGD on the valley the tuned η sits within two grid steps of the exact argmin of E f(x_T)', () => {
    const f = JSON.parse(readFileSync(join(out, 'figures', 'tuned', 'tuned-lr-valley.json'), 'utf8')) as { data: { name: string; y: number[] }[] };
    const tuned = f.data.find((t) => t.name === 'SGD: tuned η')!.y;
    const exact = f.data.find((t) => t.name === 'SGD: exact argmin of E f(x_T)')!.y;
    const step = (0.1 / 3e-3) ** (1 / 8); // the quick grid: 9 points over [3e-3, 0.1]
    tuned.forEach((lr, j) => expect(Math.abs(Math.log(lr / exact[j])), `p index ${j}`).toBeLessThan(2 * Math.log(step)));
  });
  it('regularization: shares per cell are probabilities that sum to at most 1, the limits are ordered, and for p ≥ 0.4 the measured escape boundary meets the almost-sure limit', () => {
    type Fig = { data: { type?: string; name: string; x: number[]; y: number[]; z?: number[][] }[] };
    const read = (id: string) => JSON.parse(readFileSync(join(out, 'figures', 'regularization', `${id}.json`), 'utf8')) as Fig;
    const sharp = read('reg-basin-sharp').data[0].z!;
    const flat = read('reg-basin-flat').data[0].z!;
    sharp.forEach((row, i) => row.forEach((v, j) => expect(v >= 0 && v + flat[i][j] <= 1 + 1e-12).toBe(true)));
    const limits = read('reg-limits').data;
    const get = (name: string) => limits.find((t) => t.name === name)!.y;
    const ms = get('sharp minimum: mean-square (SGD)');
    const as = get('sharp minimum: almost-sure (SGD)');
    const fl = get('flat minimum: mean-square = almost-sure (SGD)');
    ms.forEach((v, j) => {
      expect(as[j]).toBeGreaterThanOrEqual(0.999 * v);
      expect(fl[j]).toBeCloseTo(2 * (1 - limits[0].x[j]), 8);
      expect(fl[j] / as[j]).toBeGreaterThan(2);
    });
    // The verdict's boundary/almost-sure ratios: at p ≥ 0.4 within [0.85, 1.3] (the quick grid's step is 1.58).
    const verdict = doc('regularization.html').querySelector('.verdict')!.textContent!;
    const list = /boundary over the almost-sure limit is (.*?)\. Where/.exec(verdict)![1];
    const ratios = [...list.matchAll(/([\d.]+) \(p = ([\d.]+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(ratios.length).toBe(5);
    for (const [r, p] of ratios) if (p >= 0.4) expect(r, `p = ${p}`).toBeGreaterThan(0.85);
    for (const [r, p] of ratios) if (p >= 0.4) expect(r, `p = ${p}`).toBeLessThan(1.3);
    expect(verdict).toMatch(/falls from 100% at p = 0 to 0% at p = 0\.8/);
  });
  it('regression: every DropGrad test-loss curve lies above GD\'s, the simulated crosses sit on the exact curve, tuned GD is best', () => {
    type Fig = { data: { name: string; x: number[]; y: number[] }[] };
    const read = (id: string) => JSON.parse(readFileSync(join(out, 'figures', 'regression', `${id}.json`), 'utf8')) as Fig;
    const path = read('regression-test-path').data;
    const gd = path.find((t) => t.name === 'GD (p = 0)')!.y;
    const half = path.find((t) => t.name === 'DropGrad p = 0.5')!;
    for (const name of ['DropGrad p = 0.2', 'DropGrad p = 0.5', 'DropGrad p = 0.8']) {
      path.find((t) => t.name === name)!.y.forEach((v, t) => expect(v, `${name}, step ${t + 1}`).toBeGreaterThan(gd[t]));
    }
    const sim = path.find((t) => t.name === 'simulated, p = 0.5 (mean ± 1.96 s.e.)')!;
    sim.x.forEach((step, i) => expect(Math.abs(sim.y[i] / half.y[step - 1] - 1), `step ${step}`).toBeLessThan(0.05));
    const tuned = read('regression-tuned').data.find((t) => t.name.startsWith('η tuned for E test loss'))!.y;
    for (const v of tuned.slice(1)) expect(v).toBeGreaterThan(tuned[0]);
    const verdict = doc('regression.html').querySelector('.verdict')!.textContent!;
    expect(verdict).toMatch(/so DropGrad cannot lower the expected test loss/);
    const logistic = read('regression-logistic-tuned').data;
    for (const t of logistic) for (const v of t.y) if (v !== null) expect(Number.isFinite(v)).toBe(true);
  });
  it('equations are rendered to MathML at build time', () => {
    expect(doc('sgd.html').querySelectorAll('math').length).toBeGreaterThan(3);
  });
  it('the theory-vs-simulation tables: stochastic checks with |z| < 4, joint tests and the generator check with p > 1e-4, identities apart', () => {
    const [stochastic, joint, generator, identities] = [...doc('agreement.html').querySelectorAll('table')].map((t) => [...t.querySelectorAll('tbody tr')]);
    expect(stochastic.length).toBe(summary.checks);
    expect(stochastic.length).toBeGreaterThan(15);
    for (const r of stochastic) {
      const z = Number(r.lastElementChild!.textContent);
      expect(Math.abs(z), r.textContent!).toBeLessThan(4);
    }
    expect(joint.length).toBe(summary.joint);
    expect(joint.length).toBeGreaterThanOrEqual(3);
    expect(generator).toHaveLength(2);
    for (const r of [...joint, ...generator]) expect(Number(r.lastElementChild!.textContent), r.textContent!).toBeGreaterThan(1e-4);
    // The p = 0 identities are no longer counted as stochastic checks.
    expect(identities.length).toBe(summary.identities);
    expect(identities.length).toBeGreaterThan(0);
    for (const r of identities) expect(Number(r.lastElementChild!.textContent), r.textContent!).toBeLessThanOrEqual(1e-9);
  });
});
