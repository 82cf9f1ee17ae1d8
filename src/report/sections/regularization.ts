/**
 * Report: regularization, measured as minima selection (docs/theory.md §7). On the double well (two minima of equal
 * depth, one r times sharper), an ensemble starts beside the sharp minimum; over a (drop rate × learning rate) grid
 * the share of trajectories that end in each basin is measured and set against the exact mean-square limit and the
 * almost-sure (Lyapunov) limit of each minimum.
 */
import { Matrix } from '../../matrix.ts';
import { lrMaxAlmostSure } from '../../analysis/lyapunov.ts';
import { simulateSync } from '../../analysis/mc/index.ts';
import { runTrajectory } from '../../analysis/trajectory.ts';
import { type MinimumReport, minimaReport, sharesOf } from '../../analysis/selection.ts';
import { lrMax } from '../../analysis/stability.ts';
import { buildProblem, divergenceLimit, type ProblemConfig } from '../../problem.ts';
import { doubleWell } from '../../surfaces/index.ts';
import { DIVERGENCE_RULE, type ReportContext } from '../context.ts';
import { html } from '../html.ts';
import { tex } from '../math.ts';
import type { Block, Section } from '../page.ts';
import { BELOW, axis, color, layout, line } from '../theme.ts';

const R = 10;
const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : '—');
const logGrid = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a * (b / a) ** (i / (n - 1)));

interface Limits {
  ms: number;
  as: number;
}

/** Mean-square and almost-sure limits of a minimum's Hessian at drop rate p (SGD or heavy ball; Bernoulli or Gaussian). */
function limitsOf(m: MinimumReport, p: number, o: { momentum?: number; gaussian?: boolean } = {}): Limits {
  const rates = new Float64Array(m.x.length).fill(p);
  const hess = new Matrix(m.hessian);
  const ms = lrMax(hess, { rates, momentum: o.momentum }).lrMax;
  const as = lrMaxAlmostSure(hess, { rates, momentum: o.momentum, gaussian: o.gaussian }, 0.999 * ms, { seed: 7 }).lrMax;
  return { ms, as };
}

/** The learning rate at which a row's share falls through 1/2 (log-interpolated between grid points), or NaN. */
function crossing(lrs: number[], share: number[]): number {
  for (let i = 1; i < lrs.length; i++) {
    if (share[i - 1] >= 0.5 && share[i] < 0.5) {
      const t = (share[i - 1] - 0.5) / (share[i - 1] - share[i]);
      return lrs[i - 1] * (lrs[i] / lrs[i - 1]) ** t;
    }
  }
  return Number.NaN;
}

interface Grid {
  /** share[lr][p] per outcome. */
  sharp: number[][];
  flat: number[][];
  diverged: number[][];
}

function basinGrid(ctx: ReportContext, dim: number, ps: number[], lrs: number[], samples: number, steps: number, minima: MinimumReport[]): Grid {
  const out: Grid = { sharp: [], flat: [], diverged: [] };
  const sharpIndex = minima.findIndex((m) => m.relativeSharpness > 1.5);
  const flatIndex = minima.findIndex((m) => m.relativeSharpness <= 1.5);
  for (const lr of lrs) {
    const row = ps.map((p) => {
      const config: ProblemConfig = { surface: { kind: 'doublewell', dim, sharpness: R }, optimizer: { name: 'sgd', lr }, drop: { rate: p } };
      const r = simulateSync({ problem: config, samples, steps, seed: ctx.nextSeed(), bandSteps: 0, keepFinal: true, divergenceLoss: divergenceLimit(config) });
      return sharesOf(buildProblem(config), minima, r.finalPoints!);
    });
    out.sharp.push(row.map((s) => s.fractions[sharpIndex]));
    out.flat.push(row.map((s) => s.fractions[flatIndex]));
    out.diverged.push(row.map((s) => s.diverged));
  }
  return out;
}

