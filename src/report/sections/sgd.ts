/** Report 1: SGD and momentum under DropGrad (docs/theory.md §2, §3, §5). */
import { Matrix } from '../../matrix.ts';
import { lrMax, multiStepMoments, sgdStepBounds } from '../../analysis/index.ts';
import { buildProblem, type ProblemConfig } from '../../problem.ts';
import { rotatedValley } from '../../surfaces/index.ts';
import { DIVERGENCE_RULE, type ReportContext, check, mc, pathMetrics, jointCheck } from '../context.ts';
import { logGrid, tuneBySimulation, tuneExactSgd } from '../tuning.ts';
import { html } from '../html.ts';
import { tex } from '../math.ts';
import type { Block, Section } from '../page.ts';
import { band, color, distributionLayout, layout, line } from '../theme.ts';

const S = 'sgd';

export function sgdSection(ctx: ReportContext): Section {
  const blocks: Block[] = [];
  const valley = rotatedValley({ angle: Math.PI / 6, condition: 25 });
  const H = valley.H.to2DArray();
  const x0 = Array.from(valley.defaultStart);
  const valleyCfg = (p: number, lr: number, momentum = 0): ProblemConfig => ({ surface: { kind: 'quadratic', H }, x0, optimizer: { name: 'sgd', lr, momentum }, drop: { rate: p } });
  const ps = [0, 0.3, 0.6];
  const lrStable = 0.6 * lrMax(valley.H, { rates: 0.6 }).lrMax;
  const T = ctx.quick ? 40 : 100;

  // (a) Mean path and expected loss over steps.
  ctx.progress('SGD: expected trajectory');
  blocks.push({
    kind: 'html',
    html: html`<h2>The expected trajectory is gradient descent's; DropGrad adds variance only</h2>
<p>On a quadratic the mean of the iterate obeys ${tex('\\mathbb{E}z_{t+1} = A_0\\,\\mathbb{E}z_t')}, with no trace of the mask (docs/theory.md §3); the mask enters
only the second moment, ${tex('S_{t+1} = A_0 S_t A_0^\\top + \\tfrac{p}{q}\\, C\\,\\operatorname{Diag}(H S_{ee} H)\\,C^\\top', true)}
Below: a rotated narrow valley (condition number 25, θ = π/6), SGD with η = ${lrStable.toPrecision(3)} (60% of the mean-square limit at p = 0.6), exact curves and Monte-Carlo (${ctx.samples} trajectories, 95% bands).</p>`,
  });
  const steps = Array.from({ length: T + 1 }, (_, t) => t);
  const lossData: Record<string, unknown>[] = [];
  const meanData: Record<string, unknown>[] = [];
  ps.forEach((p, k) => {
    const exact = multiStepMoments(valley, { x0, steps: T, lr: () => lrStable, rates: () => new Float64Array(2).fill(p), trace: true });
    const sim = mc(ctx, valleyCfg(p, lrStable), T);
    lossData.push(line(`exact, p = ${p}`, steps, exact.expectedLossPerStep, k), ...band(`Monte-Carlo, p = ${p}`, steps, sim.perStep.lossMean, sim.perStep.lossStderr, k));
    lossData.push(line(`p = ${p}: share not diverged`, steps, sim.perStep.n.map((n) => n / sim.samples), k, { yaxis: 'y2', showlegend: false }));
    if (k === 0) meanData.push(line('exact E[x₁] (every p)', steps, exact.trace!.mean.map((m) => m[0]), 7, { line: { color: '#000', width: 2, dash: 'dot' } }));
    meanData.push(...band(`Monte-Carlo E[x₁], p = ${p}`, steps, sim.perStep.mean.map((m) => m?.[0] ?? Number.NaN), sim.perStep.variance.map((v, t) => Math.sqrt(v[0] / sim.perStep.n[t])), k));
    check(ctx, S, `E f(x_${T}), valley, SGD, p = ${p}`, exact.expectedLoss, sim.meanLoss, sim.stderrLoss);
    check(ctx, S, `E[x_${T},1], valley, SGD, p = ${p}`, exact.mean[0], sim.mean?.[0] ?? Number.NaN, sim.stderrMean[0]);
    check(ctx, S, `E[x_${T},2], valley, SGD, p = ${p}`, exact.mean[1], sim.mean?.[1] ?? Number.NaN, sim.stderrMean[1]);
    if (p > 0) jointCheck(ctx, S, `E[x_${T}] (both coordinates), valley, SGD, p = ${p}`, exact.mean, sim.mean, sim.cov, sim.perStep.n[T]);
  });
  blocks.push({ kind: 'figure', figure: { id: 'sgd-mean-path', title: 'Mean path', data: meanData, layout: layout('E[x₁] over steps: the same for every drop rate', 'step', 'E[x₁] (coordinate units)'), caption: 'The exact mean of the first coordinate (dotted) is the same curve for p = 0, 0.3 and 0.6; the simulated means of all three drop rates lie on it.' } });
  blocks.push({ kind: 'figure', figure: { id: 'sgd-expected-loss', title: 'Expected loss', data: lossData, layout: distributionLayout('Expected loss over steps, valley, SGD', 'E f(x_t) (loss units, log scale)'), caption: 'Exact expected loss (lines) and Monte-Carlo mean loss with 95% bands: the extra variance raises E f, more with larger p. Below, the share of trajectories not yet diverged (all of them here: η is 60% of the mean-square limit at p = 0.6, so the mean is meaningful).' } });

  // (b) Effective curvature and the one-step loss vs learning rate.
  ctx.progress('SGD: effective curvature');
  const g = valley.gradient(valley.defaultStart);
  const g2 = g.reduce((a, v) => a + v * v, 0);
  const rows: (string | number)[][] = [];
  const curve: Record<string, unknown>[] = [];
  ps.forEach((p, k) => {
    // The valley is positive definite, so every bound exists (null only where gᵀH_eff g ≤ 0).
    const bounds = sgdStepBounds(valley.H, g, [p, p]);
    const b = { lrBest: bounds.lrBest!, lrBound: bounds.lrBound!, bestDecrease: bounds.bestDecrease! };
    const gHg = g2 * (1 / b.lrBest);
    const etas = Array.from({ length: 60 }, (_, i) => (i / 59) * 1.1 * sgdStepBounds(valley.H, g, [0, 0]).lrBound!);
    curve.push(line(`exact, p = ${p}`, etas, etas.map((e) => valley.value(valley.defaultStart) - e * g2 + 0.5 * e * e * gHg), k));
    const probe = [0.25, 0.5, 0.75, 1].map((f) => f * b.lrBound);
    const sims = probe.map((e) => mc(ctx, valleyCfg(p, e), 1));
    curve.push({ type: 'scatter', mode: 'markers', name: `Monte-Carlo, p = ${p}`, x: probe, y: sims.map((s) => s.meanLoss), error_y: { type: 'data', array: sims.map((s) => 1.96 * s.stderrLoss), visible: true }, marker: { color: color(k), symbol: 'diamond' } });
    sims.forEach((s, i) => check(ctx, S, `E f after one SGD step, η = ${probe[i].toPrecision(3)}, p = ${p}`, valley.value(valley.defaultStart) - probe[i] * g2 + 0.5 * probe[i] ** 2 * gHg, s.meanLoss, s.stderrLoss));
    rows.push([`p = ${p}`, b.lrBest, b.lrBound, b.bestDecrease]);
  });
  blocks.push({
    kind: 'html',
    html: html`<h2>Effective curvature</h2><p>For masked SGD, ${tex('\\mathbb{E} f(x - \\eta\\tilde g) = f(x) - \\eta\\lVert g\\rVert^2 + \\tfrac{\\eta^2}{2} g^\\top H_{\\text{eff}}\\, g,\\quad H_{\\text{eff}} = H + \\tfrac{p}{1-p}\\operatorname{Diag}(H)', true)}
so the expected-decrease bound ${tex('\\eta < 2\\lVert g\\rVert^2/g^\\top H_{\\text{eff}} g')} and the best one-step rate ${tex('\\eta^* = \\lVert g\\rVert^2/g^\\top H_{\\text{eff}} g')} shrink as p grows (docs/theory.md §2).</p>`,
  });
  blocks.push({ kind: 'figure', figure: { id: 'sgd-one-step-lr', title: 'One-step loss vs learning rate', data: curve, layout: layout('Expected loss after one step vs learning rate (valley, from x₀)', 'learning rate η', 'E f(x₁) (loss units)'), caption: 'Exact parabolas (lines) and one-step Monte-Carlo means with 95% error bars (diamonds).' } });
  blocks.push({ kind: 'table', head: ['drop rate', 'best one-step η*', 'decrease bound 2η*', 'best expected change'], rows, caption: 'The best one-step learning rate falls with p because H_eff grows on the diagonal.' });

  // (c) Stability threshold vs drop rate.
  ctx.progress('SGD: stability');
  const H2 = new Matrix([
    [10, 3],
    [3, 1],
  ]);
  const pGrid = Array.from({ length: ctx.quick ? 6 : 11 }, (_, i) => (i / (ctx.quick ? 6 : 11)) * 0.9);
  const limits = pGrid.map((p) => lrMax(H2, { rates: p }).lrMax);
  const limitsMom = pGrid.map((p) => lrMax(H2, { rates: p, momentum: 0.9 }).lrMax);
  const f0 = 0.5 * (10 + 2 * 3 + 1); // f(1, 1) for H = [[10, 3], [3, 1]]
  const etaGrid = Array.from({ length: ctx.quick ? 8 : 14 }, (_, i) => ((i + 1) / (ctx.quick ? 8 : 14)) * 1.2 * limits[0]);
  const z = etaGrid.map((eta) =>
    pGrid.map((p) => mc(ctx, { surface: { kind: 'quadratic', H: [[10, 3], [3, 1]] }, x0: [1, 1], optimizer: { name: 'sgd', lr: eta }, drop: { rate: p } }, ctx.quick ? 150 : 400, { samples: ctx.quick ? 200 : 500, divergenceLoss: 1e6 * f0 }).divergedFraction),
  );
  blocks.push({
    kind: 'html',
    html: html`<h2>Stability threshold</h2><p>Mean-square stability of ${tex('L_\\eta(S) = A_0 S A_0^\\top + N(S)')} reduces to a d×d eigenproblem (docs/theory.md §3). In 1-D it is ${tex('\\eta < 2(1-p)/h')}.
For ${tex('H = \\begin{pmatrix}10&3\\\\3&1\\end{pmatrix}')} the largest stable learning rates are:</p>`,
  });
  blocks.push({ kind: 'table', head: ['drop rate p', 'largest stable η (SGD)', 'largest stable η (momentum 0.9)'], rows: pGrid.map((p, i) => [p.toFixed(2), limits[i], limitsMom[i]]), caption: 'Exact, by bisection on the d×d reduction (relative precision 1e-10).' });
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'sgd-stability',
      title: 'Stability',
      data: [
        { type: 'heatmap', x: pGrid, y: etaGrid, z, colorscale: 'Cividis', zmin: 0, zmax: 1, colorbar: { title: { text: 'diverged<br>fraction' } }, name: 'simulated divergence' },
        line('exact mean-square limit (SGD)', pGrid, limits, 3, { line: { color: '#D55E00', width: 3 } }),
      ],
      layout: layout('Simulated divergence fraction (SGD) and the exact mean-square limit', 'drop rate p', 'learning rate η'),
      caption: 'Heatmap: fraction of simulated trajectories whose loss passed 10⁶ × f(x₀) (or became non-finite) within the horizon. Line: the exact largest mean-square stable η. Near the line E‖x‖² grows while most individual paths still converge (heavy tails), so the simulated boundary lies above the mean-square one.',
    },
  });

  // (d) Zig-zag on the narrow valley and on Rosenbrock.
  ctx.progress('SGD: zig-zag');
  const K = ctx.quick ? 100 : 400;
  const zig: (string | number)[][] = [];
  const rosenCfg = (p: number, lr = 1e-3): ProblemConfig => ({ surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer: { name: 'sgd', lr, momentum: 0.9 }, drop: { rate: p } });
  const lrZig = 0.9 * lrMax(valley.H, { rates: 0 }).lrMax;
  for (const p of [0, 0.1, 0.3, 0.5]) {
    const v = pathMetrics(ctx, valleyCfg(p, lrZig), 60, K);
    const r = pathMetrics(ctx, rosenCfg(p), 300, K);
    zig.push([`p = ${p}`, v.oscillations.mean, v.pathLength.mean, v.finalLoss.mean, r.oscillations.mean, r.pathLength.mean, r.finalLoss.mean, r.diverged]);
  }
  blocks.push({
    kind: 'html',
    html: html`<h2>Zig-zag in narrow valleys</h2><p>The claim: dropping coordinates lets SGD move along oblong valleys by sometimes ignoring the zig-zag direction.
Measured over ${K} trajectories each: direction reversals (consecutive updates with a negative inner product), path length ${tex('\\sum_t\\lVert\\Delta x_t\\rVert')} and final loss.
Valley: SGD with η close to the zig-zag regime (${lrZig.toPrecision(3)}), 60 steps. Rosenbrock: SGD with momentum 0.9, η = 1e-3, 300 steps from (−1.5, 2).</p>`,
  });
  blocks.push({ kind: 'table', head: ['drop rate', 'valley: reversals', 'valley: path length', 'valley: final loss', 'Rosenbrock: reversals', 'Rosenbrock: path length', 'Rosenbrock: final loss', 'Rosenbrock: diverged'], rows: zig, caption: 'Sensitivity, at one learning rate for every p (chosen for p = 0): means over the trajectories that stayed finite. On the quadratic the mean path does not change with p (above); what changes is the spread. The claim is answered by the next table.' });

  // The claim's question — does DropGrad help SGD through the valley? — at a learning rate tuned for each p: on the
  // valley the η minimising the exact E f(x_60) (moment recursion, docs/theory.md §3) below the mean-square limit;
  // on Rosenbrock the η of a log grid with the lowest median final loss among those where ≥ 95% of runs survive.
  ctx.progress('SGD: zig-zag at tuned learning rates');
  const valleyTuned = (p: number) => {
    const limit = lrMax(valley.H, { rates: p }).lrMax;
    return tuneExactSgd(valley, x0, 60, p, logGrid(limit * 1e-2, limit * 0.999, 60)).lr;
  };
  const rosenGrid = logGrid(1e-5, 3e-3, ctx.quick ? 7 : 13);
  const rosenTuned = (p: number) => tuneBySimulation(ctx, (lr) => rosenCfg(p, lr), rosenGrid, 300, ctx.quick ? 200 : 1000);
  const tunedRows: { p: number; v: ReturnType<typeof pathMetrics>; vLr: number; r: ReturnType<typeof pathMetrics> | null; rLr: number; rMedian: number }[] = [];
  for (const p of [0, 0.1, 0.3, 0.5]) {
    const vLr = valleyTuned(p);
    const rt = rosenTuned(p);
    tunedRows.push({ p, vLr, v: pathMetrics(ctx, valleyCfg(p, vLr), 60, K), rLr: rt.lr, rMedian: rt.value, r: Number.isFinite(rt.lr) ? pathMetrics(ctx, rosenCfg(p, rt.lr), 300, K) : null });
  }
  blocks.push({
    kind: 'table',
    head: ['drop rate', 'valley: tuned η', 'valley: reversals', 'valley: path length', 'valley: final loss', 'Rosenbrock: tuned η', 'Rosenbrock: reversals', 'Rosenbrock: median final loss', 'Rosenbrock: diverged'],
    rows: tunedRows.map(({ p, vLr, v, rLr, r, rMedian }) => [`p = ${p}`, vLr, v.oscillations.mean, v.pathLength.mean, v.finalLoss.mean, Number.isFinite(rLr) ? rLr : 'none survives', r ? r.oscillations.mean : '—', Number.isFinite(rMedian) ? rMedian : '—', r ? r.diverged : '—']),
    caption: `At the learning rate tuned for each drop rate: on the valley the η minimising the exact E f(x₆₀) (60 log-spaced values below the mean-square limit); on Rosenbrock (momentum 0.9, 300 steps) the η of ${rosenGrid.length} log-spaced values in [1e-5, 3e-3] with the lowest median final loss among those where at least 95% of ${ctx.quick ? 200 : 1000} runs survive (${DIVERGENCE_RULE}). Means over ${K} trajectories that stayed finite.`,
  });
  const [z0, zLast] = [tunedRows[0], tunedRows[tunedRows.length - 1]];
  const change = (a: number, b: number) => (b < a ? 'lowers' : 'raises');
  const g3 = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : 'none (no η of the grid keeps 95% alive)');
  const zigFinding = `At a learning rate tuned for each p, DropGrad ${change(z0.v.finalLoss.mean, zLast.v.finalLoss.mean)} SGD's final loss on the valley (${z0.v.finalLoss.mean.toPrecision(3)} at p = 0, ${zLast.v.finalLoss.mean.toPrecision(3)} at p = ${zLast.p}; direction reversals ${z0.v.oscillations.mean.toPrecision(3)} → ${zLast.v.oscillations.mean.toPrecision(3)} in 60 steps) and ${change(z0.rMedian, zLast.rMedian)} the median final loss of SGD with momentum on Rosenbrock (${g3(z0.rMedian)} → ${g3(zLast.rMedian)}).`;

  // (e) Two steps: "virtual higher-order information".
  ctx.progress('SGD: two steps');
  const two: (string | number)[][] = [];
  const gd2 = multiStepMoments(valley, { x0, steps: 2, lr: () => lrStable, rates: () => new Float64Array(2) });
  for (const p of [0, 0.3, 0.6]) {
    const e2 = multiStepMoments(valley, { x0, steps: 2, lr: () => lrStable, rates: () => new Float64Array(2).fill(p) });
    const r2 = mc(ctx, rosenCfg(p), 2);
    const rp = buildProblem(rosenCfg(p));
    two.push([`p = ${p}`, e2.mean[0] - gd2.mean[0], e2.mean[1] - gd2.mean[1], e2.expectedLoss, r2.mean?.[0] ?? Number.NaN, r2.mean?.[1] ?? Number.NaN, r2.meanLoss, rp.surface.value(rp.x0)]);
  }
  blocks.push({
    kind: 'html',
    html: html`<h2>Two steps: is there “virtual” higher-order information?</h2><p>After two steps on a quadratic, ${tex('\\mathbb{E}[x_2]')} equals gradient descent's ${tex('x_2')} exactly for every p (differences below are 0): no curvature information enters the mean.
On Rosenbrock the mean after two steps moves only through the non-linearity of the gradient (columns 5–7, Monte-Carlo).</p>`,
  });
  blocks.push({ kind: 'table', head: ['drop rate', 'valley E[x₂,1] − GD', 'valley E[x₂,2] − GD', 'valley E f(x₂)', 'Rosenbrock E[x₂,1]', 'Rosenbrock E[x₂,2]', 'Rosenbrock E f(x₂)', 'Rosenbrock f(x₀)'], rows: two, caption: 'Exact (valley) and Monte-Carlo (Rosenbrock) two-step moments.' });

  return {
    id: 'sgd',
    title: '1. SGD and momentum',
    claim: 'DropGrad on SGD moves through oblong narrow valleys by sometimes ignoring the zig-zag directions, and “virtually” brings in higher-order information along coordinates dropped in previous steps.',
    verdict: html`On a quadratic the expected trajectory is exactly gradient descent's: DropGrad only adds variance, which raises the expected loss through the effective curvature ${tex('H + \\tfrac{p}{1-p}\\operatorname{Diag}(H)')} and lowers the largest stable learning rate (for the 2-D example, from ${limits[0].toPrecision(4)} at p = 0 to ${limits[limits.length - 1].toPrecision(4)} at p = ${pGrid[pGrid.length - 1].toFixed(2)}). No higher-order information appears in the mean. ${zigFinding}`,
    blocks,
  };
}
