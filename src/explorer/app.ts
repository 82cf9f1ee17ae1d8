/**
 * The Explorer's script (bundled by scripts/bundle.mjs into dist/browser/explorer.js): wires the page's controls to
 * the library's browser build (`DropGrad`, dist/browser/dropgrad-lab.global.js) and to plotly.js (`Plotly`).
 *
 * A change of any control: the state goes to the URL; the exact analysis runs on the page (stability limit, exact
 * moments on quadratics, the one-step law at x₀); the first 1,000 trajectories run at once on the page (the same
 * trajectories as the full ensemble's first 1,000: the preview is part of the answer, not another sample), then the
 * full ensemble on Web Workers (or WebGPU) replaces it. A newer change makes every older run's result stale: it is
 * dropped, never drawn. Timings of the last change are kept in `window.explorer.timings` (the bench reads them).
 */
import type * as DG from '../browser.ts';
import type { SimulationResult } from '../analysis/mc/result.ts';
import type { SimulationSpec } from '../analysis/mc/spec.ts';
import { type ExplorerState, cliCommand, fromHash, optimizerDefaults, parseX0, problemOf, specOf, toHash, usesBetas, usesMomentum } from './state.ts';

interface PlotlyApi {
  react(el: HTMLElement, data: unknown[], layout: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
}
const g = globalThis as unknown as { DropGrad: typeof DG; Plotly: PlotlyApi; explorer: ExplorerApi };
const dg = g.DropGrad;
const Plotly = g.Plotly;

interface ExplorerApi {
  state: ExplorerState;
  /** The result drawn last (preview or full), and whether it is the full ensemble. */
  result: SimulationResult | null;
  full: boolean;
  engine: string;
  /** ms from the last control change to the first redraw, and to the full ensemble's (null until drawn; tests and the bench wait on `full`). */
  timings: { change: number; first: number | null; full: number | null };
}

const PREVIEW = 1000;
const $ = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : v.toPrecision(digits));
const CONFIG = { displaylogo: false, responsive: true, toImageButtonOptions: { format: 'svg' } };

// ---------- controls ⇄ state ----------

const SLIDERS = ['condition', 'angle', 'sharpness', 'momentum', 'b1', 'b2', 'p', 'fullUpdateDrop', 'steps'] as const;

function writeControls(s: ExplorerState): void {
  $<HTMLSelectElement>('surface').value = s.surface;
  for (const k of SLIDERS) $(k).value = String(s[k]);
  $('lr').value = String(Math.log10(s.lr));
  $<HTMLTextAreaElement>('expr').value = s.expr;
  $('x0').value = s.x0 ? s.x0.join(',') : '';
  $<HTMLSelectElement>('optimizer').value = s.optimizer;
  $('nesterov').checked = s.nesterov;
  $('gaussian').checked = s.gaussian;
  $('weightDecay').value = String(s.weightDecay);
  $<HTMLSelectElement>('samples').value = String(s.samples);
  $('seed').value = String(s.seed);
  $<HTMLSelectElement>('backend').value = s.backend;
  showValues(s);
}

function readControls(): { state: ExplorerState; problem: string | null } {
  const s: ExplorerState = { ...g.explorer.state };
  s.surface = $<HTMLSelectElement>('surface').value as ExplorerState['surface'];
  for (const k of SLIDERS) s[k] = Number($(k).value);
  // The slider moves log₁₀ η in steps of 0.01; an η from a link or the default stays exact until the slider moves.
  const slider = Number($('lr').value);
  s.lr = Math.abs(slider - Number(Math.log10(s.lr).toFixed(2))) < 1e-9 ? s.lr : Number((10 ** slider).toPrecision(2));
  s.expr = $<HTMLTextAreaElement>('expr').value;
  s.optimizer = $<HTMLSelectElement>('optimizer').value as ExplorerState['optimizer'];
  s.nesterov = $('nesterov').checked;
  s.gaussian = $('gaussian').checked;
  s.weightDecay = Number($('weightDecay').value) || 0;
  s.samples = Number($<HTMLSelectElement>('samples').value);
  s.seed = Math.max(0, Math.floor(Number($('seed').value) || 0));
  s.backend = $<HTMLSelectElement>('backend').value as ExplorerState['backend'];
  const x0 = parseX0($('x0').value);
  if (typeof x0 !== 'string') s.x0 = x0;
  return { state: s, problem: typeof x0 === 'string' ? x0 : null };
}

