/**
 * The Explorer's page: markup and style of `dropgrad explore` (src/cli/commands/explore.ts writes it beside
 * plotly.js, the library's browser build and the page's script, src/explorer/app.ts). Every control has a visible
 * label with its unit and is a native input (keyboard-operable: arrows move a slider); the colours are the
 * reports' colour-blind-safe palette. No user text is ever written into the markup: the script sets text only.
 */
import { escapeHtml } from '../report/html.ts';
import { PALETTE } from '../report/theme.ts';
import { EXPLORER_OPTIMIZERS } from './state.ts';

const SURFACES: [string, string][] = [
  ['valley', 'quadratic valley (condition, angle)'],
  ['rosenbrock', 'Rosenbrock'],
  ['rastrigin', 'Rastrigin'],
  ['ackley', 'Ackley'],
  ['beale', 'Beale'],
  ['doublewell', 'double well (flat and sharp minimum)'],
  ['expr', 'custom mathjs expression'],
];

const option = (value: string, label = value) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;

/** A labelled slider with its value shown beside it (`<output>`). */
const slider = (id: string, label: string, min: number, max: number, step: number, list = '') =>
  `<div class="row" id="row-${id}"><label for="${id}">${label}</label><input type="range" id="${id}" min="${min}" max="${max}" step="${step}"${list ? ` list="${list}"` : ''}><output for="${id}" id="${id}-value"></output></div>`;

const numberInput = (id: string, label: string, attrs: string) => `<div class="row" id="row-${id}"><label for="${id}">${label}</label><input type="number" id="${id}" ${attrs}></div>`;

const checkbox = (id: string, label: string) => `<div class="row" id="row-${id}"><label for="${id}">${label}</label><input type="checkbox" id="${id}"></div>`;

