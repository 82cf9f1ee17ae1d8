/**
 * Report: generalization on real data (docs/theory.md §8). Least squares on the CPS 1985 wage data is a quadratic,
 * so the exact moment recursion gives the expected train and test loss of DropGrad at every step: set against GD,
 * the ridge path and the ridge solution, at a fixed learning rate and at learning rates tuned per drop rate.
 * Logistic regression on iris (no closed form) is simulated: test loss and accuracy against the drop rate, and
 * whether its mean path stays GD's as the linear theory says.
 */
import { heldOutValues, summarizeSample } from '../../analysis/heldout.ts';
import { defaultWorkers, simulate, simulateSync } from '../../analysis/mc/index.ts';
import { multiStepMoments } from '../../analysis/moments.ts';
import { lrMax } from '../../analysis/stability.ts';
import { runTrajectory } from '../../analysis/trajectory.ts';
import { type Split, dataset, splitRows } from '../../data/datasets.ts';
import { buildProblem, type ProblemConfig } from '../../problem.ts';
import { type LeastSquaresSurface, type LogisticSurface, evaluateForm } from '../../surfaces/index.ts';
import { check, type ReportContext } from '../context.ts';
import { html } from '../html.ts';
import { tex } from '../math.ts';
import type { Block, Section } from '../page.ts';
import { BELOW, axis, color, errorBars, layout, line } from '../theme.ts';

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : '—');
const logGrid = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a * (b / a) ** (i / (n - 1)));
const argmin = (v: number[]) => v.reduce((best, x, i) => (x < v[best] ? i : best), 0);

function regressionConfig(split: Split, target: string, kind: 'least-squares' | 'logistic', lr: number, p: number): ProblemConfig {
  return { surface: { kind, data: split.train, test: split.test, target, standardize: true }, optimizer: { name: 'sgd', lr }, drop: { rate: p } };
}

