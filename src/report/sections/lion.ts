/** Report 3: Lion under DropGrad (docs/theory.md §4). */
import { enumerateConstantGradient, lionExpectedSign, updateLaw, updateMoments } from '../../analysis/index.ts';
import { lion, withDropGrad } from '../../optimizers/index.ts';
import { DIVERGENCE_RULE, type ProblemConfig, divergenceLimit } from '../../problem.ts';
import { type ReportContext, check, mc, pathMetrics } from '../context.ts';
import { html } from '../html.ts';
import { tex } from '../math.ts';
import type { Block, Section } from '../page.ts';
import { color, distributionLayout, layout, line, lossDistribution } from '../theme.ts';

const S = 'lion';

export function lionSection(ctx: ReportContext): Section {
  const blocks: Block[] = [];
  ctx.progress('Lion: constant gradient');
  const ts = Array.from({ length: 12 }, (_, i) => i + 1);
  const data: Record<string, unknown>[] = [];
  [0.3, 0.6, 0.9].forEach((p, k) => {
    data.push(line(`formula −η(1 − p^t), p = ${p}`, ts, ts.map((t) => 1 - p ** t), k));
    data.push({ type: 'scatter', mode: 'markers', name: `enumeration, p = ${p}`, x: ts, y: ts.map((t) => -enumerateConstantGradient(withDropGrad(lion({ lr: 1 }), { rate: p }), [0], [1], t).meanUpdate[0]), marker: { color: color(k), size: 8, symbol: 'circle-open' } });
    const sim = mc(ctx, { surface: { kind: 'expr', expr: 'x' }, x0: [0], optimizer: { name: 'lion', lr: 1 }, drop: { rate: p } }, 5);
    check(ctx, S, `Lion E[Δ_5], constant gradient, p = ${p}`, -(1 - p ** 5), sim.update.mean[0], sim.update.stderrMean[0]);
  });
  blocks.push({
    kind: 'html',
    html: html`<h2>Under a constant gradient DropGrad changes almost nothing</h2><p>Once a gradient has been kept, ${tex('\\operatorname{sign}(m) = \\operatorname{sign}(g)')} and every step, kept or dropped, is ${tex('-\\eta\\operatorname{sign}(g)')};
before the first kept gradient ${tex('m = 0')} and a dropped step moves nothing. Hence exactly ${tex('\\mathbb{E}[\\Delta_t] = -\\eta\\operatorname{sign}(g)(1-p^t)', true)}</p>`,
  });
  blocks.push({ kind: 'figure', figure: { id: 'lion-constant', title: 'Lion constant gradient', data, layout: layout('Lion: mean step ÷ η under a constant gradient', 'step t', '−E[Δ_t]/η (dimensionless)'), caption: 'Exact enumeration of mask histories (circles) on the closed form (lines).' } });

  ctx.progress('Lion: momentum-follow');
  const pGrid = Array.from({ length: 19 }, (_, i) => (i + 1) * 0.05);
  const mu = 0.5;
  const gOpp = -1;
  const follow: Record<string, unknown>[] = [line('formula q·sign(β₁m + (1−β₁)g/q) + p·sign(β₁m)', pGrid, pGrid.map((p) => lionExpectedSign(mu, gOpp, p)), 0)];
  follow.push({
    type: 'scatter',
    mode: 'markers',
    name: 'two-point law of the chain',
    x: pGrid,
    y: pGrid.map((p) => -updateMoments(updateLaw({ chain: withDropGrad(lion({ lr: 1 }), { rate: p }), state: [{}, [{ mu: Float64Array.of(mu) }, {}, {}]], x: Float64Array.of(0), grad: Float64Array.of(gOpp) })).mean[0]),
    marker: { color: color(1), size: 8, symbol: 'diamond-open' },
  });
  blocks.push({
    kind: 'html',
    html: html`<h2>Momentum-follow: what damps oscillation</h2><p>When the gradient opposes the momentum (oscillation across a valley), ${tex('\\mathbb{E}[\\operatorname{sign}(c_i)] = q\\,\\operatorname{sign}(\\beta_1 m + (1-\\beta_1) g/q) + p\\,\\operatorname{sign}(\\beta_1 m)', true)}
dropped coordinates follow the momentum. Below, m = ${mu}, g = ${gOpp}, β₁ = 0.9.</p>`,
  });
  blocks.push({ kind: 'figure', figure: { id: 'lion-follow', title: 'Momentum-follow', data: follow, layout: layout('Lion: expected sign of the update when g opposes m', 'drop rate p', 'E[sign(c)] (dimensionless)'), caption: 'For small p the kept branch follows the gradient; the larger p, the more often the step keeps the momentum’s direction.' } });

  ctx.progress('Lion: oscillation');
  const K = ctx.quick ? 100 : 400;
  const rows: (string | number)[][] = [];
  const cfg = (p: number): ProblemConfig => ({ surface: { kind: 'valley', condition: 25, angle: Math.PI / 6 }, optimizer: { name: 'lion', lr: 0.05 }, drop: { rate: p } });
  const ps = [0, 0.1, 0.3, 0.5, 0.7];
  const osc: number[] = [];
  const oscSe: number[] = [];
  const metrics: ReturnType<typeof pathMetrics>[] = [];
  for (const p of ps) {
    const m = pathMetrics(ctx, cfg(p), 100, K);
    metrics.push(m);
    rows.push([`p = ${p}`, m.oscillations.mean, m.oscillations.se, m.pathLength.mean, m.pathLength.se, m.finalLoss.mean, m.finalLoss.se]);
    osc.push(m.oscillations.mean);
    oscSe.push(m.oscillations.se);
  }
  blocks.push({ kind: 'table', head: ['drop rate', 'reversals', 's.e.', 'path length', 's.e.', 'final loss', 's.e.'], rows, caption: `Lion (η = 0.05) on the narrow valley, 100 steps, ${K} trajectories per drop rate.` });
  blocks.push({ kind: 'figure', figure: { id: 'lion-oscillation', title: 'Oscillation vs p', data: [{ type: 'scatter', mode: 'lines+markers', name: 'direction reversals', x: ps, y: osc, error_y: { type: 'data', array: oscSe.map((s) => 1.96 * s), visible: true }, line: { color: color(0) } }], layout: layout('Lion on the narrow valley: direction reversals vs drop rate', 'drop rate p', 'reversals in 100 steps (count)'), caption: 'Mean number of direction reversals with 95% error bars.' } });
  const curves: Record<string, unknown>[] = [];
  [0, 0.3, 0.6].forEach((p, k) => {
    const samples = ctx.quick ? 500 : 4000;
    const sim = mc(ctx, cfg(p), 100, { samples, bandSteps: 50, divergenceLoss: divergenceLimit(cfg(p)) });
    curves.push(...lossDistribution(`Lion, p = ${p}`, k, sim.bands, sim.perStep.lossMean, sim.perStep.n, samples));
  });
  blocks.push({ kind: 'figure', figure: { id: 'lion-loss', title: 'Lion loss', data: curves, layout: distributionLayout('Lion (η = 0.05) on the narrow valley: loss per step', 'loss (loss units, log scale)'), caption: `Median loss (line) and interquartile range (band) of the trajectories not yet diverged, the mean (dotted) while at least 95% survive, and below the share not yet diverged. Divergence: ${DIVERGENCE_RULE}.` } });
  // The verdict from the table: reversals and final loss at the smallest and the largest drop rate, with z for the change.
  const [m0, mL] = [metrics[0], metrics[metrics.length - 1]];
  const zOf = (a: { mean: number; se: number }, b: { mean: number; se: number }) => (b.mean - a.mean) / Math.hypot(a.se, b.se);
  const zOsc = zOf(m0.oscillations, mL.oscillations);
  const zLoss = zOf(m0.finalLoss, mL.finalLoss);
  const moved = (z: number, down: string, up: string) => (z < -3 ? down : z > 3 ? up : 'leaves unchanged (|z| < 3)');
  const lionFinding = `On the narrow valley (η = 0.05, 100 steps) DropGrad ${moved(zOsc, 'reduces', 'increases')} Lion's direction reversals (${m0.oscillations.mean.toFixed(1)} at p = 0, ${mL.oscillations.mean.toFixed(1)} at p = ${ps[ps.length - 1]}, z = ${zOsc.toFixed(1)}) and ${moved(zLoss, 'lowers', 'raises')} its final loss (${m0.finalLoss.mean.toPrecision(3)} → ${mL.finalLoss.mean.toPrecision(3)}, z = ${zLoss.toFixed(1)}); at learning rates tuned per drop rate, see the fair comparisons page.`;
  return {
    id: 'lion',
    title: '3. Lion',
    claim: 'DropGrad works particularly well with Lion.',
    verdict: html`Under a constant gradient Lion's mean step is exactly ${tex('-\\eta\\operatorname{sign}(g)(1-p^t)')}: no effect after the first kept gradient. When gradient and momentum disagree, dropped coordinates follow the momentum. ${lionFinding}`,
    blocks,
  };
}
