/**
 * An independent source of DropGrad's random decisions: @stdlib/random's Mersenne Twister (uniforms) and Box–Muller
 * normals, consumed in call order. Statistics under it must agree with the keyed Philox stream's (the report's
 * agreement section tests that), which checks the keyed mapping itself. Its own module, so that importing the
 * optimizers does not load @stdlib's several hundred files.
 */
import boxMuller from '@stdlib/random/base/box-muller/lib/index.js';
import randu from '@stdlib/random/base/randu/lib/index.js';
import type { DropSource } from './transform.ts';

export function mt19937Source(seed: number, trajectory = 0): DropSource {
  const u = randu.factory({ name: 'mt19937', seed: [seed >>> 0, Math.floor(seed / 4294967296) >>> 0, trajectory >>> 0] });
  const normal = boxMuller.factory({ prng: u });
  return {
    keep: (_step, _coord, p) => p === 0 || u() >= p,
    normal: () => normal(),
    skip: (_step, r) => r > 0 && u() < r,
  };
}
