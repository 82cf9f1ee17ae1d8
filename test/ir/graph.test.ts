/**
 * The expression graph under the update rules (src/ir/graph.ts): JavaScript's evaluation order, exact constant
 * folding, one value per distinct node, and clear errors.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/graph.ts';
import { jsOf, jsValues } from '../../src/ir/js.ts';

/** Evaluates a built graph's node through its JavaScript lowering, at inputs `inputs`. */
function evaluate(b: GraphBuilder, name: string, inputs: Record<string, number>): number {
  const body = `${jsValues(b.values, (n) => `I.${n}`)}\nreturn ${jsOf(b.get(name), (n) => `I.${n}`)};`;
  return new Function('I', body)(inputs) as number;
}

describe('expression graph', () => {
  it('left-associative, * before +, as JavaScript; unary minus binds to its operand', () => {
    const b = new GraphBuilder('t');
    for (const n of ['a', 'c', 'e']) b.input(n);
    b.assign('r = a - c - e * a / c + -a * e');
    const I = { a: 0.1, c: 0.7, e: 3.3 };
    expect(evaluate(b, 'r', I)).toBe(I.a - I.c - (I.e * I.a) / I.c + -I.a * I.e);
  });
  it('folds constants exactly where JavaScript would, and only there', () => {
    const b = new GraphBuilder('t', { b1: 0.9 });
    b.input('g');
    b.assign('u = (1 - b1) * g');
    expect(b.values[0]).toEqual({ k: 'bin', op: '*', a: { k: 'num', v: 1 - 0.9 }, b: { k: 'in', name: 'g' } });
    // b1 * g * 2 is (b1·g)·2: no folding across the product.
    b.assign('w = b1 * g * 2');
    expect(evaluate(b, 'w', { g: 1 / 3 })).toBe(0.9 * (1 / 3) * 2);
    // e · 1 and e / 1 are dropped (exact); 1 − τ with τ = 0 folds to 1.
    const c = new GraphBuilder('t', { tau: 0 });
    c.input('g');
    expect(c.assign('v = (1 - tau) * g / 1')).toEqual({ k: 'in', name: 'g' });
  });
  it('identical nodes are one value; names see the latest assignment', () => {
    const b = new GraphBuilder('t');
    b.input('g');
    b.assign('m = sqrt(g * g)');
    b.assign('n = sqrt(g * g)');
    expect(b.values).toHaveLength(1);
    b.assign('g = g + 1');
    expect(evaluate(b, 'g', { g: 2 })).toBe(3);
    expect(evaluate(b, 'm', { g: -2 })).toBe(2);
  });
  it('nodes that differ only in −0 against 0, or ∞ against NaN, stay different values (JSON writes both alike)', () => {
    const b = new GraphBuilder('t', { Z: -0, INF: Infinity, NINF: -Infinity, NAN: NaN });
    b.input('g');
    b.assign('a = g * Z');
    b.assign('c = g * 0');
    b.assign('e = g < 1 ? INF : g');
    b.assign('h = g < 1 ? NAN : g');
    b.assign('k = g < 1 ? NINF : g');
    expect(b.values).toHaveLength(5);
    expect(Object.is(evaluate(b, 'a', { g: 2 }), -0)).toBe(true);
    expect(Object.is(evaluate(b, 'c', { g: 2 }), 0)).toBe(true);
    expect([evaluate(b, 'e', { g: 0 }), evaluate(b, 'h', { g: 0 }), evaluate(b, 'k', { g: 0 })]).toEqual([Infinity, NaN, -Infinity]);
  });
  it('refuses what it cannot read, with the line', () => {
    const b = new GraphBuilder('rule t');
    b.input('g');
    expect(() => b.assign('u = g +')).toThrow(/expected more in " g \+"/);
    expect(() => b.assign('u = h')).toThrow(/rule t: unknown name h/);
    expect(() => b.assign('u = cosine(g)')).toThrow(/unknown function cosine\/1/);
    expect(() => b.assign('u = g ? 1 : 2')).toThrow(/only named condition is first/);
    expect(() => b.assign('u = g $ 2')).toThrow(/cannot read/);
  });
});
