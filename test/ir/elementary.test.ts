/**
 * sin, cos, exp and log of the CPU back ends (src/ir/elementary.ts): the JavaScript and WebAssembly SIMD lowerings of the
 * one expansion return the same bits at every point tried, and both are within the stated distance of Math's.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/graph.ts';
import { jsFunction, jsOf, jsValues } from '../../src/ir/js.ts';
import { mathHelpers, mathImportObject, mathImports, watOf, watValues } from '../../src/analysis/mc/wasm/graph.wat.ts';
import { callsOf, needed } from '../../src/ir/graph.ts';

type Wabt = { parseWat(n: string, t: string, f?: object): { toBinary(o: object): { buffer: Uint8Array<ArrayBuffer> } } };

/** The expansion of fn(a), as a JavaScript function and as a WebAssembly function over an array (pairs). */
async function lowered(fn: string) {
  const b = new GraphBuilder(fn);
  const a = b.input('a');
  const y = b.value(b.call(fn, [a]));
  const need = needed(b.values, [y]);
  const js = jsFunction<(a: number) => number>(['a'], `${jsValues(b.values, () => 'a', need)}\nreturn ${jsOf(y, () => 'a')};`);
  const how = { input: () => '(local.get $a)', first: false };
  const locals = b.values.map((_, id) => `(local $v${id} v128)`).join(' ');
  const calls = callsOf(b.values, need);
  const text = `(module ${mathImports(calls)} (memory (export "mem") 64) ${mathHelpers(calls)}
    (func (export "run") (param $n i32) (local $p i32) (local $a v128) ${locals}
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $n)))
        (local.set $a (v128.load (local.get $p)))
        ${watValues(b.values, how, need)}
        (v128.store (local.get $p) ${watOf(y, how)})
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l)))))`;
  const wabt = await (createRequire(import.meta.url)('wabt') as () => Promise<Wabt>)();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wabt.parseWat('e.wat', text, { simd: true }).toBinary({}).buffer), mathImportObject());
  const ex = inst.exports as { mem: WebAssembly.Memory; run(n: number): void };
  const wasm = (xs: Float64Array) => {
    const m = new Float64Array(ex.mem.buffer, 0, xs.length);
    m.set(xs);
    ex.run(xs.length * 8);
    return Float64Array.from(m);
  };
  return { js, wasm };
}

/** Distance in units in the last place (doubles as ordered integers). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const key = (v: number) => {
    const i = new BigInt64Array(new Float64Array([v]).buffer)[0];
    return i < 0n ? -(i & 0x7fffffffffffffffn) : i;
  };
  return Number(key(a) > key(b) ? key(a) - key(b) : key(b) - key(a));
}

/** A seeded uniform sample on [lo, hi]. */
function sample(n: number, lo: number, hi: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e-300, 1e-8, -1e-8, 0.5, 1, Math.PI / 4, Math.PI / 2, Math.PI, 2 * Math.PI, 1e5, 1e6, -1e6, Number.MAX_VALUE, 2 ** -1022, 2 ** -1023, 1 - 2 ** -53, 1 + 2 ** -52, Math.SQRT2, Math.SQRT1_2];

describe('elementary functions (one expansion, JavaScript and WebAssembly)', () => {
  const cases: [string, (a: number) => number, [number, number, number][]][] = [
    // [function, Math's, ranges [lo, hi, largest ulp distance from Math's allowed]]
    ['sin', Math.sin, [[-10, 10, 1], [-1e5, 1e5, 2]]],
    ['cos', Math.cos, [[-10, 10, 1], [-1e5, 1e5, 2]]],
    ['exp', Math.exp, [[-1, 1, 1], [-700, 709.78, 1]]],
    // Near 1 (where log(1 + f) is f − f²/2 + …), Box–Muller's domain [2⁻³², 1], large arguments.
    ['log', Math.log, [[0.5, 2, 1], [2 ** -32, 1, 1], [0, 1e300, 1]]],
    // Where 1 + a rounds (small a), around 1 (logistic regression's log1p(e^−|z|) has a in (0, 1]), large a.
    ['log1p', Math.log1p, [[-1e-10, 1e-10, 1], [0, 1, 1], [-0.9, 10, 1], [0, 1e300, 1]]],
  ];
  for (const [fn, ref, ranges] of cases) {
    it(`${fn}: the same bits in JavaScript and WebAssembly, within ${ranges.map(([lo, hi, u]) => `${u} ulp of Math.${fn} on [${lo}, ${hi}]`).join(', ')}`, async () => {
      const { js, wasm } = await lowered(fn);
      const parts = [SPECIAL, ...ranges.map(([lo, hi], k) => sample(100_000, lo, hi, 7 + k))];
      const xs = Float64Array.from(parts.flat());
      const w = wasm(xs);
      xs.forEach((x, k) => {
        const y = js(x);
        expect(Object.is(y, w[k]) || (Number.isNaN(y) && Number.isNaN(w[k])), `${fn}(${x}): JavaScript ${y}, WebAssembly ${w[k]}`).toBe(true);
      });
      ranges.forEach(([lo, hi, bound], k) => {
        let worst = 0;
        let at = 0;
        for (const x of parts[k + 1]) {
          const d = ulps(js(x), ref(x));
          if (d > worst) [worst, at] = [d, x];
        }
        console.log(`${fn} on [${lo}, ${hi}]: largest distance from Math.${fn} ${worst} ulp (at ${at})`);
        expect(worst, `${fn} at ${at}`).toBeLessThanOrEqual(bound);
      });
      for (const x of [0, -0, Infinity, -Infinity, NaN]) expect(Object.is(js(x), ref(x)) || (Number.isNaN(js(x)) && Number.isNaN(ref(x))), `${fn}(${x})`).toBe(true);
    });
  }
  it('sin and cos near their zeros (multiples of π and π/2): absolute error below 1e-15', async () => {
    const s = await lowered('sin');
    const c = await lowered('cos');
    for (let k = -20000; k <= 20000; k += 7) {
      expect(Math.abs(s.js(k * Math.PI) - Math.sin(k * Math.PI))).toBeLessThan(1e-15);
      expect(Math.abs(c.js(k * Math.PI + Math.PI / 2) - Math.cos(k * Math.PI + Math.PI / 2))).toBeLessThan(1e-15);
    }
  });
  it('log at subnormals and powers of two: within 1 ulp of Math.log, exact at 1 and at 2^k·1', async () => {
    const { js } = await lowered('log');
    for (const x of [5e-324, 1e-310, 2.5e-320, 2 ** -1030, 2 ** -1074 * 3]) expect(ulps(js(x), Math.log(x)), `log(${x})`).toBeLessThanOrEqual(1);
    expect(js(1)).toBe(0);
    for (let k = -1074; k <= 1023; k += 13) expect(ulps(js(2 ** k), Math.log(2 ** k)), `log(2^${k})`).toBeLessThanOrEqual(1);
  });
  it('exp at its limits: overflow to ∞ where Math.exp overflows, 0 below −707', async () => {
    const { js } = await lowered('exp');
    expect(js(709.78)).toBeCloseTo(Math.exp(709.78), -300);
    expect(ulps(js(709.78), Math.exp(709.78))).toBeLessThanOrEqual(1);
    expect(js(709.8)).toBe(Infinity);
    expect(js(-706.9)).toBeGreaterThan(0);
    expect(js(-707.1)).toBe(0);
    expect(js(-1e300)).toBe(0);
  });
});
