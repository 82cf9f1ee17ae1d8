/**
 * WAT for a sum over data rows (src/surfaces/rowsum.ts: logistic regression), two trajectories per f64x2: for the
 * pair at $p, the coordinates w_j (rows of X) into registers, then a loop over the data rows (DATA: the design
 * row-major, then the targets, as f64; NROWS of them) that forms z = +0 + Σ_j x_rj·w_j, adds the row's term to s and
 * e·x_r to the gradient, then the loss post(s) — the JavaScript lowering's operations in the same order, so the same
 * bits. The data are read from memory (one splatted load per number), not compiled in.
 */
import { constantKey, constantsOf } from '../../../ir/graph.ts';
import type { RowSum } from '../../../surfaces/rowsum.ts';
import { type GraphLowering, watOf, watValues } from './graph.wat.ts';
import { F, ZERO, add, and, at, g, lg, ls, pin, splat, vstore } from './wat.ts';

/** Byte offset of coordinate row j. */
const rowAt = (j: number) => `(i32.mul (i32.const ${j}) ${g('ROW')})`;

/**
 * The lowering: `body(loss, fin)` sets locals `loss` and `fin` (the coordinates' finiteness) and stores ∇f into G.
 * Rows go two at a time, their independent chains (the dot product, exp, log1p, a division) interleaved so that
 * the processor overlaps them; their terms are then added in row order, so the sums are the JavaScript lowering's.
 */
export function rowsLowering(r: RowSum) {
  const c = r.cpu;
  const k = r.dim;
  const rowNeed = c.values.map((_, id) => c.needTerm[id] || c.needWeight[id]);
  const ks = constantsOf(c.values, c.values.map((_, id) => rowNeed[id] || c.needLoss[id]), [c.term, c.weight, c.loss]);
  const index = new Map(ks.map((v, j) => [constantKey(v), j]));
  const num = (v: number) => lg(`ck${index.get(constantKey(v))}`);
  const J = [...Array(k).keys()];
  const lowering = (sx: string): GraphLowering => ({ input: (name) => lg(name === 's' ? 's' : `${name}${sx}`), first: false, num, prefix: `q${sx}_` });
  const targets = add(g('DATA'), `(i32.mul ${g('NROWS')} (i32.const ${8 * k}))`);
  /** Row `sx` (a: the row at $dr, b: the next one): its lines, which leave its term in t<sx> and weight in e<sx>. */
  const row = (sx: 'a' | 'b') => {
    const how = lowering(sx);
    const off = sx === 'a' ? 0 : 8 * k;
    const lines = [
      ...J.map((j) => ls(`x${sx}${j}`, `(v128.load64_splat offset=${off + 8 * j} (local.get $dr))`)),
      ls(`z${sx}`, ZERO),
      ...J.map((j) => ls(`z${sx}`, F('add', lg(`z${sx}`), F('mul', lg(`x${sx}${j}`), lg(`w${j}`))))),
      ls(`y${sx}`, `(v128.load64_splat offset=${sx === 'a' ? 0 : 8} ${add(targets, '(i32.shl (local.get $r) (i32.const 3))')})`),
      ...watValues(c.values, how, rowNeed).split('\n').map((l) => l.trim()).filter((l) => l !== ''),
      ls(`t${sx}`, watOf(c.term, how)),
      ls(`e${sx}`, watOf(c.weight, how)),
    ];
    return lines;
  };
  const accumulate = (sx: 'a' | 'b') => [ls('s', F('add', lg('s'), lg(`t${sx}`))), ...J.map((j) => ls(`g${j}`, F('add', lg(`g${j}`), F('mul', lg(`e${sx}`), lg(`x${sx}${j}`)))))];
  const ra = row('a');
  const rb = row('b');
  const both = ra.flatMap((l, i) => [l, rb[i]]);
  const perRow = (sx: string) => ['z', 'y', 't', 'e', ...J.map((j) => `x${sx}${j}`)].map((n) => (n.startsWith('x') ? n : `${n}${sx}`));
  const names = ['s', ...J.flatMap((j) => [`w${j}`, `g${j}`]), ...perRow('a'), ...perRow('b'), ...['a', 'b'].flatMap((sx) => c.values.map((_, id) => `q${sx}_${id}`)), ...ks.map((_, j) => `ck${j}`)];
  const locals = `(local $r i32) (local $dr i32) ${names.map((n) => `(local $${n} v128)`).join(' ')}`;
  const how = lowering('a');
  const body = (loss: string, fin: string) => `${J.map((j) => ls(`w${j}`, `(v128.load ${at('X', rowAt(j))})`)).join('\n        ')}
        ${ls(fin, J.map((j) => F('eq', F('sub', lg(`w${j}`), lg(`w${j}`)), ZERO)).reduce((m, f) => and(m, f)))}
        ${ls('s', ZERO)}
        ${J.map((j) => ls(`g${j}`, ZERO)).join(' ')}
        (local.set $r (i32.const 0))
        (local.set $dr ${g('DATA')})
        (block $pairs_done (loop $pairs
          (br_if $pairs_done (i32.ge_u (i32.add (local.get $r) (i32.const 1)) ${g('NROWS')}))
          ${both.join('\n          ')}
          ${[...accumulate('a'), ...accumulate('b')].join('\n          ')}
          (local.set $dr (i32.add (local.get $dr) (i32.const ${16 * k})))
          (local.set $r (i32.add (local.get $r) (i32.const 2)))
          (br $pairs)))
        (if (i32.lt_u (local.get $r) ${g('NROWS')}) (then
          ${ra.join('\n          ')}
          ${accumulate('a').join('\n          ')}))
        ${watValues(c.values, how, c.needLoss)}
        ${ls(loss, watOf(c.loss, how))}
        ${J.map((j) => vstore(at('G', rowAt(j)), lg(`g${j}`))).join('\n        ')}`;
  return { body, locals, pins: ks.map((v, j) => pin(`ck${j}`, splat(v))).join('\n    ') };
}