function showValues(s: ExplorerState): void {
  const out = (id: string, text: string) => {
    $<HTMLOutputElement>(`${id}-value`).value = text;
  };
  out('condition', String(s.condition));
  out('angle', s.angle.toFixed(2));
  out('sharpness', String(s.sharpness));
  out('lr', fmt(s.lr, 3));
  out('momentum', s.momentum.toFixed(2));
  out('b1', String(s.b1));
  out('b2', String(s.b2));
  out('p', s.p.toFixed(2));
  out('fullUpdateDrop', s.fullUpdateDrop.toFixed(2));
  out('steps', String(s.steps));
  const show = (id: string, on: boolean) => $(`row-${id}`).classList.toggle('hidden', !on);
  show('condition', s.surface === 'valley');
  show('angle', s.surface === 'valley');
  show('sharpness', s.surface === 'doublewell');
  show('expr', s.surface === 'expr');
  show('momentum', usesMomentum(s.optimizer));
  show('nesterov', s.optimizer === 'sgd');
  show('b1', usesBetas(s.optimizer));
  show('b2', usesBetas(s.optimizer));
  $('cli').textContent = cliCommand(s);
}

// ---------- the exact analysis ----------

interface Exact {
  /** E f(x_t), t = 0 … T, where the moment recursion applies. */
  loss: number[] | null;
  mean: number[] | null;
  /** The one-step law at x₀. */
  step: { mean: number[]; cov: number[][] };
  lrMax: number | null;
  /**
   * The update law under the constant gradient ∇f(x₀), coordinate i (the largest gradient): the mean step with
   * DropGrad over the step without, exact by enumeration, and the law's ratio.
   */
  law: { t: number[]; exact: number[]; lead: number[]; leadName: string; i: number } | null;
}

/** Steps of the constant-gradient law the page enumerates (2^t mask histories each). */
const LAW_STEPS = 10;

function lawOf(s: ExplorerState, problem: ReturnType<typeof dg.buildProblem>): Exact['law'] {
  if (s.gaussian) return null; // no finite set of histories to enumerate
  const grad = problem.surface.gradient(problem.x0);
  // The coordinate with the largest gradient (a ratio needs a step to divide by).
  const i = grad.reduce((best, v, k) => (Math.abs(v) > Math.abs(grad[best]) ? k : best), 0);
  if (grad[i] === 0) return null;
  // The same optimizer without DropGrad (p = 0, no full-update drop): the step the law compares with.
  const plain = dg.buildProblem(problemOf({ ...s, p: 0, fullUpdateDrop: 0 })).chain;
  const t = Array.from({ length: Math.min(LAW_STEPS, s.steps) }, (_, k) => k + 1);
  const exact = t.map((k) => dg.enumerateConstantGradient(problem.chain, problem.x0, grad, k).meanUpdate[i] / dg.enumerateConstantGradient(plain, problem.x0, grad, k).meanUpdate[i]);
  const q = 1 - s.p;
  if (s.optimizer === 'sgd') return { t, exact, lead: t.map(() => 1), leadName: 'SGD: 1 (unbiased, with or without momentum)', i };
  if (s.optimizer === 'lion') return { t, exact, lead: t.map((k) => 1 - s.p ** k), leadName: 'Lion: 1 − pᵗ', i };
  return { t, exact, lead: t.map(() => Math.sqrt(q)), leadName: 'leading order: √(1 − p)', i };
}

function exactOf(s: ExplorerState, problem: ReturnType<typeof dg.buildProblem>): Exact {
  const o = problem.resolved;
  const step = dg.oneStep(problem.surface, { chain: problem.chain, x: problem.x0 });
  const out: Exact = { loss: null, mean: null, step: { mean: step.meanUpdate, cov: step.covUpdate }, lrMax: null, law: lawOf(s, problem) };
  if (!dg.isQuadratic(problem.surface) || o.name !== 'sgd' || o.dampening !== 0) return out;
  const q = problem.surface;
  const rates = new Float64Array(q.dim).fill(s.p);
  const family = { momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay };
  try {
    out.lrMax = dg.lrMax(q.H, { rates, ...family }).lrMax;
  } catch {
    out.lrMax = null;
  }
  const m = dg.multiStepMoments(q, {
    x0: problem.x0,
    steps: s.steps,
    lr: () => s.lr,
    rates: () => rates,
    skipRate: s.fullUpdateDrop > 0 ? () => s.fullUpdateDrop : undefined,
    ...family,
  });
  out.loss = m.expectedLossPerStep;
  out.mean = Array.from(m.mean);
  return out;
}

