/**
 * `dropgrad report`: builds the sections, then writes one self-contained page per section, an index, the plotly.js
 * bundle once beside them, and every figure as JSON under figures/ (for `dropgrad figure`).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { prepareWasm, wasmReady } from '../analysis/mc/wasm/kernel.ts';
import { PACKAGE_VERSION } from '../sweep/store.ts';
import type { GpuRunner } from '../gpu/simulate.ts';
import { type ReportContext, makeContext } from './context.ts';
import { html, page, raw } from './html.ts';
import { type Section, sectionPage } from './page.ts';
import { adaptiveSection } from './sections/adaptive.ts';
import { agreementSection } from './sections/agreement.ts';
import { benchmarksSection } from './sections/benchmarks.ts';
import { lionSection } from './sections/lion.ts';
import { regressionSection } from './sections/regression.ts';
import { regularizationSection } from './sections/regularization.ts';
import { sgdSection } from './sections/sgd.ts';
import { tunedSection } from './sections/tuned.ts';

export const SECTIONS: Record<string, (ctx: ReportContext) => Section | Promise<Section>> = {
  sgd: sgdSection,
  adaptive: adaptiveSection,
  lion: lionSection,
  benchmarks: benchmarksSection,
  tuned: tunedSection,
  regularization: regularizationSection,
  regression: regressionSection,
};

/** Progress stages each section reports (ctx.progress calls), for a progress bar. */
export const SECTION_STAGES: Record<string, number> = { sgd: 6, adaptive: 3, lion: 3, benchmarks: 3, tuned: 2, regularization: 3, regression: 3 };

export interface ReportOptions {
  out: string;
  quick?: boolean;
  sections?: string[];
  seed?: number;
  progress?: (label: string) => void;
  /** Run the big grids on this WebGPU path. */
  gpu?: GpuRunner;
}

export interface ReportSummary {
  out: string;
  pages: string[];
  figures: Record<string, string[]>;
  /** Stochastic checks (z-scores), joint tests (Hotelling's T²), deterministic identities. */
  checks: number;
  joint: number;
  identities: number;
  /** Largest |z| of the stochastic checks. */
  worstZ: number;
  seconds: number;
}

/**
 * Writes the research reports to `o.out`: one self-contained HTML page per section (plotly.js written once beside
 * them, equations as MathML), an index that opens with the findings, and a theory-vs-simulation table.
 */
export async function buildReport(o: ReportOptions): Promise<ReportSummary> {
  const t0 = performance.now();
  await prepareWasm();
  const ctx = makeContext(o.quick ?? false, o.seed ?? 1, o.progress, o.gpu);
  const chosen = o.sections?.length ? o.sections : Object.keys(SECTIONS);
  const sections: Section[] = [];
  for (const id of chosen) sections.push(await SECTIONS[id](ctx));
  sections.push(agreementSection(ctx));
  mkdirSync(join(o.out, 'figures'), { recursive: true });
  copyFileSync(createRequire(import.meta.url).resolve('plotly.js-dist'), join(o.out, 'plotly.js'));
  const nav = sections.map((s) => ({ id: s.id, title: s.title }));
  const figures: Record<string, string[]> = {};
  for (const s of sections) {
    writeFileSync(join(o.out, `${s.id}.html`), sectionPage(s, nav));
    figures[s.id] = [];
    for (const b of s.blocks) {
      if (b.kind !== 'figure') continue;
      figures[s.id].push(b.figure.id);
      mkdirSync(join(o.out, 'figures', s.id), { recursive: true });
      writeFileSync(join(o.out, 'figures', s.id, `${b.figure.id}.json`), JSON.stringify({ data: b.figure.data, layout: b.figure.layout }));
    }
  }
  const plotlyVersion = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist/package.json'), 'utf8')) as { version: string }).version;
  const seconds = (performance.now() - t0) / 1000;
  const stochastic = ctx.checks.filter((c) => c.kind === 'stochastic');
  const identities = ctx.checks.length - stochastic.length;
  const worstZ = stochastic.reduce((a, c) => Math.max(a, Math.abs(c.z)), 0);
  const index = html`<h1>DropGrad: what it does to SGD, the Adam family and Lion</h1>
<p>Each page states a claim of the DropGrad analysis document, then what the exact analysis (docs/theory.md) and the seeded Monte-Carlo simulation say, with the numbers.</p>
<h2>Findings</h2>
<table class="findings"><thead><tr><th class="l">claim</th><th class="l">what this build found</th></tr></thead><tbody>
${sections.map((s) => html`<tr><td class="l"><a href="${s.id}.html">${s.title}</a><br>${s.claim}</td><td class="l">${s.verdict}</td></tr>`)}
</tbody></table>
<h2>Configuration</h2>
<table><tbody>
<tr><td class="l">build</td><td class="l">${o.quick ? 'quick (small sizes)' : 'full'}</td></tr>
<tr><td class="l">seed</td><td class="l">${ctx.seed}</td></tr>
<tr><td class="l">trajectories per Monte-Carlo estimate</td><td class="l">${ctx.samples} (fewer where stated)</td></tr>
<tr><td class="l">backend</td><td class="l">cpu (${wasmReady() ? 'WebAssembly fused kernels' : 'JavaScript kernels'}; general path elsewhere)${o.gpu ? `; sensitivity grids on WebGPU (${o.gpu.adapter})` : ''}</td></tr>
<tr><td class="l">versions</td><td class="l">dropgrad-lab ${PACKAGE_VERSION}, Node ${process.version}, plotly.js ${plotlyVersion}</td></tr>
<tr><td class="l">closed forms checked</td><td class="l">${stochastic.length} stochastic (largest |z| = ${worstZ.toFixed(2)}), ${ctx.joint.length} joint (Hotelling's T²), ${identities} deterministic identities</td></tr>
<tr><td class="l">build time</td><td class="l">${seconds.toFixed(1)} s</td></tr>
</tbody></table>`;
  writeFileSync(join(o.out, 'index.html'), page('DropGrad reports', index, raw('')));
  return { out: o.out, pages: ['index.html', ...sections.map((s) => `${s.id}.html`)], figures, checks: stochastic.length, joint: ctx.joint.length, identities, worstZ, seconds };
}
