/**
 * The general path: any chain on any surface, trajectory by trajectory, exactly the reference loop of
 * src/analysis/trajectory.ts (same operations, so the same bits), with the block's statistics recorded.
 */
import { type AnyTransformation, randomSource } from '../../optimizers/index.ts';
import type { DropSource } from '../../optimizers/index.ts';
import type { Surface } from '../../surfaces/index.ts';
import type { BlockRecorder } from './stats.ts';

/** The trajectories of one block and how far to run them: common to every kernel. */
export interface BlockRange {
  x0: Float64Array;
  steps: number;
  seed: number;
  /** Global index of the block's first trajectory. */
  first: number;
  /** Trajectories in this block. */
  B: number;
  /** Loss above which a trajectory counts as diverged. */
  divergenceLoss: number;
}

export interface BlockJob extends BlockRange {
  surface: Surface;
  chain: AnyTransformation;
}

export function runGeneralBlock(job: BlockJob, rec: BlockRecorder): void {
  const { surface, chain, x0, steps, seed, first, B, divergenceLoss } = job;
  const d = surface.dim;
  const x = new Float64Array(B * d);
  const loss = new Float64Array(B);
  const alive = new Uint8Array(B).fill(1);
  const states: unknown[] = [];
  const sources: DropSource[] = [];
  const views: Float64Array[] = [];
  const l0 = surface.value(x0);
  for (let b = 0; b < B; b++) {
    x.set(x0, b * d);
    views.push(x.subarray(b * d, (b + 1) * d));
    states.push(chain.init(views[b]));
    sources.push(randomSource(seed, first + b));
    loss[b] = l0;
  }
  rec.record(0, x, loss, alive, B);
  const grad = new Float64Array(d);
  const last = new Float64Array(B * d);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < B; b++) {
      if (!alive[b]) continue;
      const xb = views[b];
      surface.gradient(xb, grad);
      const [u, s] = chain.update(grad, states[b], xb, { step: t, source: sources[b] });
      states[b] = s;
      let finite = true;
      for (let i = 0; i < d; i++) {
        xb[i] += u[i];
        if (!Number.isFinite(xb[i])) finite = false;
      }
      if (t === steps - 1) last.set(u, b * d);
      rec.settle(t, b, finite, surface.value(xb), divergenceLoss, loss, alive);
    }
    rec.record(t + 1, x, loss, alive, B);
  }
  if (steps > 0) rec.recordUpdate(last, alive, B);
}
