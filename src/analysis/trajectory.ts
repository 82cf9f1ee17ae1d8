/**
 * One trajectory of a chain on a surface under the keyed random stream (seed, trajectory): the reference
 * loop that the Monte-Carlo engine batches. A trajectory whose iterate becomes non-finite stops there and
 * is reported as diverged at that step (1-based: the step whose update produced it).
 */
import type { AnyTransformation } from '../optimizers/index.ts';
import { applyUpdates, randomSource, type DropSource } from '../optimizers/index.ts';
import type { Surface } from '../surfaces/index.ts';

export interface TrajectoryResult {
  final: Float64Array;
  loss: number;
  diverged: boolean;
  divergedAtStep: number | null;
  path?: Float64Array[];
  losses?: number[];
}

/** Runs one trajectory (see this module's comment); `trace` keeps the path and the loss per step. */
export function runTrajectory(
  surface: Surface,
  chain: AnyTransformation,
  x0: Float64Array,
  steps: number,
  seed: number,
  trajectory = 0,
  trace = false,
  source: DropSource = randomSource(seed, trajectory),
): TrajectoryResult {
  const x = Float64Array.from(x0);
  let state = chain.init(x);
  const grad = new Float64Array(surface.dim);
  const path = trace ? [Float64Array.from(x)] : undefined;
  const losses = trace ? [surface.value(x)] : undefined;
  for (let t = 0; t < steps; t++) {
    surface.gradient(x, grad);
    const [u, s] = chain.update(grad, state, x, { step: t, source });
    state = s;
    applyUpdates(x, u);
    let finite = true;
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) finite = false;
    const loss = surface.value(x);
    if (!finite || !Number.isFinite(loss)) return { final: x, loss: Number.NaN, diverged: true, divergedAtStep: t + 1, path, losses };
    path?.push(Float64Array.from(x));
    losses?.push(loss);
  }
  return { final: x, loss: surface.value(x), diverged: false, divergedAtStep: null, path, losses };
}