function showLimit(s: ExplorerState, lrMax: number | null): void {
  const tick = $<HTMLOptionElement>('lr-limit');
  const text = $<HTMLParagraphElement>('lr-limit-text');
  if (lrMax === null || !Number.isFinite(lrMax)) {
    tick.value = '';
    text.textContent = '';
    return;
  }
  tick.value = String(Math.log10(lrMax));
  text.textContent = `mean-square stability limit η_max(p = ${s.p.toFixed(2)}) = ${fmt(lrMax, 4)} (the slider's tick)${s.lr > lrMax ? ': η is above it, E‖x_t − x*‖² grows' : ''}`;
}

// ---------- figures ----------

let contourKey = '';
let contourTraces: unknown[] = [];

function contourOf(problem: ReturnType<typeof dg.buildProblem>): unknown[] {
  const key = JSON.stringify(problem.config.surface);
  if (key === contourKey) return contourTraces;
  const f = problem.surface;
  const [[x0, x1], [y0, y1]] = f.bounds;
  const n = 90;
  const xs = Array.from({ length: n }, (_, i) => x0 + ((x1 - x0) * i) / (n - 1));
  const ys = Array.from({ length: n }, (_, j) => y0 + ((y1 - y0) * j) / (n - 1));
  const p = new Float64Array(2);
  const z = ys.map((y) =>
    xs.map((x) => {
      p[0] = x;
      p[1] = y;
      return f.value(p);
    }),
  );
  const fmin = Math.min(...z.flat().filter(Number.isFinite));
  const zl = z.map((row) => row.map((v) => (Number.isFinite(v) ? Math.log10(1 + v - fmin) : null)));
  contourKey = key;
  contourTraces = [{ type: 'contour', x: xs, y: ys, z: zl, colorscale: 'Greys', reversescale: true, showscale: false, ncontours: 24, contours: { coloring: 'lines' }, line: { width: 1 }, hoverinfo: 'skip', name: 'log₁₀(1 + f − f_min)' }];
  if (f.minimizer) contourTraces.push({ type: 'scatter', mode: 'markers', x: [f.minimizer[0]], y: [f.minimizer[1]], marker: { symbol: 'x', size: 10, color: '#000' }, name: 'minimiser' });
  return contourTraces;
}

function drawContour(problem: ReturnType<typeof dg.buildProblem>, r: SimulationResult): Promise<unknown> {
  const P = dg.PALETTE;
  const data: unknown[] = [...contourOf(problem)];
  const paths = r.paths ?? [];
  paths.forEach((path, k) => {
    const pts = path.filter((x): x is number[] => x !== null);
    data.push({ type: 'scatter', mode: 'lines', x: pts.map((x) => x[0]), y: pts.map((x) => x[1]), line: { color: P[0], width: 1 }, opacity: 0.35, hoverinfo: 'skip', showlegend: k === 0, name: `first ${paths.length} paths`, legendgroup: 'paths' });
  });
  if (paths.length) {
    const med = dg.medianPath(paths).filter((x): x is number[] => x !== null);
    data.push({ type: 'scatter', mode: 'lines', x: med.map((x) => x[0]), y: med.map((x) => x[1]), line: { color: P[1], width: 3 }, name: 'median path' });
  }
  data.push({ type: 'scatter', mode: 'markers', x: [problem.x0[0]], y: [problem.x0[1]], marker: { symbol: 'circle-open', size: 11, color: P[3], line: { width: 2 } }, name: 'start x₀' });
  const [[x0, x1], [y0, y1]] = problem.surface.bounds;
  return Plotly.react($('contour'), data, dg.layout(`${problem.surface.name}: paths`, 'x₁', 'x₂', { xaxis: { ...dg.axis('x₁'), range: [x0, x1] }, yaxis: { ...dg.axis('x₂'), range: [y0, y1], scaleanchor: undefined }, legend: { orientation: 'h', y: -0.16 }, margin: { l: 52, r: 12, t: 40, b: 40 } }), CONFIG);
}

