/** Report 4: benchmark visualizations — trajectories on contours, convergence rates, hyperparameter sensitivity. */
import { lrMax } from '../../analysis/index.ts';
import { type OptimizerName, DEFAULT_LR } from '../../optimizers/index.ts';
import { type ProblemConfig, type SurfaceConfig, buildSurface } from '../../problem.ts';
import { rotatedValley } from '../../surfaces/index.ts';
import { DIVERGENCE_RULE, type ReportContext, divergenceLimit, mc } from '../context.ts';
import { simulateSync } from '../../analysis/mc/index.ts';
import { simulateGpuBatch } from '../../gpu/simulate.ts';
import { html } from '../html.ts';
import type { Block, Section } from '../page.ts';
import { BELOW, color, distributionLayout, layout, lossDistribution, medianPath } from '../theme.ts';

const OPTS: { name: OptimizerName; label: string; lr: Partial<Record<string, number>>; extra?: Record<string, unknown> }[] = [
  { name: 'sgd', label: 'SGD (momentum 0.9)', lr: { rosenbrock: 3e-4, rastrigin: 2e-3, ackley: 0.02, valley: 0.02 }, extra: { momentum: 0.9 } },
  { name: 'adam', label: 'Adam', lr: { rosenbrock: 0.05, rastrigin: 0.05, ackley: 0.05, valley: 0.05 } },
  { name: 'lion', label: 'Lion', lr: { rosenbrock: 0.01, rastrigin: 0.02, ackley: 0.02, valley: 0.02 } },
];
const SURFACES: { cfg: SurfaceConfig; label: string }[] = [
  { cfg: { kind: 'rosenbrock' }, label: 'Rosenbrock' },
  { cfg: { kind: 'rastrigin' }, label: 'Rastrigin' },
  { cfg: { kind: 'ackley' }, label: 'Ackley' },
  { cfg: { kind: 'valley', condition: 25, angle: Math.PI / 6 }, label: 'narrow quadratic valley' },
];

function contour(surface: SurfaceConfig, n: number): Record<string, unknown> {
  const s = buildSurface(surface);
  const [[x0, x1], [y0, y1]] = s.bounds;
  const xs = Array.from({ length: n }, (_, i) => x0 + ((x1 - x0) * i) / (n - 1));
  const ys = Array.from({ length: n }, (_, j) => y0 + ((y1 - y0) * j) / (n - 1));
  const z = ys.map((y) => xs.map((x) => Math.log10(1 + s.value(Float64Array.of(x, y)))));
  return { type: 'contour', x: xs, y: ys, z, colorscale: 'Greys', reversescale: true, showscale: false, contours: { coloring: 'lines' }, name: 'log₁₀(1 + f)', hoverinfo: 'skip' };
}