export async function regressionSection(ctx: ReportContext): Promise<Section> {
  const blocks: Block[] = [];
  const cps = dataset('cps-1985');
  const split = splitRows(cps.table, cps.trainRows, cps.seed);
  const ls = buildProblem(regressionConfig(split, cps.target, 'least-squares', 0.3, 0)).surface as LeastSquaresSurface;
  const d = ls.dim;
  const x0 = new Float64Array(d);
  const T = 200;
  const eta = 0.3;
  const ps = ctx.quick ? [0, 0.2, 0.4, 0.6, 0.8] : [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
  const shown = [0, 0.2, 0.5, 0.8];
  const steps = Array.from({ length: T + 1 }, (_, t) => t);
  const rates = (p: number) => () => new Float64Array(d).fill(p);
  const path = (lr: number, p: number, weightDecay = 0, steps = T) => multiStepMoments(ls, { x0, steps, lr: () => lr, weightDecay, rates: rates(p), testLoss: ls.test });
  const olsTest = evaluateForm(ls.test!, ls.xStar);
  const lambdas = logGrid(1e-3, 1, ctx.quick ? 13 : 25);
  const ridgeTests = lambdas.map((l) => evaluateForm(ls.test!, ls.ridge(l)));
  const bestLambda = lambdas[argmin(ridgeTests)];
  const ridgeBest = Math.min(...ridgeTests);

  blocks.push({
    kind: 'html',
    html: html`<h2>The data, the model, and what the exact analysis predicts</h2>
<p>${cps.description}</p>
<p>Split: ${split.train.rows.length} training rows and ${split.test.rows.length} test rows (seeded shuffle, seed ${cps.seed}; <code>dropgrad dataset cps-1985</code> writes the same files). A small training set for ${d} coefficients (${ls.design.features.length - 1} standardized features and an intercept) is where a regularizer can show: the ridge solution at its best λ = ${fmt(bestLambda)} has test loss ${fmt(ridgeBest)} against least squares' ${fmt(olsTest)}. The loss is ${tex('f(w) = \\tfrac{1}{2n}\\sum_i (x_i^\\top w - y_i)^2')} on the training rows, the test loss the same mean over the test rows; every run starts at w = 0.</p>
<p>Least squares is a quadratic, so the moment recursion of docs/theory.md §3 is exact here, for train and test loss alike (§8). Two facts decide the outcome before any number is computed. (1) DropGrad's mask has mean 1, so the mean iterate follows GD exactly: ${tex('\\mathbb E\\,w_t = w_t^{\\mathrm{GD}}')}. (2) The test loss is a convex quadratic, so ${tex('\\mathbb E\\,f_{\\mathrm{test}}(w_t) = f_{\\mathrm{test}}(w_t^{\\mathrm{GD}}) + \\tfrac12\\operatorname{tr}(A\\,\\operatorname{Cov} w_t) \\ge f_{\\mathrm{test}}(w_t^{\\mathrm{GD}})')}, with A the test rows' second-moment matrix. At the same learning rate and step DropGrad's expected test loss is GD's plus a variance term that is never negative; and because the gradient vanishes at the least-squares solution, the noise vanishes there too and every mean-square stable run converges to it. Unlike dropout on the inputs (which adds a ridge-like penalty to the objective), DropGrad on the gradient adds no penalty: it changes how the iterates spread, not where they go.</p>`,
  });

  // 1. Fixed learning rate: expected test loss vs step, exact, with a simulated check.
  ctx.progress('regression: exact paths');
  const paths = shown.map((p) => path(eta, p));
  const ridgePath = path(eta, 0, bestLambda);
  const checkSteps = [5, 10, 20, 50];
  const mcMean: number[] = [];
  const mcSe: number[] = [];
  const mcAlive: number[] = [];
  const pCheck = 0.5;
  for (const t of checkSteps) {
    const config = regressionConfig(split, cps.target, 'least-squares', eta, pCheck);
    const r = simulateSync({ problem: config, samples: ctx.quick ? 2000 : 10_000, steps: t, seed: ctx.nextSeed(), bandSteps: 0, keepFinal: true });
    const s = summarizeSample(heldOutValues(ls, r.finalPoints!).loss);
    mcMean.push(s.mean);
    mcSe.push(s.stderr);
    mcAlive.push(r.perStep.n[t] / r.samples);
    check(ctx, 'regression', `E test loss, least squares on CPS 1985, p = ${pCheck}, η = ${eta}, step ${t}`, paths[shown.indexOf(pCheck)].expectedTestLossPerStep![t], s.mean, s.stderr);
    check(ctx, 'regression', `E train loss, least squares on CPS 1985, p = ${pCheck}, η = ${eta}, step ${t}`, paths[shown.indexOf(pCheck)].expectedLossPerStep[t], r.meanLoss, r.stderrLoss);
  }
  const x1 = steps.slice(1);
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'regression-test-path',
      title: 'Expected test loss vs step at one learning rate',
      data: [
        ...shown.map((p, k) => line(p === 0 ? 'GD (p = 0)' : `DropGrad p = ${p}`, x1, paths[k].expectedTestLossPerStep!.slice(1), k)),
        line(`ridge path (GD with weight decay λ = ${fmt(bestLambda)})`, x1, ridgePath.expectedTestLossPerStep!.slice(1), 4, { line: { color: color(4), width: 2, dash: 'dash' } }),
        line('least-squares solution', [1, T], [olsTest, olsTest], 7, { line: { color: '#555', width: 1, dash: 'dot' } }),
        line(`ridge solution, best λ = ${fmt(bestLambda)}`, [1, T], [ridgeBest, ridgeBest], 4, { line: { color: color(4), width: 1, dash: 'dot' } }),
        { ...errorBars(`simulated, p = ${pCheck} (mean ± 1.96 s.e.)`, checkSteps, mcMean, mcSe, 7), mode: 'markers', marker: { color: '#000', size: 8, symbol: 'x' } },
        { type: 'scatter', mode: 'markers', x: checkSteps, y: mcAlive, yaxis: 'y2', marker: { color: '#000', size: 7, symbol: 'x' }, name: `simulated, p = ${pCheck}: share not diverged`, showlegend: false },
      ],
      layout: layout(`Least squares on CPS 1985: E test loss, η = ${eta}`, 'step t (log scale)', 'expected test loss (log scale)', { xaxis: axis('step t (log scale)', { type: 'log', anchor: 'y2' }), yaxis: axis('expected test loss (log scale)', { type: 'log', domain: [0.3, 1] }), yaxis2: axis('share not diverged', { domain: [0, 0.2], range: [0, 1.05] }), legend: { ...BELOW, y: -0.18 }, height: 640, margin: { l: 64, r: 24, t: 48, b: 190 } }),
      caption: `Exact expected test loss of SGD at η = ${eta} (largest mean-square stable η: ${fmt(lrMax(ls.H, { rates: 0 }).lrMax)} at p = 0, ${fmt(lrMax(ls.H, { rates: 0.8 }).lrMax)} at p = 0.8) under DropGrad at several drop rates, from w = 0. Every curve lies above GD's at every step (the variance term), dips where GD's does (early stopping is what regularizes here) and ends at the least-squares solution. The ridge path keeps its penalty and ends at the ridge solution. Crosses: ${ctx.quick ? 2000 : 10_000} simulated trajectories at p = ${pCheck} (test loss of each final iterate), on the exact curve; below, the share of them not diverged (η is mean-square stable: all).`,
    },
  });
  // The variance term.
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'regression-variance-term',
      title: 'What DropGrad adds: the variance term',
      data: shown.slice(1).map((p, k) => line(`p = ${p}`, x1, paths[k + 1].expectedTestLossPerStep!.slice(1).map((v, t) => Math.max(v - paths[0].expectedTestLossPerStep![t + 1], 1e-300)), k + 1)),
      layout: layout('½ tr(A Cov w_t) = E f_test(w_t) − f_test(w_t^GD)', 'step t (log scale)', 'added expected test loss (log scale)', { xaxis: axis('step t (log scale)', { type: 'log' }), yaxis: axis('added expected test loss (log scale)', { type: 'log', exponentformat: 'power' }), legend: { ...BELOW, y: -0.2 }, height: 460, margin: { l: 64, r: 24, t: 48, b: 120 } }),
      caption: `The exact excess of DropGrad's expected test loss over GD's at the same η = ${eta} and step: the spread of the iterates seen through the test rows. It is largest in the first steps, where the gradients are large, and decays with them (the noise is multiplicative: it vanishes where the gradient does).`,
    },
  });

  // 2. Tuned learning rates.
  ctx.progress('regression: tuned learning rates');
  const budget = 20;
  const nLr = ctx.quick ? 16 : 40;
  const tuned = ps.map((p) => {
    const limit = lrMax(ls.H, { rates: p }).lrMax;
    const lrs = logGrid(0.02, 0.999 * limit, nLr);
    const runs = lrs.map((lr) => path(lr, p).expectedTestLossPerStep!);
    const atBudget = runs.map((r) => r[budget]);
    const early = runs.map((r) => Math.min(...r));
    const i = argmin(atBudget);
    const j = argmin(early);
    return { p, limit, lrBudget: lrs[i], budget: atBudget[i], lrEarly: lrs[j], early: early[j], stepEarly: runs[j].indexOf(early[j]), final: runs[i][T] };
  });
  // Ridge path tuned over (η, λ) at the same budget.
  const ridgeLrs = logGrid(0.02, 0.999 * lrMax(ls.H, { rates: 0 }).lrMax, ctx.quick ? 8 : 16);
  let ridgeBudget = Number.POSITIVE_INFINITY;
  for (const l of lambdas) for (const lr of ridgeLrs) ridgeBudget = Math.min(ridgeBudget, path(lr, 0, l, budget).expectedTestLossPerStep![budget]);
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'regression-tuned',
      title: 'Best expected test loss vs drop rate, learning rate tuned per drop rate',
      data: [
        line(`η tuned for E test loss at step ${budget}`, ps, tuned.map((r) => r.budget), 0, { mode: 'lines+markers' }),
        line(`η and stopping step t ≤ ${T} tuned (early stopping)`, ps, tuned.map((r) => r.early), 1, { mode: 'lines+markers' }),
        line(`ridge path, (η, λ) tuned for step ${budget}`, [0, ps[ps.length - 1]], [ridgeBudget, ridgeBudget], 4, { line: { color: color(4), width: 1.5, dash: 'dash' } }),
        line(`ridge solution, best λ = ${fmt(bestLambda)}`, [0, ps[ps.length - 1]], [ridgeBest, ridgeBest], 4, { line: { color: color(4), width: 1.5, dash: 'dot' } }),
        line('least-squares solution', [0, ps[ps.length - 1]], [olsTest, olsTest], 7, { line: { color: '#555', width: 1, dash: 'dot' } }),
      ],
      layout: layout('Least squares on CPS 1985: best expected test loss', 'drop rate p', 'expected test loss', { legend: { ...BELOW, y: -0.16 }, height: 540, margin: { l: 64, r: 24, t: 48, b: 170 } }),
      caption: `For each drop rate, the learning rate (log grid of ${nLr} from 0.02 to 0.999× that p's mean-square limit) that minimises the exact expected test loss, at a budget of ${budget} steps (blue) and over every stopping step up to ${T} (orange). Both criteria read the test rows: an oracle, applied alike to every method, so the curves are the best each can reach. The p = 0 points are GD's; each DropGrad point is higher. With free stopping, DropGrad's optimum sits at the grid's smallest η and late steps (table): the noise a run accumulates per unit of time η·t grows like η, so DropGrad does best as η → 0, where it becomes GD's gradient flow, and it never passes GD.`,
    },
  });
  blocks.push({
    kind: 'table',
    head: ['drop rate', 'mean-square limit of η', `tuned η (step ${budget})`, `E test loss at step ${budget}`, 'tuned η (early stopping)', 'best E test loss', 'at step', `E test loss at step ${T}`],
    rows: tuned.map((r) => [r.p, r.limit, r.lrBudget, r.budget, r.lrEarly, r.early, r.stepEarly, r.final]),
    caption: `The tuned comparison in numbers. At step ${T} every stable run has reached the least-squares solution's test loss (${fmt(olsTest)}), whatever p.`,
  });

  // 3. Logistic regression on iris, by simulation.
  ctx.progress('regression: logistic regression');
  const iris = dataset('iris');
  const isplit = splitRows(iris.table, iris.trainRows, iris.seed);
  const lT = 100;
  const lEta = 3;
  const samples = ctx.quick ? 200 : 1000;
  const lps = ctx.quick ? [0, 0.4, 0.8] : [0, 0.2, 0.4, 0.6, 0.8];
  const lg = buildProblem(regressionConfig(isplit, iris.target, 'logistic', lEta, 0)).surface as LogisticSurface;
  const gdAt = (lr: number) => {
    const pr = buildProblem(regressionConfig(isplit, iris.target, 'logistic', lr, 0));
    return runTrajectory(pr.surface, pr.chain, pr.x0, lT, 0, 0, false).final;
  };
  // The general path (no fused kernel for a data-set loss): on every core, the same numbers as on one.
  const simulateLogistic = async (lr: number, p: number) => {
    const config = regressionConfig(isplit, iris.target, 'logistic', lr, p);
    const r = await simulate({ problem: config, samples, steps: lT, seed: ctx.nextSeed(), bandSteps: 0, keepFinal: true }, { workers: defaultWorkers() });
    const v = heldOutValues(lg, r.finalPoints!);
    return { loss: summarizeSample(v.loss), accuracy: summarizeSample(v.accuracy!), meanIterate: r.mean!, trainLoss: r.meanLoss };
  };
  type Run = Awaited<ReturnType<typeof simulateLogistic>>;
  const fixed: Run[] = [];
  for (const p of lps) fixed.push(await simulateLogistic(lEta, p));
  const gdW = gdAt(lEta);
  const gdTest = lg.testLoss!(gdW);
  const lLrs = logGrid(0.5, 32, ctx.quick ? 4 : 7);
  const ltuned: (Run & { lr: number })[] = [];
  for (const p of lps) {
    const runs: (Run & { lr: number })[] = [];
    for (const lr of lLrs) runs.push({ lr, ...(await simulateLogistic(lr, p)) });
    ltuned.push(runs[argmin(runs.map((r) => r.loss.mean))]);
  }
  blocks.push({
    kind: 'html',
    html: html`<h2>A non-linear model: logistic regression on iris</h2>
<p>${iris.description} Split: ${isplit.train.rows.length} training and ${isplit.test.rows.length} test flowers (seed ${iris.seed}), features standardized, an intercept, log-loss ${tex('f(w) = \\tfrac1n\\sum_i \\log(1 + e^{z_i}) - y_i z_i')}, ${tex('z_i = x_i^\\top w')}. There is no closed form: ${samples} simulated trajectories of ${lT} steps per setting, each final iterate scored on the test rows. The linear theory predicts two things to test: the mean iterate follows GD's, and the test loss only rises with p.</p>`,
  });
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'regression-logistic-fixed',
      title: 'Logistic regression: test loss vs drop rate at one learning rate',
      data: [
        errorBars('mean test loss of the final iterates (± 1.96 s.e.)', lps, fixed.map((r) => r.loss.mean), fixed.map((r) => r.loss.stderr), 0),
        line('median test loss', lps, fixed.map((r) => r.loss.median), 0, { line: { color: color(0), width: 1.5, dash: 'dash' } }),
        line('test loss of the mean iterate E w_T', lps, fixed.map((r) => lg.testLoss!(r.meanIterate)), 3, { mode: 'lines+markers' }),
        line('GD (p = 0, one deterministic run)', [0, lps[lps.length - 1]], [gdTest, gdTest], 7, { line: { color: '#555', width: 1, dash: 'dot' } }),
      ],
      layout: layout(`Logistic regression on iris: test loss after ${lT} steps, η = ${lEta}`, 'drop rate p', 'test log-loss (nats)', { legend: { ...BELOW, y: -0.16 }, height: 520, margin: { l: 64, r: 24, t: 48, b: 170 } }),
      caption: `Mean (markers, 95% error bars) and median (dashed) test loss of ${samples} DropGrad runs per drop rate at η = ${lEta}, and the test loss of their mean iterate (red). For a linear model the red line would be GD's (grey) at every p; here the mask's noise passes through the sigmoid, so the mean path departs from GD's by the amount shown.`,
    },
  });
  blocks.push({
    kind: 'figure',
    figure: {
      id: 'regression-logistic-tuned',
      title: 'Logistic regression: test loss and accuracy at tuned learning rates',
      data: [
        errorBars('mean test loss at the tuned η (± 1.96 s.e.)', lps, ltuned.map((r) => r.loss.mean), ltuned.map((r) => r.loss.stderr), 0),
        line('GD at its tuned η', [0, lps[lps.length - 1]], [ltuned[0].loss.mean, ltuned[0].loss.mean], 7, { line: { color: '#555', width: 1, dash: 'dot' } }),
        errorBars('mean test accuracy at the tuned η (± 1.96 s.e.)', lps, ltuned.map((r) => r.accuracy.mean), ltuned.map((r) => r.accuracy.stderr), 2, { xaxis: 'x2', yaxis: 'y2' }),
        line('GD\u2019s test accuracy', [0, lps[lps.length - 1]], [ltuned[0].accuracy.mean, ltuned[0].accuracy.mean], 7, { xaxis: 'x2', yaxis: 'y2', line: { color: '#555', width: 1, dash: 'dot' }, showlegend: false }),
      ],
      layout: layout(`Logistic regression on iris: η tuned per drop rate (${lT} steps)`, 'drop rate p', 'test log-loss (nats)', {
        grid: { rows: 2, columns: 1, pattern: 'independent', roworder: 'top to bottom' },
        xaxis: axis('drop rate p', { matches: 'x2' }),
        yaxis: axis('test log-loss (nats)', { domain: [0.55, 1] }),
        xaxis2: axis('drop rate p', { anchor: 'y2' }),
        yaxis2: axis('test accuracy', { domain: [0, 0.45], anchor: 'x2', tickformat: '.1%' }),
        legend: { ...BELOW, y: -0.14 },
        height: 620,
        margin: { l: 72, r: 24, t: 48, b: 150 },
      }),
      caption: `For each drop rate the learning rate (log grid ${lLrs[0]} … ${lLrs[lLrs.length - 1]}, ${lLrs.length} values, a factor ${fmt(lLrs[1] / lLrs[0])} apart) with the lowest mean test loss after ${lT} steps (an oracle on the test rows, as above), and the test accuracy there (lower panel: ${isplit.test.rows.length} test flowers, so one flower is ${fmt(100 / isplit.test.rows.length)}%). Dotted: GD.`,
    },
  });
  blocks.push({
    kind: 'table',
    head: ['drop rate', 'tuned η', 'mean test loss', 's.e.', 'median test loss', 'mean test accuracy', 's.e.', `test loss at η = ${lEta}`, `test loss of E w_T at η = ${lEta}`],
    rows: lps.map((p, i) => [p, ltuned[i].lr, ltuned[i].loss.mean, ltuned[i].loss.stderr, ltuned[i].loss.median, ltuned[i].accuracy.mean, ltuned[i].accuracy.stderr, fixed[i].loss.mean, lg.testLoss!(fixed[i].meanIterate)]),
    caption: `Logistic regression in numbers; GD's test loss at η = ${lEta}: ${fmt(gdTest)}.`,
  });

  const gd = tuned[0];
  const last = tuned[tuned.length - 1];
  const mid = tuned[ps.indexOf(0.5)] ?? tuned[Math.floor(tuned.length / 2)];
  const lLast = ltuned[ltuned.length - 1];
  const lFirst = ltuned[0];
  // The best DropGrad drop rate (p > 0) against tuned GD.
  const lBest = 1 + argmin(ltuned.slice(1).map((r) => r.loss.mean));
  const lz = (ltuned[lBest].loss.mean - lFirst.loss.mean) / ltuned[lBest].loss.stderr;
  const verdict = html`Least squares on CPS 1985 (${split.train.rows.length} training rows, ${d} coefficients), exact: at every learning rate and step DropGrad's expected test loss is GD's plus a non-negative variance term (its mean path is GD's), and every stable run ends at the least-squares solution (test loss ${fmt(olsTest)}), so DropGrad cannot lower the expected test loss. Tuned per drop rate, the best expected test loss at ${budget} steps rises from ${fmt(gd.budget)} (GD) to ${fmt(mid.budget)} at p = ${mid.p} and ${fmt(last.budget)} at p = ${last.p}; with early stopping tuned too, from ${fmt(gd.early)} (GD, step ${gd.stepEarly}) to ${fmt(last.early)} (p = ${last.p}, step ${last.stepEarly}). What regularizes here is early stopping (GD's best ${fmt(gd.early)} beats the best ridge solution's ${fmt(ridgeBest)}) and ridge (the ridge path tuned for ${budget} steps: ${fmt(ridgeBudget)}), not the gradient mask. Logistic regression on iris (${isplit.train.rows.length} training flowers), simulated, learning rate tuned per drop rate for ${lT} steps: GD's test loss is ${fmt(lFirst.loss.mean)}; the best drop rate, p = ${lps[lBest]}, reaches ${fmt(ltuned[lBest].loss.mean)} ± ${fmt(ltuned[lBest].loss.stderr)} (difference ${fmt(ltuned[lBest].loss.mean - lFirst.loss.mean)}, z = ${fmt(lz)}), and p = ${lps[lps.length - 1]} ${fmt(lLast.loss.mean)}; mean test accuracy ${fmt(lFirst.accuracy.mean)} (GD) and ${ltuned.slice(1).map((r, i) => `${fmt(r.accuracy.mean)} (p = ${lps[i + 1]})`).join(', ')}, where one test flower is ${fmt(1 / isplit.test.rows.length)}. Unlike the linear model, the non-linear one's mean path leaves GD's: at η = ${lEta} the mean iterate's test loss moves from GD's ${fmt(gdTest)} to ${fmt(lg.testLoss!(fixed[fixed.length - 1].meanIterate))} at p = ${lps[lps.length - 1]}. ${lz < -3 ? 'So on this model a light mask gives a small, measurable gain over tuned GD, and heavier masks lose it again' : lz < 3 ? 'So on this model no drop rate beats tuned GD by more than its noise' : 'So on this model too every drop rate loses to tuned GD'}.`;
  return {
    id: 'regression',
    title: '7. Generalization on real data: linear and logistic regression',
    claim: 'DropGrad improves generalization: dropping gradient coordinates acts as a regularizer and lowers the test error.',
    verdict,
    blocks,
  };
}
