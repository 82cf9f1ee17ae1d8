/**
 * The JavaScript lowering of a graph (graph.ts): a node as a JavaScript expression, values as `const` lines. Numbers
 * are exact (the shortest round-trip form, -0, NaN, Infinity). Calls are Math's functions; exp2i, expo and mant
 * are `R.exp2i`, `R.expo`, `R.mant` (`jsFunction` binds R).
 */
import type { Node } from './graph.ts';
import { expo, mant } from './elementary.ts';

const BIN: Record<string, (a: string, b: string) => string> = {
  '+': (a, b) => `(${a} + ${b})`,
  '-': (a, b) => `(${a} - ${b})`,
  '*': (a, b) => `(${a} * ${b})`,
  '/': (a, b) => `(${a} / ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  min: (a, b) => `Math.min(${a}, ${b})`,
};
const UN: Record<string, (a: string) => string> = {
  neg: (a) => `(-${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  abs: (a) => `Math.abs(${a})`,
  sign: (a) => `Math.sign(${a})`,
  floor: (a) => `Math.floor(${a})`,
  exp2i: (a) => `R.exp2i(${a})`,
  expo: (a) => `R.expo(${a})`,
  mant: (a) => `R.mant(${a})`,
};

export const jsNumber = (v: number) => (Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'Infinity' : '-Infinity') : Object.is(v, -0) ? '-0' : `${v}`);

/** Inputs become `input(name)`, values `v<id>`, the rule's first step the variable `first`. */
export function jsOf(n: Node, input: (name: string) => string): string {
  const r = (m: Node) => jsOf(m, input);
  switch (n.k) {
    case 'num':
      return jsNumber(n.v);
    case 'in':
      return input(n.name);
    case 'ref':
      return `v${n.id}`;
    case 'bin':
      return BIN[n.op](r(n.a), r(n.b));
    case 'un':
      return UN[n.op](r(n.a));
    case 'first':
      return `(first ? ${r(n.yes)} : ${r(n.no)})`;
    case 'if':
      return `(${r(n.a)} ${n.op === '==' ? '===' : n.op} ${r(n.b)} ? ${r(n.yes)} : ${r(n.no)})`;
    case 'call':
      return `Math.${n.fn}(${n.args.map(r).join(', ')})`;
    case 'quadrant':
      return `R.quadrant(${r(n.t)}, ${r(n.s)}, ${r(n.c)}, ${n.shift})`;
  }
}

/** `const v<id> = …;` for every value (or every needed one). */
export const jsValues = (values: readonly Node[], input: (name: string) => string, need?: readonly boolean[]) =>
  values
    .map((v, id) => (need && !need[id] ? '' : `const v${id} = ${jsOf(v, input)};`))
    .filter((s) => s !== '')
    .join('\n    ');

const f64 = new Float64Array(1);
const hi32 = new Int32Array(f64.buffer, 4, 1);
const bits = new Float64Array(1);
const lo32 = new Int32Array(bits.buffer, 0, 1);
/** The helpers generated code calls. */
const RUNTIME = {
  /** 2^k for an integer k in [−1022, 1023] (built from its bits; NaN gives 1, as WebAssembly's trunc_sat gives 0). */
  exp2i(k: number): number {
    hi32[0] = ((k | 0) + 1023) << 20;
    return f64[0];
  },
  /** log's reduction (elementary.ts). */
  expo,
  mant,
  /** sin's or cos's choice of ±s or ±c by the quadrant in t's low bits (graph.ts `quadrant`). */
  quadrant(t: number, s: number, c: number, shift: number): number {
    bits[0] = t;
    const q = (lo32[0] + shift) & 3;
    const v = q & 1 ? c : s;
    return q & 2 ? -v : v;
  },
};

/** A function of `params` with `body`, where generated code may call R's helpers. */
export function jsFunction<F>(params: string[], body: string): F {
  return new Function('R', `"use strict"; return function (${params.join(', ')}) {\n${body}\n};`)(RUNTIME) as F;
}
