/** Report 2: the Adam family under DropGrad (docs/theory.md §4). */
import { adamDeltaMethod, enumerateConstantGradient } from '../../analysis/index.ts';
import { type OptimizerName, makeOptimizer, withDropGrad } from '../../optimizers/index.ts';
import { type ReportContext, check, mc } from '../context.ts';
import { html } from '../html.ts';
import { tex } from '../math.ts';
import type { Block, Section } from '../page.ts';
import { DIVERGENCE_RULE, type ProblemConfig, divergenceLimit } from '../../problem.ts';
import { color, distributionLayout, layout, line, lossDistribution } from '../theme.ts';

const S = 'adaptive';
const NAMES: OptimizerName[] = ['adam', 'adamw', 'adagrad', 'rmsprop', 'adadelta'];
const LABEL: Record<string, string> = { adam: 'Adam', adamw: 'AdamW', adagrad: 'Adagrad', rmsprop: 'RMSprop', adadelta: 'Adadelta' };

/** Exact mean step at t (constant gradient 1) with drop rate p, divided by the step without DropGrad. */
function ratio(name: OptimizerName, p: number, t: number): { ratio: number; mean: number; variance: number } {
  const e = enumerateConstantGradient(withDropGrad(makeOptimizer({ name }), { rate: p }), [0], [1], t);
  const b = enumerateConstantGradient(withDropGrad(makeOptimizer({ name }), { rate: 0 }), [0], [1], t);
  return { ratio: e.meanUpdate[0] / b.meanUpdate[0], mean: e.meanUpdate[0], variance: e.varUpdate[0] };
}