function drawLoss(s: ExplorerState, r: SimulationResult, exact: Exact, full: boolean): Promise<unknown> {
  // The reports' loss-and-survival traces (median, interquartile band, mean while ≥ 95% survive, survival on y2),
  // with the 2.5–97.5% band beneath and the exact E f(x_t) where a closed form exists.
  const bs = r.bands.steps;
  const q = (k: number) => r.bands.values.map((v) => (Number.isFinite(v[k]) && v[k] > 0 ? v[k] : null));
  const outer = { type: 'scatter', mode: 'lines', x: [...bs, ...bs.slice().reverse()], y: [...q(4), ...q(0).reverse()], fill: 'toself', fillcolor: `${dg.PALETTE[0]}1a`, line: { width: 0 }, hoverinfo: 'skip', name: '2.5–97.5%' };
  // The mean is drawn only while ≥ 95% survive (lossDistribution) and while it stays below the reports' divergence
  // limit: a few survivors on their way to overflow would otherwise stretch the axis to 10³⁰⁰.
  const limit = dg.divergenceLimit(problemOf(s));
  const over = r.perStep.lossMean.findIndex((v) => !(v <= limit));
  const mean = r.perStep.lossMean.map((v, t) => (over >= 0 && t >= over ? Number.NaN : v));
  const data: unknown[] = [outer, ...dg.lossDistribution('ensemble', 0, r.bands, mean, r.perStep.n, r.samples)];
  if (exact.loss) data.push({ type: 'scatter', mode: 'lines', x: exact.loss.map((_, t) => t), y: exact.loss.map((v) => (v > 0 && Number.isFinite(v) ? v : null)), line: { color: '#000', width: 1.5, dash: 'dash' }, name: 'exact E f(x_t)' });
  const title = `${full ? r.samples.toLocaleString('en') : `first ${r.samples.toLocaleString('en')} of ${s.samples.toLocaleString('en')}`} trajectories`;
  const base = dg.distributionLayout(title, 'loss f(x_t)');
  return Plotly.react($('loss'), data, { ...base, height: undefined, legend: { orientation: 'h', y: -0.16 }, margin: { l: 60, r: 12, t: 40, b: 40 } }, CONFIG);
}

function drawLaw(s: ExplorerState, exact: Exact): Promise<unknown> {
  const P = dg.PALETTE;
  const law = exact.law;
  const coord = law ? `x${law.i === 0 ? '₁' : '₂'}` : '';
  const data: unknown[] = law
    ? [
        { type: 'scatter', mode: 'lines+markers', x: law.t, y: law.exact, line: { color: P[0], width: 2 }, name: 'exact (2^t mask histories)' },
        { type: 'scatter', mode: 'lines', x: law.t, y: law.lead, line: { color: '#000', width: 1.5, dash: 'dash' }, name: law.leadName },
      ]
    : [];
  const title = law ? `${s.optimizer}, gradient held at ∇f(x₀), p = ${s.p.toFixed(2)}` : 'no finite law to enumerate (Gaussian multipliers, or ∇f(x₀) = 0)';
  return Plotly.react($('law'), data, dg.layout(title, 'step t', `step ratio, ${coord} (dimensionless)`, { yaxis: { ...dg.axis(`step ratio, ${coord} (dimensionless)`), rangemode: 'tozero' }, legend: { orientation: 'h', y: -0.3 }, margin: { l: 64, r: 12, t: 40, b: 40 } }), CONFIG);
}

