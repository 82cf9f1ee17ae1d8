/**
 * Philox4x32-10 in WGSL (docs/theory.md §6; the same stream as src/rng/philox.ts, bit for bit): WGSL has no 64-bit
 * integers, so the high half of each 32×32-bit product is assembled from 16-bit halves.
 */
import { PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1 } from './philox.ts';

/** A Philox constant (src/rng/philox.ts) as a WGSL u32 literal. */
const hex = (c: number) => `0x${c.toString(16)}u`;

export const PHILOX_WGSL = /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu; let ah = a >> 16u; let bl = b & 0xffffu; let bh = b >> 16u;
  let t = al * bl;
  let u = ah * bl + (t >> 16u);
  let v = al * bh + (u & 0xffffu);
  return ah * bh + (u >> 16u) + (v >> 16u);
}

fn philox(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r = r + 1u) {
    let hi0 = mulhi32(${hex(PHILOX_M0)}, c.x); let lo0 = ${hex(PHILOX_M0)} * c.x;
    let hi1 = mulhi32(${hex(PHILOX_M1)}, c.z); let lo1 = ${hex(PHILOX_M1)} * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(${hex(PHILOX_W0)}, ${hex(PHILOX_W1)});
  }
  return c;
}
`;
