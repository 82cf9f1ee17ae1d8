/**
 * Small builders for the generated WAT of the vectorised kernel: folded S-expressions over f64x2 vectors that
 * hold two trajectories each. Arrays are structure-of-arrays: row i (one coordinate) holds the block's
 * trajectories contiguously, so `$ri` (row byte offset) + `$p` (byte offset of trajectory b, 8·b) addresses
 * coordinate i of trajectories b and b + 1.
 */

/** A float as a WAT literal (exact: JavaScript's shortest round-trip form, or nan/inf). */
export const lit = (v: number): string => {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0x0p+0' : v.toString();
};

export const g = (name: string) => `(global.get $${name})`;
export const lg = (name: string) => `(local.get $${name})`;
export const ls = (name: string, v: string) => `(local.set $${name} ${v})`;
export const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
export const vload = (a: string) => `(v128.load ${a})`;
export const vstore = (a: string, v: string) => `(v128.store ${a} ${v})`;
/** Address of the pair at byte offset $p of row $ri in array `name`. */
export const at = (name: string, row = lg('ri')) => add(add(g(name), row), lg('p'));
/** Address of the pair at byte offset $p of a per-trajectory array (one 8-byte entry per trajectory). */
export const atB = (name: string) => add(g(name), lg('p'));

export const F = (op: string, ...args: string[]) => `(f64x2.${op} ${args.join(' ')})`;
export const splat = (c: number) => `(v128.const f64x2 ${lit(c)} ${lit(c)})`;
export const splatOf = (scalar: string) => `(f64x2.splat ${scalar})`;
export const ZERO = '(v128.const i64x2 0 0)';
export const ONES = '(v128.const i64x2 -1 -1)';
/** Lanes of `a` where mask m is set, of `b` elsewhere. */
export const sel = (a: string, b: string, m: string) => `(v128.bitselect ${a} ${b} ${m})`;
export const and = (a: string, m: string) => `(v128.and ${a} ${m})`;
/** Number of set lanes of a two-lane mask. */
export const popcount = (m: string) => `(i32.popcnt (i64x2.bitmask ${m}))`;

/** for (name = from; name < to; name += step) body — i32 counters. */
export const forLoop = (name: string, from: string, to: string, step: string, body: string) => `
    (local.set $${name} ${from})
    (block $${name}_done (loop $${name}_loop
      (br_if $${name}_done (i32.ge_s (local.get $${name}) ${to}))
      ${body}
      (local.set $${name} (i32.add (local.get $${name}) ${step}))
      (br $${name}_loop)))`;

/** Rows i = from … to − 1, with $ri = i · row bytes. */
export const forRows = (body: string, from = '(i32.const 0)', to = g('d')) =>
  forLoop('i', from, to, '(i32.const 1)', `(local.set $ri (i32.mul (local.get $i) ${g('ROW')}))
      ${body}`);

/** Columns j = 0 … d − 1 (inside a row loop), with $rj = j · row bytes. */
export const forCols = (body: string) =>
  forLoop('j', '(i32.const 0)', g('d'), '(i32.const 1)', `(local.set $rj (i32.mul (local.get $j) ${g('ROW')}))
        ${body}`);

/** Pairs of trajectories: $p = 0, 16, … < ROWN (the bytes of a row that the block's lanes use; rows are ROW apart). */
export const forPairs = (body: string) => forLoop('p', '(i32.const 0)', g('ROWN'), '(i32.const 16)', body);

/**
 * Sets local `name` to the v128 `v` through memory (PIN, 16 bytes): TurboFan may otherwise recompute a splat or a
 * constant inside the loop that uses it, at every iteration (measured in $grad: 4 instructions for splat(2)); a
 * value loaded from memory stays in its register.
 */
export const pin = (name: string, v: string) => `(v128.store ${g('PIN')} ${v}) ${ls(name, vload(g('PIN')))}`;
