/**
 * The WGSL lowering of a graph (src/ir/graph.ts): f32, the same operations in the same order as the CPU lowerings
 * (WGSL has no f64, so the GPU agrees with the CPU to f32 rounding: test/gpu).
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
      if (n.op === 'expo' || n.op === 'mant') throw new Error(`${n.op}: an expansion for the CPU back ends only (WGSL calls log)`);
      return n.op === 'neg' ? `(-${r(n.a)})` : n.op === 'exp2i' ? `exp2(${r(n.a)})` : `${n.op}(${r(n.a)})`;
    case 'first':
      return `select(${r(n.no)}, ${r(n.yes)}, first)`;
    case 'if':
      return `select(${r(n.no)}, ${r(n.yes)}, ${r(n.a)} ${n.op} ${r(n.b)})`;
    case 'call': {
      const args = n.args.map(r);
      // WGSL has no log10 (log(a)·log10(e)) and no log1p (log(1 + a), in f32).
      if (n.fn === 'log10') return `(log(${args[0]}) * ${wgslFloat(Math.LOG10E)})`;
      if (n.fn === 'log1p') return `log(1.0 + ${args[0]})`;
      return `${n.fn}(${args.join(', ')})`;
    }
    case 'quadrant':
      throw new Error('quadrant: an expansion for the CPU back ends only (WGSL calls sin and cos)');
  }
}

/** `let v<id> = …;` for every value (or every needed one). */
export const wgslValues = (values: readonly Node[], input: (name: string) => string, need?: readonly boolean[]) =>
  values
    .map((v, id) => (need && !need[id] ? '' : `let v${id} = ${wgslOf(v, input)};`))
    .filter((s) => s !== '')
    .join('\n      ');