export function explorerPage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DropGrad Explorer</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #222; }
  header { padding: 10px 18px; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 18px; margin: 0 0 2px; }
  header p { margin: 0; color: #555; }
  main { display: grid; grid-template-columns: 360px minmax(0, 1fr); gap: 0; }
  form { padding: 12px 14px; border-right: 1px solid #ddd; background: #fafafa; min-width: 0; }
  fieldset { border: 1px solid #ddd; border-radius: 6px; margin: 0 0 10px; padding: 6px 10px 8px; }
  legend { font-weight: 600; padding: 0 4px; }
  .row { display: grid; grid-template-columns: 120px minmax(0, 1fr) 52px; align-items: center; gap: 6px; margin: 4px 0; }
  .row select, .row input[type=number] { grid-column: 2 / 4; min-width: 0; width: 100%; box-sizing: border-box; }
  .row input[type=range] { min-width: 0; width: 100%; }
  .note { font-size: 12.5px; color: #444; margin: 4px 0; }
  .row label { font-size: 13px; }
  .row output { font-variant-numeric: tabular-nums; text-align: right; font-size: 13px; }
  .row textarea, .row input[type=text] { grid-column: 1 / 4; width: 100%; box-sizing: border-box; font: 13px ui-monospace, monospace; }
  .row.wide label { grid-column: 1 / 4; }
  .hidden { display: none !important; }
  .error { color: ${PALETTE[3]}; font-size: 13px; margin: 2px 0 6px; white-space: pre-wrap; }
  #lr-limit-text { font-size: 12px; color: #555; margin: 0 0 4px; }
  #views { padding: 10px 16px; min-width: 0; }
  .plots { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
  .plot { height: 430px; border: 1px solid #eee; }
  .plot.short { height: 320px; }
  figcaption { font-size: 12.5px; color: #444; margin: 4px 2px 10px; }
  #status { font-size: 13px; color: #333; margin: 0 0 8px; min-height: 1.4em; }
  table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #e5e5e5; padding: 3px 10px; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  code#cli { display: block; white-space: pre-wrap; word-break: break-all; background: #f3f3f3; padding: 6px 8px; border-radius: 4px; font-size: 12px; }
  button { font: inherit; padding: 3px 10px; }
</style>
</head>
<body>
<header>
  <h1>DropGrad Explorer</h1>
  <p>Move a control and the exact analysis and a seeded Monte-Carlo ensemble redraw. The same settings and seed give
  the same numbers as the <code>dropgrad simulate</code> command shown below (CPU engine). dropgrad-lab ${escapeHtml(version)}.</p>
  <p id="problems" class="error" role="alert"></p>
</header>
<main>
<form id="controls" autocomplete="off" onsubmit="return false">
  <fieldset><legend>Surface</legend>
    <div class="row"><label for="surface">surface</label><select id="surface">${SURFACES.map(([v, l]) => option(v, l)).join('')}</select></div>
    ${slider('condition', 'condition κ (λ_max/λ_min)', 1, 200, 1)}
    ${slider('angle', 'angle θ (rad)', -1.57, 1.57, 0.01)}
    ${slider('sharpness', 'sharpness r (curvature ratio)', 1, 100, 1)}
    <div class="row wide" id="row-expr"><label for="expr">f(x, y) (mathjs: + − * / ^, numbers, x, y, pi, e, sin, cos, exp, log, …)</label><textarea id="expr" rows="2" spellcheck="false"></textarea></div>
    <p id="expr-error" class="error" role="alert"></p>
    <div class="row wide"><label for="x0">start x₀ = x,y (empty: the surface's start)</label><input type="text" id="x0" placeholder="the surface's start"></div>
  </fieldset>
  <fieldset><legend>Optimizer</legend>
    <div class="row"><label for="optimizer">optimizer</label><select id="optimizer">${EXPLORER_OPTIMIZERS.map((o) => option(o)).join('')}</select></div>
    ${slider('lr', 'learning rate η (log scale)', -5, 0.5, 0.01, 'lr-ticks')}
    <datalist id="lr-ticks"><option id="lr-limit" value=""></option></datalist>
    <p id="lr-limit-text" aria-live="polite"></p>
    ${slider('momentum', 'momentum μ', 0, 0.99, 0.01)}
    ${checkbox('nesterov', 'Nesterov')}
    ${slider('b1', 'β₁', 0, 0.999, 0.001)}
    ${slider('b2', 'β₂', 0.9, 0.9999, 0.0001)}
    ${numberInput('weightDecay', 'weight decay λ', 'min="0" max="1" step="0.001"')}
  </fieldset>
  <fieldset><legend>DropGrad</legend>
    ${slider('p', 'drop rate p', 0, 0.95, 0.01)}
    ${checkbox('gaussian', 'Gaussian multipliers (not Bernoulli)')}
    ${slider('fullUpdateDrop', 'full-update drop r', 0, 0.9, 0.01)}
  </fieldset>
  <fieldset><legend>Ensemble</legend>
    <div class="row"><label for="samples">trajectories N</label><select id="samples">${[100, 1000, 10000, 100000].map((n) => option(String(n), n.toLocaleString('en'))).join('')}</select></div>
    ${slider('steps', 'steps T', 10, 1000, 10)}
    ${numberInput('seed', 'seed', 'min="0" max="4294967295" step="1"')}
    <div class="row"><label for="backend">engine</label><select id="backend">${option('auto', 'auto (WebGPU on a hardware GPU, else CPU)')}${option('cpu', 'CPU: Web Workers, WebAssembly')}${option('webgpu', 'WebGPU (float32)')}</select></div>
    <p id="backend-info" class="note" aria-live="polite"></p>
  </fieldset>
  <fieldset><legend>The same run on the command line</legend>
    <code id="cli"></code>
    <p><button type="button" id="copy-cli">copy CLI command</button> <span id="copied" aria-live="polite"></span></p>
  </fieldset>
</form>
<section id="views" aria-label="figures">
  <p id="status" role="status" aria-live="polite">loading…</p>
  <div class="plots">
    <figure><div id="contour" class="plot" role="img" aria-label="contour plot with sampled paths"></div>
      <figcaption id="contour-caption">Contours of log₁₀(1 + f − f_min) over the surface's box; thin lines: the first trajectories' paths; thick: their coordinate-wise median path (drawn while at least half of them are finite); ○ start, ✕ a minimiser.</figcaption></figure>
    <figure><div id="loss" class="plot" role="img" aria-label="loss against step with median, quantile bands and survival"></div>
      <figcaption id="loss-caption">Loss f(x_t) of the trajectories not yet diverged: median, 25–75% and 2.5–97.5% bands; the mean (dotted) only while ≥ 95% survive and it stays below 100 × max(1, f(x₀)); the exact E f(x_t) where a closed form exists (SGD family on the quadratic valley). Below: the share of trajectories not yet diverged (a trajectory diverges at the step where a coordinate becomes non-finite, as in <code>dropgrad simulate</code>).</figcaption></figure>
    <figure><div id="law" class="plot short" role="img" aria-label="mean step with DropGrad over the step without, under a constant gradient: exact and the law"></div>
      <figcaption>The update law under DropGrad with the gradient held at ∇f(x₀) (docs/theory.md §4), on the coordinate of the largest gradient: the exact mean step at step t (all 2^t mask histories) divided by the step of the same optimizer without DropGrad, beside the law's ratio — Adam, AdamW, NAdam, Adagrad, RMSprop, Adadelta: √(1 − p) at leading order (β₂ → 1, ε → 0; Adadelta departs from it); Lion: 1 − pᵗ exactly; SGD: 1 (unbiased) with or without momentum. Full-update drop and weight decay move the exact ratio off these lines.</figcaption></figure>
    <div>
      <h2 style="font-size:15px;margin:6px 0">Theory against simulation</h2>
      <table id="theory"><thead><tr><th>quantity</th><th>exact</th><th>Monte-Carlo (± s.e.)</th><th>z</th></tr></thead><tbody></tbody></table>
      <p class="note">z = (Monte-Carlo − exact)/s.e.; |z| &gt; 3 is a disagreement. E[Δ₁] is the exact one-step law at x₀ (docs/theory.md §1); E[x_T] and E f(x_T) the exact moment recursion on quadratics (§3).</p>
    </div>
  </div>
</section>
</main>
<script src="plotly.js"></script>
<script src="dropgrad-lab.global.js"></script>
<script src="explorer.js"></script>
</body>
</html>
`;
}
