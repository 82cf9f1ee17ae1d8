/**
 * The WGSL lowering of a graph (src/ir/graph.ts): f32, the same operations in the same order as the CPU lowerings
 * (WGSL has no f64, so the GPU agrees with the CPU to f32 rounding: test/gpu); elementary functions are WGSL's own.
 */
import type { Node } from '../ir/graph.ts';

/** A float as a WGSL literal (abstract float: converted to f32 where it is used). */
export const wgslFloat = (v: number) => {
  if (!Number.isFinite(v)) throw new Error(`non-finite constant ${v}`);
  const s = String(v);
  return /[.eE]/.test(s) ? (s.includes('e') && !s.includes('.') ? s.replace('e', '.0e') : s) : `${s}.0`;
};

const BIN: Record<string, (a: string, b: string) => string> = {
  '+': (a, b) => `(${a} + ${b})`,
  '-': (a, b) => `(${a} - ${b})`,
  '*': (a, b) => `(${a} * ${b})`,
  '/': (a, b) => `(${a} / ${b})`,
  max: (a, b) => `max(${a}, ${b})`,
  min: (a, b) => `min(${a}, ${b})`,
};
/** WGSL has no log10: log(x) · log10(e), as f32. */
const CALL: Record<string, (a: string) => string> = { log10: (a) => `(log(${a}) * 0.4342944819032518)` };

/** Inputs become `input(name)`, values `v<id>`, the rule's first step `first`. */
export function wgslOf(n: Node, input: (name: string) => string): string {
  const r = (m: Node) => wgslOf(m, input);
  switch (n.k) {
    case 'num':
      return `f32(${wgslFloat(n.v)})`;
    case 'in':
      return input(n.name);
    case 'ref':
      return `v${n.id}`;
    case 'bin':
      return BIN[n.op](r(n.a), r(n.b));
    case 'un':
      return n.op === 'neg' ? `(-${r(n.a)})` : `${n.op}(${r(n.a)})`;
    case 'call':
      return CALL[n.fn]?.(r(n.a)) ?? `${n.fn}(${r(n.a)})`;
    case 'pow':
      return `pow(${r(n.a)}, ${r(n.b)})`;
    case 'gt':
      return `select(${r(n.no)}, ${r(n.yes)}, ${r(n.a)} > ${r(n.b)})`;
    case 'first':
      return `select(${r(n.no)}, ${r(n.yes)}, first)`;
  }
}

export const wgslValues = (values: readonly Node[], input: (name: string) => string, ids: readonly number[] = values.map((_, i) => i)) =>
  ids.map((id) => `let v${id} = ${wgslOf(values[id], input)};`).join('\n  ');