export async function benchmarksSection(ctx: ReportContext): Promise<Section> {
  const blocks: Block[] = [];
  const steps = ctx.quick ? 100 : 300;
  const fan = ctx.quick ? 8 : 20;
  const kept = ctx.quick ? 100 : 400;
  blocks.push({ kind: 'html', html: html`<h2>Optimization trajectories</h2><p>For each surface and optimizer: ${fan} simulated paths with DropGrad p = 0.5 (thin), and the median path for p = 0 and p = 0.5 (thick: the coordinate-wise median of ${kept} kept trajectories at each step, drawn while at least half of them survive), ${steps} steps, on contours of log₁₀(1 + f). Divergence: ${DIVERGENCE_RULE}.</p>` });
  ctx.progress('benchmarks: trajectories');
  for (const s of SURFACES) {
    for (const o of OPTS) {
      const data: Record<string, unknown>[] = [contour(s.cfg, ctx.quick ? 60 : 120)];
      [0, 0.5].forEach((p, k) => {
        const problem: ProblemConfig = { surface: s.cfg, optimizer: { name: o.name, lr: o.lr[s.cfg.kind] ?? DEFAULT_LR[o.name], ...(o.extra ?? {}) }, drop: { rate: p } };
        const sim = mc(ctx, problem, steps, { samples: kept, keepPaths: kept, divergenceLoss: divergenceLimit(problem) });
        const paths = sim.paths ?? [];
        if (p > 0) {
          paths.slice(0, fan).forEach((path, i) => {
            data.push({ type: 'scatter', mode: 'lines', x: path.map((v) => v?.[0] ?? null), y: path.map((v) => v?.[1] ?? null), line: { color: color(k + 1), width: 0.7 }, opacity: 0.5, showlegend: i === 0, name: `${o.label}, p = ${p}: sampled paths`, legendgroup: `fan${k}` });
          });
        }
        const median = medianPath(paths);
        const lost = sim.diverged ? ` (${((100 * sim.diverged) / kept).toFixed(0)}% diverged${median.at(-1) === null ? `; fewer than half survive from step ${median.indexOf(null)}` : ''})` : '';
        data.push({ type: 'scatter', mode: 'lines', x: median.map((m) => m?.[0] ?? null), y: median.map((m) => m?.[1] ?? null), line: { color: color(k === 0 ? 0 : 3), width: 3 }, name: `${o.label}, p = ${p}: median path${lost}` });
      });
      const [[x0, x1], [y0, y1]] = buildSurface(s.cfg).bounds;
      blocks.push({ kind: 'figure', figure: { id: `paths-${s.cfg.kind}-${o.name}`, title: `${s.label}, ${o.label}`, data, layout: layout(`${o.label} on ${s.label}`, 'x₁', 'x₂', { xaxis: { range: [x0, x1], title: { text: 'x₁' } }, yaxis: { range: [y0, y1], title: { text: 'x₂' } }, height: 540, legend: BELOW, margin: { l: 64, r: 24, t: 48, b: 110 } }), caption: `Sampled paths (p = 0.5) and median paths (p = 0 and 0.5) of ${o.label} on ${s.label}. The median path is the coordinate-wise median of the surviving trajectories at each step; it ends where fewer than half survive. Divergence: ${DIVERGENCE_RULE}.` } });
    }
  }
  ctx.progress('benchmarks: convergence');
  blocks.push({ kind: 'html', html: html`<h2>Convergence rates</h2><p>The loss per step on Rosenbrock from (−1.5, 2), per optimizer and drop rate: median and interquartile band of the surviving trajectories, the mean (dotted) only while at least 95% survive, and below, the share not yet diverged. Divergence: ${DIVERGENCE_RULE}.</p>` });
  /** Per optimizer: the median final loss (of the survivors) and the diverged share at p = 0 and p = 0.5. */
  const finals: { label: string; p: number; median: number; diverged: number }[] = [];
  for (const o of OPTS) {
    const data: Record<string, unknown>[] = [];
    const samples = ctx.quick ? 500 : 4000;
    [0, 0.1, 0.3, 0.5].forEach((p, k) => {
      const problem: ProblemConfig = { surface: { kind: 'rosenbrock' }, optimizer: { name: o.name, lr: o.lr.rosenbrock!, ...(o.extra ?? {}) }, drop: { rate: p } };
      const sim = mc(ctx, problem, steps, { samples, bandSteps: 50, divergenceLoss: divergenceLimit(problem) });
      data.push(...lossDistribution(`${o.label}, p = ${p}${sim.diverged ? ` (${((100 * sim.diverged) / samples).toFixed(0)}% diverged)` : ''}`, k, sim.bands, sim.perStep.lossMean, sim.perStep.n, samples));
      if (p === 0 || p === 0.5) finals.push({ label: o.label, p, median: sim.perStep.n[steps] > 0 ? sim.bands.values.at(-1)![2] : Number.NaN, diverged: sim.divergedFraction });
    });
    blocks.push({ kind: 'figure', figure: { id: `convergence-${o.name}`, title: `Convergence ${o.label}`, data, layout: distributionLayout(`${o.label} on Rosenbrock: loss per step`, 'loss (loss units, log scale)'), caption: `Median loss (line) and interquartile range (band) over the trajectories not yet diverged, at 51 steps; the mean (dotted) while at least 95% survive; below, the share of trajectories not yet diverged. Divergence: ${DIVERGENCE_RULE}.` } });
  }
  ctx.progress('benchmarks: sensitivity');
  blocks.push({ kind: 'html', html: html`<h2>Sensitivity to hyperparameters</h2><p>Final loss (log₁₀) and divergence fraction over learning rate × drop rate. For SGD on the narrow quadratic valley the exact mean-square stability limit is drawn on top. Simulated on ${ctx.gpu ? `the WebGPU path (${ctx.gpu.adapter}, f32), the whole grid in one batch` : 'the CPU engine'}.</p>` });
  const valley = rotatedValley({ angle: Math.PI / 6, condition: 25 });
  const pGrid = Array.from({ length: ctx.quick ? 5 : 9 }, (_, i) => (i / (ctx.quick ? 5 : 9)) * 0.8);
  const base = lrMax(valley.H, { rates: 0 }).lrMax;
  const lrGrid = Array.from({ length: ctx.quick ? 6 : 12 }, (_, i) => base * (0.2 + (1.1 * i) / (ctx.quick ? 5 : 11)));
  // The grid: one batch on the WebGPU path when the report has one, otherwise cell by cell on the CPU engine.
  const grid = lrGrid.flatMap((lr) =>
    pGrid.map((p) => {
      const problem: ProblemConfig = { surface: { kind: 'valley', condition: 25, angle: Math.PI / 6 }, optimizer: { name: 'sgd', lr }, drop: { rate: p } };
      return { problem, samples: ctx.quick ? 200 : 500, steps: 200, seed: ctx.nextSeed(), bandSteps: 1, divergenceLoss: divergenceLimit(problem) };
    }),
  );
  const sims = ctx.gpu ? await simulateGpuBatch(grid, ctx.gpu) : grid.map((spec) => simulateSync(spec));
  // The median final loss of the surviving trajectories (the mean of a heavy-tailed loss says little).
  const loss = lrGrid.map((_, i) => pGrid.map((_, j) => {
    const r = sims[i * pGrid.length + j];
    const m = r.perStep.n[200] > 0 ? r.bands.values.at(-1)![2] : Number.NaN;
    return Number.isFinite(m) ? Math.log10(Math.max(1e-300, m)) : null;
  }));
  const div = lrGrid.map((_, i) => pGrid.map((_, j) => sims[i * pGrid.length + j].divergedFraction));
  const boundary = pGrid.map((p) => lrMax(valley.H, { rates: p }).lrMax);
  const edge = { type: 'scatter', mode: 'lines', name: 'exact mean-square limit', x: pGrid, y: boundary, line: { color: '#D55E00', width: 3 } };
  blocks.push({ kind: 'figure', figure: { id: 'sensitivity-sgd-loss', title: 'Final loss', data: [{ type: 'heatmap', x: pGrid, y: lrGrid, z: loss, colorscale: 'Viridis', colorbar: { title: { text: 'log₁₀ median<br>final loss' } }, name: 'final loss' }, edge], layout: layout('SGD on the narrow valley: log₁₀ median final loss after 200 steps', 'drop rate p', 'learning rate η'), caption: `Median final loss of the trajectories that did not diverge; blank cells: every trajectory diverged (the fraction is the next figure). Divergence: ${DIVERGENCE_RULE}.` } });
  blocks.push({ kind: 'figure', figure: { id: 'sensitivity-sgd-divergence', title: 'Divergence', data: [{ type: 'heatmap', x: pGrid, y: lrGrid, z: div, colorscale: 'Cividis', zmin: 0, zmax: 1, colorbar: { title: { text: 'diverged<br>fraction' } }, name: 'divergence' }, edge], layout: layout('SGD on the narrow valley: fraction diverged within 200 steps', 'drop rate p', 'learning rate η'), caption: `Divergence: ${DIVERGENCE_RULE}. Above the exact limit the second moment grows; individual paths leave later.` } });
  // The verdict from the figures' numbers.
  const g3 = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : 'none (all diverged)');
  const perOpt = OPTS.map((o) => {
    const [a, b] = [finals.find((f) => f.label === o.label && f.p === 0)!, finals.find((f) => f.label === o.label && f.p === 0.5)!];
    return `${o.label} ${g3(a.median)} → ${g3(b.median)}${b.diverged > 0 ? ` (${(100 * b.diverged).toFixed(0)}% diverged)` : ''}`;
  });
  const bestAtZero = lrGrid.filter((_, i) => {
    const row = loss[i].map((v) => (v === null ? Number.POSITIVE_INFINITY : v));
    return Number.isFinite(Math.min(...row)) && row.indexOf(Math.min(...row)) === 0;
  }).length;
  const above: number[] = [];
  const below: number[] = [];
  lrGrid.forEach((lr, i) => pGrid.forEach((_, j) => (lr > boundary[j] ? above : below).push(div[i][j])));
  const benchVerdict = html`These are fixed-learning-rate pictures (the sensitivity of each optimizer to p; tuned comparisons are on page 5). On Rosenbrock after ${steps} steps, the median final loss of the surviving trajectories moves from p = 0 to p = 0.5 as follows: ${perOpt.join('; ')}. On the narrow valley's grid of ${lrGrid.length} learning rates × ${pGrid.length} drop rates, the lowest median final loss at a given η is at p = 0 for ${bestAtZero} of ${lrGrid.length} learning rates, and against the exact mean-square limit (which falls from ${boundary[0].toPrecision(3)} at p = 0 to ${boundary[boundary.length - 1].toPrecision(3)} at p = ${pGrid[pGrid.length - 1].toFixed(2)}): ${above.filter((f) => f > 0.5).length} of the ${above.length} cells above it lost more than half their trajectories within 200 steps, and ${below.filter((f) => f > 0).length} of the ${below.length} cells below it lost any.`;
  return {
    id: 'benchmarks',
    title: '4. Benchmark visualizations',
    claim: 'The benchmark visualizations compare optimization trajectories, convergence rates and sensitivity to hyperparameters with and without DropGrad.',
    verdict: benchVerdict,
    blocks,
  };
}