function drawTable(s: ExplorerState, problem: ReturnType<typeof dg.buildProblem>, r: SimulationResult, exact: Exact): void {
  const rows: [string, number | null, number | null, number | null][] = [];
  const z = (mc: number | null, ex: number | null, se: number | null) => (mc === null || ex === null || se === null || !(se > 0) ? null : (mc - ex) / se);
  // E[Δ₁] from the same run: every trajectory starts at x₀, so E[x₁] − x₀ is the mean first update.
  const n1 = r.perStep.n[1] ?? 0;
  for (let i = 0; i < problem.surface.dim && r.steps >= 1; i++) {
    const m1 = r.perStep.mean[1];
    const mc = m1 ? m1[i] - problem.x0[i] : null;
    const se = n1 > 1 ? Math.sqrt(r.perStep.variance[1][i] / n1) : null;
    rows.push([`E[Δ₁]${i === 0 ? '₁' : '₂'} (first update)`, exact.step.mean[i], mc, se]);
  }
  for (let i = 0; i < problem.surface.dim; i++) rows.push([`E[x_T]${i === 0 ? '₁' : '₂'}, T = ${s.steps}`, exact.mean ? exact.mean[i] : null, r.mean ? r.mean[i] : null, r.mean ? r.stderrMean[i] : null]);
  rows.push([`E f(x_T), T = ${s.steps}`, exact.loss ? exact.loss[s.steps] : null, r.mean ? r.meanLoss : null, r.mean ? r.stderrLoss : null]);
  // The median (the CLI's too): robust where a few survivors on their way to overflow dominate the mean.
  rows.push([`median f(x_T), T = ${s.steps} (loss histogram)`, null, r.medianLoss, null]);
  const body = $<HTMLTableElement>('theory').tBodies[0];
  body.replaceChildren(
    ...rows.map(([name, ex, mc, se]) => {
      const tr = document.createElement('tr');
      const zz = z(mc, ex, se);
      const cells = [name, ex === null ? 'no closed form here' : fmt(ex, 6), mc === null ? 'all diverged' : se === null ? fmt(mc, 6) : `${fmt(mc, 6)} ± ${fmt(se, 2)}`, zz === null ? '—' : zz.toFixed(2)];
      for (const [k, text] of cells.entries()) {
        const td = document.createElement('td');
        td.textContent = text;
        if (k === 2 && mc !== null) td.dataset.value = String(mc);
        if (k === 3 && zz !== null && Math.abs(zz) > 3) td.style.color = dg.PALETTE[3];
        tr.append(td);
      }
      return tr;
    }),
  );
}

// ---------- runs ----------

let generation = 0;
let runner: Awaited<ReturnType<typeof dg.browserRunner>> | null = null;
let runnerIsHardware = false;
const workers = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));

function engineFor(s: ExplorerState): 'cpu' | 'webgpu' {
  if (s.backend === 'cpu' || !runner) return 'cpu';
  return s.backend === 'webgpu' || runnerIsHardware ? 'webgpu' : 'cpu';
}

async function fullRun(spec: SimulationSpec, engine: 'cpu' | 'webgpu', preview: SimulationResult): Promise<SimulationResult> {
  if (engine === 'webgpu' && runner) {
    try {
      const r = await dg.simulateGpu({ ...spec, keepPaths: 0 }, runner);
      return { ...r, paths: preview.paths };
    } catch (e) {
      if (!(e instanceof dg.GpuUnsupported)) throw e;
    }
  }
  return dg.simulate(spec, { workers });
}

