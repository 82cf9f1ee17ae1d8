/**
 * The JavaScript fused kernel: every optimizer's update rule (src/optimizers/rules, lowered by rule.js.ts) on
 * quadratics, every sum of window terms (src/surfaces/windowsum.ts: N-D Rosenbrock, Rastrigin), every sum over data rows
 * (src/surfaces/rowsum.ts: logistic regression) and every surface with a program (src/surfaces/program.ts), with Bernoulli or Gaussian DropGrad (per-coordinate rates, schedules, full-update drop). Each performs, per trajectory and coordinate, the same floating-point operations in the same order as
 * the chain of links (src/optimizers) and the surface code, so it returns the same bits as the general path:
 * test/analysis/engine.test.ts checks that for every case. Struct-of-arrays over the block's trajectories.
 */
import { philox4x32 as philox } from '../../rng/philox.ts';
import { STREAM_MASK, STREAM_NORMAL, STREAM_REFINE, STREAM_SKIP, halfOf, maskSteps } from '../../rng/keyed.ts';
import { boxMuller, boxMullerSin } from '../../rng/normal.ts';
import type { UpdateRule } from '../../optimizers/rules/index.ts';
import type { SurfaceProgram } from '../../surfaces/program.ts';
import type { WindowSum } from '../../surfaces/windowsum.ts';
import type { RowSum } from '../../surfaces/rowsum.ts';
import type { CoordSum } from '../../surfaces/coordsum.ts';
import type { BlockRange } from './general.ts';
import { ruleStepJs } from './rule.js.ts';
import type { BlockRecorder } from './stats.ts';

export type FastSurface =
  /** A sum of window terms (src/surfaces/windowsum.ts: N-D Rosenbrock, Rastrigin above 128 dimensions): its generated loops. */
  | { kind: 'windowSum'; d: number; windowSum: WindowSum }
  /** A sum over data rows (src/surfaces/rowsum.ts: logistic regression): its generated loops over the design. */
  | { kind: 'rows'; d: number; rowSum: RowSum }
  /** Sums over the coordinates (src/surfaces/coordsum.ts: Ackley, the double well above 128 dimensions): its loops. */
  | { kind: 'coordSum'; d: number; coordSum: CoordSum }
  | { kind: 'quadratic'; d: number; H: Float64Array; diag: boolean; xStar: Float64Array; c: number }
  /** A surface with a program (src/surfaces/program.ts): its generated value and gradient. */
  | { kind: 'program'; d: number; program: SurfaceProgram };

/**
 * Per step t < T: learning rate eta[t], drop rates rates[t·d + i] with their integer thresholds thr[t·d + i]
 * (rng/keyed.ts `threshold`) and keep probabilities keep[t·d + i] = 1 − p, full-update drop rate skipRates[t] and
 * its threshold skipThr[t]; for Gaussian DropGrad (else empty) the multipliers' standard deviations
 * sigma[t·d + i] = √(p/(1 − p)).
 */
export interface StepTables {
  eta: Float64Array;
  rates: Float64Array;
  thr: Float64Array;
  keep: Float64Array;
  skipRates: Float64Array;
  skipThr: Float64Array;
  sigma: Float64Array;
}

export interface FastJob extends BlockRange {
  surface: FastSurface;
  /** The optimizer's update rule (src/optimizers/rules), lowered by rule.js.ts here and rule.wat.ts in WebAssembly. */
  rule: UpdateRule;
  /** The schedule's per-step values, the same for every block of a job (block.ts builds them once). */
  tables: StepTables;
  /** Whether the chain has full-update drop (some steps may be skipped); without, every alive trajectory moves. */
  skips: boolean;
  /** Gaussian DropGrad (g̃_i = g_i·(1 + σ_i z), z from src/rng/normal.ts) instead of Bernoulli masks. */
  gaussian: boolean;
}

/** Gradient at trajectory b's point, written to g (same operations as the surface classes). */
function gradient(s: FastSurface, x: Float64Array, o: number, g: Float64Array, e: Float64Array): void {
  const d = s.d;
  if (s.kind === 'program') s.program.gradient(x, o, g);
  else if (s.kind === 'windowSum') s.windowSum.gradient(x, o, g);
  else if (s.kind === 'rows') s.rowSum.gradient(x, o, g);
  else if (s.kind === 'coordSum') s.coordSum.gradient(x, o, g);
  else if (s.diag) {
    for (let i = 0; i < d; i++) g[i] = s.H[i * d + i] * (x[o + i] - s.xStar[i]);
  } else {
    for (let i = 0; i < d; i++) e[i] = x[o + i] - s.xStar[i];
    for (let i = 0; i < d; i++) {
      let r = 0;
      for (let j = 0; j < d; j++) r += s.H[i * d + j] * e[j];
      g[i] = r;
    }
  }
}