export function regularizationSection(ctx: ReportContext): Section {
  const ps = ctx.quick ? [0, 0.2, 0.4, 0.6, 0.8] : [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
  const lrs = logGrid(0.04, 2.5, ctx.quick ? 10 : 20);
  const samples = ctx.quick ? 200 : 1000;
  const steps = ctx.quick ? 200 : 400;
  const blocks: Block[] = [];
  const surface = doubleWell(2, R);
  const base = buildProblem({ surface: { kind: 'doublewell', sharpness: R }, optimizer: { name: 'sgd', lr: 0.1 } });
  const minima = minimaReport(base, { almostSure: false }).minima;
  const flat = minima.find((m) => m.relativeSharpness <= 1.5)!;
  const sharp = minima.find((m) => m.relativeSharpness > 1.5)!;

  blocks.push({
    kind: 'html',
    html: html`<h2>The question, and how it is measured</h2>
<p>Multiplicative gradient noise can regularize a fixed surface in one precise way: at a learning rate where a sharp minimum cannot hold the iterates and a flat one can, the noise moves trajectories to the flat one. DropGrad's version of that story is exact here. The surface is the double well ${tex('f(x) = d\\,w(m) + \\tfrac12\\sum_i (x_i - m)^2')}, ${tex('m = \\bar x')}, ${tex('w(s) = (s^2-1)^2\\,(1 + \\tfrac{r-1}{4}(s+1)^2)/8')}: two minima of value 0, flat at ${tex('-\\mathbf 1')} (Hessian I) and sharp at ${tex('+\\mathbf 1')} (Hessian ${tex('I + (r-1)\\mathbf 1\\mathbf 1^\\top/d')}, sharpness r = ${R}), found by <code>dropgrad minima</code> (eigenvalues ${flat.eigenvalues.map(fmt).join(', ')} and ${sharp.eigenvalues.map(fmt).join(', ')}).</p>
<p>Each minimum has two stability limits for SGD under DropGrad (docs/theory.md §7): the <em>mean-square</em> limit (largest η with ${tex('E\\lVert x_t - x^*\\rVert^2 \\to 0')}, exact) and the <em>almost-sure</em> limit (the η at which the top Lyapunov exponent of the linearised dynamics reaches 0: below it almost every path converges; Monte-Carlo with standard errors about 0.2%, exact for the flat minimum's diagonal Hessian). Every ensemble starts at x₀ = (1.1, 0.95), beside the sharp minimum, and runs ${steps} steps with ${samples} trajectories per cell; a final point belongs to the minimum its gradient flow reaches; ${DIVERGENCE_RULE}.</p>`,
  });

  // The surface.
  const n = 81;
  const xs = Array.from({ length: n }, (_, i) => -2 + (4 * i) / (n - 1));
  const z = xs.map((y) => xs.map((x) => Math.log10(surface.value(Float64Array.of(x, y)) + 0.01)));
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'reg-surface',
      title: 'The double well',
      data: [
        { type: 'contour', x: xs, y: xs, z, colorscale: 'Cividis', ncontours: 24, colorbar: { title: { text: 'log₁₀(f + 0.01)' } }, name: 'f' },
        { type: 'scatter', mode: 'markers', x: [-1, 1, 1.1], y: [-1, 1, 0.95], marker: { size: 9, color: ['#009E73', '#D55E00', '#000'], line: { color: '#fff', width: 1 } }, showlegend: false, hoverinfo: 'x+y' },
      ],
      layout: layout(`Double well, d = 2, r = ${R}`, 'x₁', 'x₂', {
        height: 440,
        width: 580,
        annotations: [
          { x: -1, y: -1, text: 'flat minimum (sharpness 1)', ax: 70, ay: 50, bgcolor: 'rgba(255,255,255,0.9)', showarrow: true, arrowcolor: '#fff' },
          { x: 1, y: 1, text: `sharp minimum (sharpness ${R})`, ax: -90, ay: -40, bgcolor: 'rgba(255,255,255,0.9)', showarrow: true, arrowcolor: '#fff' },
          { x: 1.1, y: 0.95, text: 'x₀', ax: 40, ay: 30, bgcolor: 'rgba(255,255,255,0.9)', showarrow: true, arrowcolor: '#fff' },
        ],
      }),
      caption: `Contours of log₁₀(f + 0.01). The two minima have the same value (0); the sharp one's curvature along (1, 1) is ${R}× the flat one's, across it both are 1. Trajectories start at x₀, beside the sharp minimum.`,
    },
  });

  // Exact limits vs p.
  ctx.progress('regularization: limits');
  const sgdSharp = ps.map((p) => limitsOf(sharp, p));
  const sgdFlat = ps.map((p) => limitsOf(flat, p));
  const gaussSharp = ps.map((p) => limitsOf(sharp, p, { gaussian: true }).as);
  const hbSharp = ps.map((p) => limitsOf(sharp, p, { momentum: 0.5 }));
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'reg-limits',
      title: 'Stability limits of each minimum vs drop rate',
      data: [
        line('flat minimum: mean-square = almost-sure (SGD)', ps, sgdFlat.map((l) => l.ms), 2, { mode: 'lines+markers' }),
        line('sharp minimum: mean-square (SGD)', ps, sgdSharp.map((l) => l.ms), 3, { mode: 'lines+markers' }),
        line('sharp minimum: almost-sure (SGD)', ps, sgdSharp.map((l) => l.as), 3, { mode: 'lines+markers', line: { color: color(3), width: 2, dash: 'dash' } }),
        line('sharp minimum: almost-sure (SGD, Gaussian DropGrad)', ps, gaussSharp, 4, { mode: 'lines+markers', line: { color: color(4), width: 2, dash: 'dot' } }),
        line('sharp minimum: mean-square (heavy ball 0.5)', ps, hbSharp.map((l) => l.ms), 0, { mode: 'lines+markers' }),
        line('sharp minimum: almost-sure (heavy ball 0.5)', ps, hbSharp.map((l) => l.as), 0, { mode: 'lines+markers', line: { color: color(0), width: 2, dash: 'dash' } }),
        line(`sharp minimum: 2(1 − p)/${R} (a diagonal Hessian's limit)`, ps, ps.map((p) => (2 * (1 - p)) / R), 7, { line: { color: '#888', width: 1, dash: 'dot' } }),
      ],
      layout: layout('Largest stable learning rate of each minimum', 'drop rate p', 'learning rate η (log scale)', { yaxis: axis('learning rate η (log scale)', { type: 'log' }), legend: { ...BELOW, y: -0.16 }, height: 580, margin: { l: 64, r: 24, t: 48, b: 190 } }),
      caption: `Exact mean-square limits and almost-sure (Lyapunov) limits on each minimum's quadratic model. Between a minimum's two curves E‖x − x*‖² grows while almost every path still converges. The flat minimum's Hessian is I (diagonal), where the two limits coincide: 2(1 − p). The sharp minimum's Hessian is dense: its limits lie above 2(1 − p)/${R} (grey) because DropGrad's coordinate-wise masks spread the noise over the flat direction too. Gaussian DropGrad has the same mean-square limit as Bernoulli (same second moments) but a higher almost-sure one.`,
    },
  });
  const windowRows = ps.map((p, i) => [p, sgdSharp[i].ms, sgdSharp[i].as, gaussSharp[i], sgdFlat[i].ms, sgdFlat[i].ms / sgdSharp[i].as, hbSharp[i].ms, hbSharp[i].as]);
  blocks.push({
    kind: 'table',
    head: ['drop rate', 'sharp: mean-square', 'sharp: almost-sure', 'sharp: almost-sure (Gaussian)', 'flat: both', 'window flat/sharp (almost-sure)', 'heavy ball 0.5, sharp: mean-square', 'heavy ball 0.5, sharp: almost-sure'],
    rows: windowRows,
    caption: `The learning rates at which only the flat minimum holds (almost surely) run from the sharp minimum's almost-sure limit to the flat one's: a factor ${fmt(windowRows[0][5])} at p = 0 and ${fmt(windowRows[windowRows.length - 1][5])} at p = ${ps[ps.length - 1]}.`,
  });

  // Basin shares over (p, η).
  ctx.progress('regularization: basins, d = 2');
  const g2 = basinGrid(ctx, 2, ps, lrs, samples, steps, minima);
  const limitLines = (sh: Limits[], fl: Limits[], pp: number[]) => [
    line('sharp minimum: mean-square limit', pp, sh.map((l) => l.ms), 3, { line: { color: '#D55E00', width: 2.5 } }),
    line('sharp minimum: almost-sure limit', pp, sh.map((l) => l.as), 3, { line: { color: '#D55E00', width: 2.5, dash: 'dash' } }),
    line('flat minimum: limit', pp, fl.map((l) => l.ms), 2, { line: { color: '#009E73', width: 2.5 } }),
  ];
  const heat = (id: string, title: string, zz: number[][], cap: string, sh: Limits[], fl: Limits[]) => ({
    kind: 'figure' as const,
    figure: {
      id,
      title,
      data: [{ type: 'heatmap', x: ps, y: lrs, z: zz, colorscale: 'Cividis', zmin: 0, zmax: 1, colorbar: { title: { text: 'share' } }, name: 'simulated share' }, ...limitLines(sh, fl, ps)],
      layout: layout(title, 'drop rate p', 'learning rate η (log scale)', { yaxis: axis('learning rate η (log scale)', { type: 'log' }), legend: { ...BELOW, y: -0.2 }, height: 560, margin: { l: 64, r: 24, t: 48, b: 130 } }),
      caption: cap,
    },
  });
  const sh2 = sgdSharp;
  const fl2 = sgdFlat;
  blocks.push(heat('reg-basin-sharp', 'Share ending at the sharp minimum (SGD, d = 2)', g2.sharp, `Share of ${samples} trajectories (${steps} steps from x₀) whose final point flows to the sharp minimum, per drop rate and learning rate. Lines: the sharp minimum's exact mean-square limit (solid) and almost-sure limit (dashed), and the flat minimum's limit (green). The boundary of the bright region follows the almost-sure limit, not the mean-square one.`, sh2, fl2));
  blocks.push(heat('reg-basin-flat', 'Share ending at the flat minimum (SGD, d = 2)', g2.flat, `Share of the same ensembles that ends at the flat minimum. Between the sharp minimum's almost-sure limit and the flat minimum's limit, trajectories leave the sharp minimum and settle in the flat one; above the flat limit they diverge (the rest of each column).`, sh2, fl2));

  ctx.progress('regularization: basins, d = 10');
  const D = 10;
  const baseN = buildProblem({ surface: { kind: 'doublewell', dim: D, sharpness: R }, optimizer: { name: 'sgd', lr: 0.1 } });
  const minimaN = minimaReport(baseN, { almostSure: false, count: 64 }).minima;
  const sharpN = minimaN.find((m) => m.relativeSharpness > 1.5)!;
  const flatN = minimaN.find((m) => m.relativeSharpness <= 1.5)!;
  const shN = ps.map((p) => limitsOf(sharpN, p));
  const flN = ps.map((p) => limitsOf(flatN, p));
  const gN = basinGrid(ctx, D, ps, lrs, samples, steps, minimaN);
  blocks.push(heat('reg-basin-sharp-nd', `Share ending at the sharp minimum (SGD, d = ${D})`, gN.sharp, `The same measurement on the ${D}-dimensional double well (sharp Hessian I + ${R - 1}·𝟙𝟙ᵀ/${D}), from x₀ = (1.1, 0.95, 1.1, …). With more coordinates, each mask mixes the sharp direction with more flat ones, and the sharp minimum's limits rise further above 2(1 − p)/${R}.`, shN, flN));

  // Verdict in numbers.
  const rows: (string | number)[][] = [];
  const boundary = (g: Grid, j: number) => crossing(lrs, g.sharp.map((row) => row[j]));
  ps.forEach((p, j) => {
    const b2 = boundary(g2, j);
    const bN = boundary(gN, j);
    rows.push([p, sh2[j].ms, sh2[j].as, b2, b2 / sh2[j].as, shN[j].ms, shN[j].as, bN, bN / shN[j].as]);
  });
  blocks.push({
    kind: 'table',
    head: ['drop rate', 'd = 2: mean-square', 'd = 2: almost-sure', 'd = 2: measured 50% boundary', 'boundary / almost-sure', `d = ${D}: mean-square`, `d = ${D}: almost-sure`, `d = ${D}: measured 50% boundary`, 'boundary / almost-sure'],
    rows,
    caption: `The learning rate at which half of the trajectories stop ending at the sharp minimum (log-interpolated between grid points, a factor ${fmt(lrs[1] / lrs[0])} apart), against the sharp minimum's two limits. Within ${steps} steps a path just above the almost-sure limit has not always left yet, so the measured boundary sits at or slightly above it.`,
  });
  // Plain GD above its limit: the orbit it settles on.
  const etaGd = 1.25 * sh2[0].as;
  const gd = buildProblem({ surface: { kind: 'doublewell', sharpness: R }, optimizer: { name: 'sgd', lr: etaGd } });
  const orbit = runTrajectory(gd.surface, gd.chain, gd.x0, steps, 0, 0, true);
  const [xa, xb] = [orbit.path!.at(-1)!, orbit.path!.at(-2)!];
  blocks.push({
    kind: 'html',
    html: html`<p>Where the linear picture ends: plain gradient descent (p = 0) at η = ${fmt(etaGd)}, 1.25× the sharp minimum's limit, does not leave the sharp basin. After ${steps} steps it alternates between (${fmt(xa[0])}, ${fmt(xa[1])}) and (${fmt(xb[0])}, ${fmt(xb[1])}) with loss ${fmt(gd.surface.value(xa))}: a period-2 orbit around the minimum, held by the well's non-quadratic walls. The linearisation only says that the minimum itself repels; DropGrad's noise (larger p) knocks paths off such orbits, which is why the measured boundary meets the almost-sure limit only once p is large enough.</p>`,
  });
  // At one fixed learning rate, what does raising p do?
  const etaIndex = lrs.findIndex((l) => l >= 0.15);
  const eta = lrs[etaIndex];
  const fixed = g2.sharp[etaIndex];
  const pLast = ps[ps.length - 1];
  const last = ps.length - 1;
  const perP = rows.map((r) => `${fmt(r[4] as number)} (p = ${r[0]})`).join(', ');
  const msGap = Math.max(...sh2.map((l) => l.as / l.ms));
  const verdict = html`Measured on the 2-D double well (sharpness ratio ${R}), SGD from beside the sharp minimum. At a fixed learning rate η = ${fmt(eta)} the share ending at the sharp minimum falls from ${(100 * fixed[0]).toFixed(0)}% at p = 0 to ${(100 * fixed[last]).toFixed(0)}% at p = ${pLast}; ${(100 * g2.flat[etaIndex][last]).toFixed(0)}% settle in the flat minimum and ${(100 * g2.diverged[etaIndex][last]).toFixed(0)}% diverge on the way out. So at a fixed step size DropGrad does move trajectories to the flat minimum — by lowering the sharp minimum's limit (almost-sure: ${fmt(sh2[0].as)} at p = 0, ${fmt(sh2[last].as)} at p = ${pLast}), which a larger step does too. It is not a sharper selection: the band of learning rates where only the flat minimum holds shrinks from a factor ${fmt(windowRows[0][5])} (p = 0) to ${fmt(windowRows[windowRows.length - 1][5])} (p = ${ps[ps.length - 1]}), because on the dense sharp Hessian the masks cost the sharp minimum less than the flat one (its almost-sure limit is ${fmt(sgdSharp[sgdSharp.length - 1].as / ((2 * (1 - ps[ps.length - 1])) / R))}× the diagonal ${tex('2(1-p)/r')}); in d = ${D}, where each mask mixes the sharp direction with ${D - 1} flat ones, the band shrinks from ${fmt(flN[0].ms / shN[0].as)} to ${fmt(flN[last].ms / shN[last].as)}. Where paths leave, the almost-sure limit decides, not the mean-square one (lower by up to ${fmt(100 * (msGap - 1))}%): the measured 50% boundary over the almost-sure limit is ${perP}. Where the linear story breaks: without enough noise (small p) plain SGD keeps the sharp basin above its limit on a period-2 orbit around the minimum (a nonlinear effect the linearisation cannot see); noise breaks the orbit.`;
  return {
    id: 'regularization',
    title: '6. Regularization: which minima survive',
    claim: 'DropGrad regularizes: its gradient noise steers optimization toward flatter, more robust minima.',
    verdict,
    blocks,
  };
}