async function run(): Promise<void> {
  const gen = ++generation;
  const api = g.explorer;
  api.timings = { change: performance.now(), first: null, full: null };
  const { state: s, problem: x0Problem } = readControls();
  api.state = s;
  history.replaceState(null, '', toHash(s) || location.pathname);
  showValues(s);
  const exprError = $<HTMLParagraphElement>('expr-error');
  const status = $<HTMLParagraphElement>('status');
  exprError.textContent = '';
  let problem: ReturnType<typeof dg.buildProblem>;
  try {
    if (x0Problem) throw new Error(x0Problem);
    problem = dg.buildProblem(problemOf(s));
    if (problem.surface.dim !== 2) throw new Error(`the explorer draws two-dimensional surfaces; this one has ${problem.surface.dim} variables`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (s.surface === 'expr') exprError.textContent = message;
    status.textContent = `not run: ${message}`;
    return;
  }
  const exact = exactOf(s, problem);
  showLimit(s, exact.lrMax);
  const spec = specOf(s);
  const previewSpec = specOf(s, Math.min(PREVIEW, s.samples));
  const preview = dg.simulateSync(previewSpec);
  void drawLaw(s, exact); // independent of the ensemble: drawn once per change
  const show = async (r: SimulationResult, full: boolean) => {
    api.result = r;
    api.full = full;
    await Promise.all([drawContour(problem, r), drawLoss(s, r, exact, full)]);
    drawTable(s, problem, r, exact);
  };
  await show(preview, previewSpec.samples === s.samples);
  if (gen !== generation) return;
  api.timings.first = performance.now() - api.timings.change;
  const engine = engineFor(s);
  if (previewSpec.samples === s.samples) {
    api.timings.full = api.timings.first;
    api.engine = 'page (WebAssembly)';
    status.textContent = `${s.samples.toLocaleString('en')} trajectories × ${s.steps} steps on the page (${preview.kernel}) in ${(preview.seconds * 1000).toFixed(0)} ms${preview.diverged ? `; ${preview.diverged} diverged` : ''}`;
    return;
  }
  status.textContent = `first ${previewSpec.samples.toLocaleString('en')} trajectories drawn; running all ${s.samples.toLocaleString('en')} on ${engine === 'webgpu' ? `WebGPU (${runner?.adapter})` : `${workers} Web Workers`}…`;
  let r: SimulationResult;
  try {
    r = await fullRun(spec, engine, preview);
  } catch (e) {
    if (gen === generation) status.textContent = `the full ensemble failed: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  if (gen !== generation) return;
  await show(r, true);
  if (gen !== generation) return;
  api.timings.full = performance.now() - api.timings.change;
  api.engine = engine === 'webgpu' ? `WebGPU (${runner?.adapter})` : `${workers} Web Workers (${r.kernel})`;
  status.textContent = `${s.samples.toLocaleString('en')} trajectories × ${s.steps} steps on ${api.engine} in ${(r.seconds * 1000).toFixed(0)} ms${r.diverged ? `; ${r.diverged.toLocaleString('en')} diverged (first at step ${r.firstDivergence})` : ''}.`;
}

let pending = 0;
function schedule(): void {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(() => void run());
}

async function start(): Promise<void> {
  const { state, problems } = fromHash(location.hash);
  g.explorer = { state, result: null, full: false, engine: '', timings: { change: 0, first: null, full: null } };
  $('problems').textContent = problems.length ? `Link settings not used: ${problems.join('; ')}` : '';
  writeControls(state);
  const form = $<HTMLFormElement>('controls');
  form.addEventListener('input', (e) => {
    const t = e.target as HTMLElement;
    if (t.id === 'expr' || t.id === 'x0') return; // typed text runs on change (Enter or leaving the field)
    schedule();
  });
  form.addEventListener('change', (e) => {
    const t = e.target as HTMLElement;
    if (t.id === 'optimizer') {
      // β and weight decay follow the new optimizer's defaults (Lion's β₂ 0.99, AdamW's decay 1e-2).
      const d = optimizerDefaults($<HTMLSelectElement>('optimizer').value as ExplorerState['optimizer']);
      $('b1').value = String(d.b1);
      $('b2').value = String(d.b2);
      $('weightDecay').value = String(d.weightDecay);
    }
    schedule();
  });
  $('copy-cli').addEventListener('click', async () => {
    const text = $('cli').textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      $('copied').textContent = 'copied';
    } catch {
      // A page opened from disk may not have clipboard access: select the text for a manual copy instead.
      const range = document.createRange();
      range.selectNodeContents($('cli'));
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      $('copied').textContent = 'selected: press Ctrl+C';
    }
  });
  window.addEventListener('hashchange', () => {
    const next = fromHash(location.hash);
    if (toHash(next.state) === toHash(g.explorer.state)) return;
    writeControls(next.state);
    schedule();
  });
  $('status').textContent = 'preparing the WebAssembly kernels…';
  await dg.prepareWasm();
  try {
    runner = await dg.browserRunner();
    runnerIsHardware = runner !== null && !/swiftshader|llvmpipe|lavapipe|softpipe/i.test(runner.adapter);
  } catch {
    runner = null;
  }
  $('backend-info').textContent = runner ? `WebGPU adapter: ${runner.adapter}${runnerIsHardware ? '' : ' (a software rasteriser: auto uses the CPU)'}` : 'no WebGPU adapter: the CPU engine runs';
  await run();
}

void start();