export function adaptiveSection(ctx: ReportContext): Section {
  const blocks: Block[] = [];
  const p = 0.3;
  const q = 1 - p;
  const tMax = ctx.quick ? 10 : 16;
  const ts = Array.from({ length: tMax }, (_, i) => i + 1);
  ctx.progress('adaptive: √(1−p) law');
  const data: Record<string, unknown>[] = [line('√(1 − p)', [1, 128], [Math.sqrt(q), Math.sqrt(q)], 7, { line: { color: '#000', dash: 'dash', width: 1.5 } })];
  const late = ctx.quick ? [32, 64] : [32, 64, 128];
  const constant = (name: OptimizerName, rate: number): ProblemConfig => ({ surface: { kind: 'expr', expr: 'x' }, x0: [0], optimizer: { name }, drop: { rate } });
  const summary: (string | number)[][] = [];
  /** Per optimizer: the exact ratio at t = 1 and t = tMax, and the Monte-Carlo ratio at the latest t. */
  const law: Record<string, { first: number; exact: number; late: number; lateSe: number }> = {};
  NAMES.forEach((name, k) => {
    const r = ts.map((t) => ratio(name, p, t));
    data.push(line(`${LABEL[name]}, exact (enumeration)`, ts, r.map((x) => x.ratio), k, { mode: 'lines+markers' }));
    // Beyond enumeration: Monte-Carlo ratio of mean steps (the step without DropGrad is deterministic).
    const mcPts = late.map((t) => {
      const sim = mc(ctx, constant(name, p), t, { samples: ctx.quick ? 2000 : 10000 });
      const base = mc(ctx, constant(name, 0), t, { samples: 1 });
      return { t, ratio: sim.update.mean[0] / base.update.mean[0], se: sim.update.stderrMean[0] / Math.abs(base.update.mean[0]) };
    });
    data.push({ type: 'scatter', mode: 'markers', name: `${LABEL[name]}, Monte-Carlo`, x: mcPts.map((m) => m.t), y: mcPts.map((m) => m.ratio), error_y: { type: 'data', array: mcPts.map((m) => 1.96 * m.se), visible: true }, marker: { color: color(k), symbol: 'diamond', size: 8 } });
    // Enumeration vs Monte-Carlo at t = 8.
    const sim8 = mc(ctx, constant(name, p), 8, { samples: ctx.quick ? 4000 : 20000 });
    check(ctx, S, `${LABEL[name]} E[Δ_8], constant gradient, p = ${p}`, ratio(name, p, 8).mean, sim8.update.mean[0], sim8.update.stderrMean[0]);
    summary.push([LABEL[name], r[r.length - 1].ratio, mcPts[mcPts.length - 1].ratio, mcPts[mcPts.length - 1].se, Math.sqrt(q)]);
    law[name] = { first: r[0].ratio, exact: r[r.length - 1].ratio, late: mcPts[mcPts.length - 1].ratio, lateSe: mcPts[mcPts.length - 1].se };
  });
  data.push(line('Adam, second-order delta method', ts, ts.map((t) => adamDeltaMethod(1, p, t, 1) / -1), 0, { line: { color: color(0), dash: 'dot' } }));
  blocks.push({
    kind: 'html',
    html: html`<h2>The √(1 − p) step-scaling law</h2><p>Under a constant gradient, Adam's bias-corrected moments are exactly unbiased for ${tex('g')} and ${tex('g^2/q')}:
${tex('\\mathbb{E}[\\hat m_t] = g,\\quad \\mathbb{E}[\\hat v_t] = g^2/q', true)} so at leading order (β₂ → 1, ε → 0) the step is ${tex('-\\eta\\sqrt{q}\\,\\operatorname{sign}(g)')}: DropGrad multiplies the effective step by ${tex('\\sqrt{1-p}')}.
Exact values come from enumerating all ${tex('2^t')} mask histories; beyond t = ${tMax}, Monte-Carlo (diamonds, 95% error bars). Drop rate p = ${p}.</p>`,
  });
  blocks.push({ kind: 'figure', figure: { id: 'adaptive-ratio', title: 'Step ratio', data, layout: layout('Mean step with DropGrad ÷ step without, constant gradient, p = 0.3', 'step t', 'ratio (dimensionless)', { xaxis: { type: 'log', title: { text: 'step t (log scale)' } } }), caption: 'Adam, AdamW, Adagrad and RMSprop sit near √(1 − p) ≈ 0.837; Adadelta falls away from it as t grows: its numerator accumulator stops growing under DropGrad, so the law does not hold for it.' } });
  blocks.push({ kind: 'table', head: ['optimizer', `exact ratio at t = ${tMax}`, `Monte-Carlo ratio at t = ${late[late.length - 1]}`, 's.e.', '√(1 − p)'], rows: summary, caption: 'Where the law holds and where it does not.' });

  ctx.progress('adaptive: ratio vs p');
  const pGrid = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
  const vsP: Record<string, unknown>[] = [line('√(1 − p)', pGrid, pGrid.map((x) => Math.sqrt(1 - x)), 7, { line: { color: '#000', dash: 'dash' } })];
  const varRows: (string | number)[][] = [];
  NAMES.forEach((name, k) => {
    const r = pGrid.map((x) => ratio(name, x, tMax));
    vsP.push(line(LABEL[name], pGrid, r.map((v) => v.ratio), k, { mode: 'lines+markers' }));
    varRows.push([LABEL[name], ...[0.1, 0.3, 0.5].map((x) => ratio(name, x, tMax).variance)]);
  });
  vsP.push(line('Adam, delta method', pGrid, pGrid.map((x) => -adamDeltaMethod(1, x, tMax, 1)), 0, { line: { dash: 'dot', color: color(0) } }));
  blocks.push({ kind: 'figure', figure: { id: 'adaptive-ratio-vs-p', title: 'Ratio vs p', data: vsP, layout: layout(`Exact step ratio at t = ${tMax} vs drop rate`, 'drop rate p', 'ratio (dimensionless)'), caption: 'Exact enumeration against the √(1 − p) law (dashed) and Adam’s second-order delta method (dotted).' } });
  blocks.push({ kind: 'table', head: ['optimizer', 'Var(Δ), p = 0.1', 'Var(Δ), p = 0.3', 'Var(Δ), p = 0.5'], rows: varRows, caption: `Exact variance of the update at t = ${tMax} (default learning rates, constant gradient 1).` });

  ctx.progress('adaptive: quadratic and Rosenbrock');
  for (const [surface, label, steps] of [
    [{ kind: 'valley' }, 'narrow valley', ctx.quick ? 80 : 200],
    [{ kind: 'rosenbrock' }, 'Rosenbrock', ctx.quick ? 150 : 400],
  ] as [ProblemConfig['surface'], string, number][]) {
    const curves: Record<string, unknown>[] = [];
    [0, 0.3, 0.6].forEach((rate, k) => {
      const samples = ctx.quick ? 500 : 4000;
      const problem: ProblemConfig = { surface, optimizer: { name: 'adam', lr: 0.02 }, drop: { rate } };
      const sim = mc(ctx, problem, steps, { samples, bandSteps: 50, divergenceLoss: divergenceLimit(problem) });
      curves.push(...lossDistribution(`Adam, p = ${rate}`, k, sim.bands, sim.perStep.lossMean, sim.perStep.n, samples));
    });
    blocks.push({ kind: 'figure', figure: { id: `adaptive-${surface.kind}`, title: `Adam on ${label}`, data: curves, layout: distributionLayout(`Adam (η = 0.02) on the ${label}: loss per step`, 'loss (loss units, log scale)'), caption: `Median loss (line) and interquartile range (band) of the trajectories not yet diverged, the mean (dotted) while at least 95% survive, and below the share not yet diverged. The √(1 − p) law predicts slower progress with larger p at equal η; the bands show the added spread. Divergence: ${DIVERGENCE_RULE}.` } });
  }
  // The verdict from the numbers above: which optimizers the √(1 − p) law describes, and how closely.
  const dev = (v: number) => Math.abs(v / Math.sqrt(q) - 1);
  const follows = NAMES.filter((n) => dev(law[n].exact) < 0.05 && dev(law[n].late) < 0.05);
  const departs = NAMES.filter((n) => !follows.includes(n));
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const worst = follows.length ? Math.max(...follows.flatMap((n) => [dev(law[n].exact), dev(law[n].late)])) : 0;
  const lawVerdict = html`At p = ${p}, under a constant gradient, ${follows.map((n) => LABEL[n]).join(', ') || 'no optimizer'} follow${follows.length === 1 ? 's' : ''} the ${tex('\\sqrt{1-p}')} law (= ${Math.sqrt(q).toFixed(3)}): their mean step ratio lies within ${pct(worst)} of it, exactly at t = ${tMax} and by simulation at t = ${late[late.length - 1]}, so for them DropGrad is mainly a learning-rate change by ${tex('\\sqrt{1-p}')}, plus variance. ${departs.map((n) => `${LABEL[n]} does not: its ratio moves from ${law[n].first.toFixed(3)} at t = 1 to ${law[n].exact.toFixed(3)} at t = ${tMax} and ${law[n].late.toFixed(3)} ± ${law[n].lateSe.toFixed(3)} at t = ${late[late.length - 1]}.`).join(' ')}`;
  return {
    id: 'adaptive',
    title: '2. Adaptive optimizers',
    claim: 'DropGrad regularizes Adam, AdamW, Adagrad and Adadelta.',
    verdict: html`${lawVerdict}`,
    blocks,
  };
}
