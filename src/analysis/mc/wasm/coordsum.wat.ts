/**
 * WAT for a surface built from sums over its coordinates (src/surfaces/coordsum.ts: Ackley, the double well above
 * 128 dimensions), two trajectories per f64x2: for the pair at $p, each stage's sums as a loop over the coordinate
 * rows (from +0, in order), its scalar lines, the loss, then a loop storing each gradient entry into G — the
 * JavaScript lowering's operations in the same order, so the same bits.
 */
import { constantKey, constantsOf } from '../../../ir/graph.ts';
import type { CoordSum, CoordSumPiece } from '../../../surfaces/coordsum.ts';
import { type GraphLowering, watOf, watValues } from './graph.wat.ts';
import { F, ONES, ZERO, and, at, forLoop, g, lg, ls, pin, splat, vload, vstore } from './wat.ts';

/** The lowering: `body(loss, fin)` sets locals `loss` and `fin` (the coordinates' finiteness) and stores ∇f into G. */
export function coordSumLowering(c: CoordSum) {
  const pieces = [...c.stages.flatMap((s) => [s.terms, s.scalars]), c.loss, c.grad];
  const all = c.values.map((_, id) => pieces.some((p) => p.need[id]));
  const ks = constantsOf(c.values, all, pieces.flatMap((p) => p.outputs));
  const index = new Map(ks.map((v, j) => [constantKey(v), j]));
  const how: GraphLowering = { input: (name) => lg(name === 'u' ? 'u' : `n_${name}`), first: false, num: (v) => lg(`ck${index.get(constantKey(v))}`), prefix: 'q' };
  const values = (p: CoordSumPiece) => watValues(c.values, how, p.need);
  /** A loop over the coordinate rows with u the pair's coordinate i. */
  const overRows = (name: string, body: string) =>
    forLoop(name, '(i32.const 0)', g('d'), '(i32.const 1)', `(local.set $ri (i32.mul (local.get $${name}) ${g('ROW')}))
          ${ls('u', vload(at('X')))}
          ${body}`);
  const scalarNames = [...c.stages.flatMap((s) => [...s.terms.names, ...s.scalars.names])];
  const loops = c.stages.map((_, k) => `i${k}`);
  const locals = `(local $ri i32) (local $ig i32) ${loops.map((n) => `(local $${n} i32)`).join(' ')} ${['u', ...scalarNames.map((n) => `n_${n}`), ...c.values.map((_, id) => `q${id}`), ...ks.map((_, j) => `ck${j}`)].map((n) => `(local $${n} v128)`).join(' ')}`;
  const body = (loss: string, fin: string) => `${ls(fin, ONES)}
        ${c.stages
          .map(
            (s, k) => `${s.terms.names.map((n) => ls(`n_${n}`, ZERO)).join(' ')}
        ${overRows(
          loops[k],
          `${k === 0 ? ls(fin, and(lg(fin), F('eq', F('sub', lg('u'), lg('u')), ZERO))) : ''}
          ${values(s.terms)}
          ${s.terms.outputs.map((t, j) => ls(`n_${s.terms.names[j]}`, F('add', lg(`n_${s.terms.names[j]}`), watOf(t, how)))).join('\n          ')}`,
        )}
        ${values(s.scalars)}
        ${s.scalars.outputs.map((t, j) => ls(`n_${s.scalars.names[j]}`, watOf(t, how))).join('\n        ')}`,
          )
          .join('\n        ')}
        ${values(c.loss)}
        ${ls(loss, watOf(c.loss.outputs[0], how))}
        ${overRows('ig', `${values(c.grad)}
          ${vstore(at('G'), watOf(c.grad.outputs[0], how))}`)}`;
  return { body, locals, pins: ks.map((v, j) => pin(`ck${j}`, splat(v))).join('\n    ') };
}