/** f at trajectory b's point (same operations as the surface classes). */
export function value(s: FastSurface, x: Float64Array, o: number, e: Float64Array): number {
  const d = s.d;
  let acc = 0;
  if (s.kind === 'program') return s.program.value(x, o);
  if (s.kind === 'windowSum') return s.windowSum.value(x, o);
  if (s.kind === 'rows') return s.rowSum.value(x, o);
  if (s.kind === 'coordSum') return s.coordSum.value(x, o);
  if (s.diag) {
    for (let i = 0; i < d; i++) {
      const ei = x[o + i] - s.xStar[i];
      acc += ei * (s.H[i * d + i] * ei);
    }
  } else {
    for (let i = 0; i < d; i++) e[i] = x[o + i] - s.xStar[i];
    for (let i = 0; i < d; i++) {
      let r = 0;
      for (let j = 0; j < d; j++) r += s.H[i * d + j] * e[j];
      acc += e[i] * r;
    }
  }
  return 0.5 * acc + s.c;
}

export function runFastBlock(job: FastJob, rec: BlockRecorder): void {
  const { surface, rule, x0, steps, seed, first, B } = job;
  const d = surface.d;
  const S = maskSteps(d);
  const k0 = seed >>> 0;
  const k1 = Math.floor(seed / 4294967296) >>> 0;
  const x = new Float64Array(B * d);
  const state = rule.stateInit.map((v) => new Float64Array(B * d).fill(v)); // the rule's state, per slot
  const counted = rule.usesFirst || rule.countNames.length > 0;
  const count = new Int32Array(B); // the rule's own step count c (moves so far)
  const countTables = rule.countTable(steps + 1);
  const C = new Float64Array(rule.countNames.length);
  const ruleStep = ruleStepJs(rule);
  const loss = new Float64Array(B);
  const alive = new Uint8Array(B).fill(1);
  const last = new Float64Array(B * d);
  const g = new Float64Array(d);
  const e = new Float64Array(d);
  const words = new Uint32Array(4);
  const refine = new Uint32Array(4);
  const skipWord = new Uint32Array(4);
  const thr = new Float64Array(d);
  const l0 = value(surface, x0, 0, e);
  for (let b = 0; b < B; b++) {
    x.set(x0, b * d);
    loss[b] = l0;
  }
  rec.record(0, x, loss, alive, B);
  for (let t = 0; t < steps; t++) {
    const eta = job.tables.eta[t];
    const p = job.tables.rates.subarray(t * d, (t + 1) * d);
    const skipRate = job.tables.skipRates[t];
    for (let i = 0; i < d; i++) thr[i] = job.tables.thr[t * d + i];
    const skipThr = job.tables.skipThr[t];
    const isLast = t === steps - 1;
    // Mask halves (src/rng/keyed.ts): counter step ⌊t/S⌋, half index f = (t mod S)·d + i.
    const tMask = Math.floor(t / S);
    const f0 = (t % S) * d;
    for (let b = 0; b < B; b++) {
      if (!alive[b]) continue;
      const traj = first + b;
      const o = b * d;
      if (skipRate > 0) {
        philox(0, t, traj, STREAM_SKIP, k0, k1, skipWord);
        if (skipWord[0] < skipThr) {
          if (isLast) for (let i = 0; i < d; i++) last[o + i] = 0;
          continue;
        }
      }
      gradient(surface, x, o, g, e);
      if (job.gaussian) {
        // Gaussian DropGrad: g̃_i = g_i·(1 + σ_i z_i), z_i as src/rng/keyed.ts `normal` (Box–Muller pairs).
        const sigma = job.tables.sigma;
        for (let i = 0; i < d; i++) {
          if ((i & 3) === 0) philox(i >>> 2, t, traj, STREAM_NORMAL, k0, k1, words);
          const k = i & 2;
          if (p[i] !== 0) g[i] = g[i] * (1 + sigma[t * d + i] * (i & 1 ? boxMullerSin : boxMuller)(words[k], words[k + 1]));
        }
      }
      // DropGrad: g̃_i = g_i/(1 − p_i) if kept, else 0.
      else for (let i = 0; i < d; i++) {
        const f = f0 + i;
        if (i === 0 || (f & 7) === 0) philox(f >>> 3, tMask, traj, STREAM_MASK, k0, k1, words);
        const pi = p[i];
        // Kept iff H·2¹⁶ + R ≥ thr, R (the refine stream) read only when H equals thr's high half.
        const h = halfOf(words, f & 7);
        const hi = Math.floor(thr[i] / 65536);
        let kept = h > hi;
        if (h === hi) {
          philox(f >>> 3, tMask, traj, STREAM_REFINE, k0, k1, refine);
          kept = halfOf(refine, f & 7) >= thr[i] % 65536;
        }
        g[i] = pi === 0 || kept ? g[i] / (1 - pi) : 0;
      }
      // The optimizer's rule (its count and tables advance only when the trajectory moves, as the links' state).
      let firstMove = false;
      if (counted) {
        const c = ++count[b];
        firstMove = c === 1;
        for (let k = 0; k < C.length; k++) C[k] = countTables[k][c];
      }
      ruleStep(d, o, g, x, state, C, firstMove, -eta, isLast, last);
      let finite = true;
      for (let i = 0; i < d; i++) if (!Number.isFinite(x[o + i])) finite = false;
      rec.settle(t, b, finite, value(surface, x, o, e), job.divergenceLoss, loss, alive);
    }
    rec.record(t + 1, x, loss, alive, B);
  }
  if (steps > 0) rec.recordUpdate(last, alive, B);
}
