/**
 * WAT for one step of the fused kernel over a block, vectorised across trajectories (two per f64x2 vector):
 * which trajectories move ($prep: alive, not skipped by full-update drop, optimizer counters), the surface's
 * gradient ($grad), DropGrad's mask and the optimizer's update ($update), the new loss and divergence ($value).
 * Each lane performs the same floating-point operations in the same order as the JavaScript kernel
 * (src/analysis/mc/kernels.ts), so the bits are the same; lanes that do not move are masked, never branched on.
 * Generated per (surface, update rule) so that the rule's constants are literals.
 */
import type { UpdateRule } from '../../../optimizers/rules/index.ts';
import { type CallFn, type Node, callsOf, constantKey, constantsOf } from '../../../ir/graph.ts';
import type { SurfaceProgram } from '../../../surfaces/program.ts';
import type { WindowSum } from '../../../surfaces/windowsum.ts';
import type { RowSum } from '../../../surfaces/rowsum.ts';
import { rowsLowering } from './rows.wat.ts';
import type { CoordSum } from '../../../surfaces/coordsum.ts';
import { coordSumLowering } from './coordsum.wat.ts';
import type { FastSurface } from '../kernels.ts';
import { type GraphLowering, watOf, watValues } from './graph.wat.ts';
import { ruleLocals, ruleWat } from './rule.wat.ts';
import { normalPassWat } from './normal.wat.ts';
import { F, ONES, ZERO, add, and, at, atB, forCols, forLoop, forPairs, forRows, g, lg, ls, pin, popcount, sel, splat, splatOf, vload, vstore } from './wat.ts';

export interface StepVariant {
  surface: FastSurface['kind'] | 'diagonal';
  /** The surface's program (surface 'program'), lowered by graph.wat.ts. */
  program: SurfaceProgram | null;
  /** The surface's sum of window terms (surface 'windowSum'), lowered by graph.wat.ts into row loops. */
  windowSum: WindowSum | null;
  /** The surface's sum over data rows (surface 'rows'), lowered by rows.wat.ts. */
  rowSum: RowSum | null;
  /** The surface's sums over its coordinates (surface 'coordSum'), lowered by coordsum.wat.ts. */
  coordSum: CoordSum | null;
  /** The optimizer's update rule, lowered by rule.wat.ts. */
  rule: UpdateRule;
  /** d itself when d ≤ FIXED_MAX_D (such kernels are generated per d and unroll their coordinate loops), else null. */
  fixedD: number | null;
  /**
   * Whether steps may be skipped (full-update drop). Without, the trajectories that move are the alive ones and
   * the optimizer's counters are the step's (momentum's first step is t = 0, Adam's count t + 1): no $prep pass.
   */
  skips: boolean;
  /** Gaussian DropGrad: the gradient is multiplied by MULT (normal.wat.ts) instead of masked and rescaled. */
  gaussian: boolean;
}

/** The pair's "moves this step" mask. */
const actOf = (v: StepVariant) => vload(atB(v.skips ? 'ACT' : 'ALIVE'));
/**
 * The new value of a lane that moves, the old one of a lane that does not. Without full-update drop the lanes
 * that do not move are the dead ones, whose state nothing reads again (statistics, bands, paths and the last
 * update are all masked by the alive flags), so they take the new value without a select.
 */
const moved = (v: StepVariant, now: string, before: string) => (v.skips ? sel(now, before, lg('act')) : now);

/** Byte offset of row i (a constant once the kernel's layout is: see fold.ts). */
const rowAt = (i: number) => `(i32.mul (i32.const ${i}) ${g('ROW')})`;

/** The bytes of k rows. */
const rows = (k: number) => (k === 1 ? g('ROW') : `(i32.mul (i32.const ${k}) ${g('ROW')})`);

/** Largest d whose kernels are generated per d. */
export const FIXED_MAX_D = 4;

const LOCALS_V = (names: string[]) => names.map((n) => `(local $${n} v128)`).join(' ');
const scalarAt = (base: string, index: string, shift = 3) => `(f64.load ${add(g(base), `(i32.shl ${index} (i32.const ${shift}))`)})`;
/** The pair's entries of a row of u32 (half the f64 row bytes): keep masks (−1 kept, 0 dropped) or raw words. */
const wordsAt = (base: string, row: string) => `(v128.load64_zero ${add(add(base, `(i32.shr_u ${row} (i32.const 1))`), `(i32.shr_u ${lg('p')} (i32.const 1))`)})`;
/**
 * Lane mask (two i64 lanes) of `word op threshold` for the pair's two u32 words: an unsigned integer compare, then
 * widened (full-update drop's decision word < ⌊r·2³²⌋, without converting the words to floats).
 */
const wordMask = (op: 'ge_u' | 'lt_u', words: string, thr: string) => `(i64x2.extend_low_i32x4_s (i32x4.${op} ${words} ${thr}))`;
/** A threshold table entry (an integer stored as f64) splatted to four u32 lanes. */
const thresholdOf = (table: string, index: string) => `(i32x4.splat (i32.trunc_f64_u ${scalarAt(table, index)}))`;

/** Who moves this step; optimizer counters. */
function prep(v: StepVariant): string {
  if (!v.skips) return '';
  const r = v.rule;
  // The rule's count c (moves so far, this one included): FIRST = (c = 1), and the count tables' values at c.
  const gather = (k: number) =>
    vstore(atB(`CV${k}`), `(f64x2.replace_lane 1 (f64x2.splat ${scalarAt(`CT${k}`, `(i32.wrap_i64 (i64x2.extract_lane 0 ${lg('c')}))`)}) ${scalarAt(`CT${k}`, `(i32.wrap_i64 (i64x2.extract_lane 1 ${lg('c')}))`)})`);
  const counters = counted(r)
    ? `${ls('c', `(i64x2.sub ${vload(atB('CNT'))} ${lg('act')})`)}
      ${vstore(atB('CNT'), lg('c'))}
      ${r.usesFirst ? vstore(atB('FIRST'), `(i64x2.eq ${lg('c')} (v128.const i64x2 1 1))`) : ''}
      ${r.countNames.map((_, k) => gather(k)).join('\n      ')}`
    : '';
  return `
  (func $prep (param $slot i32)
    (local $p i32) ${LOCALS_V(['act', 'skt', 'c'])}
    ${ls('skt', thresholdOf('SKT', lg('slot')))}
    ${forPairs(`${ls('act', vload(atB('ALIVE')))}
      (if ${g('USESKIP')} (then
        ${ls('act', `(v128.andnot ${lg('act')} ${wordMask('lt_u', wordsAt(g('SKIPW'), '(i32.const 0)'), lg('skt'))})`)}))
      ${vstore(atB('ACT'), lg('act'))}
      ${counters}`)})`;
}

/**
 * A window sum's lowering in one function (src/surfaces/windowsum.ts): its values in locals w<id>, its constants pinned in
 * locals ck<j> (TurboFan rematerialises a v128.const at every use inside a loop), the window's coordinate k read by
 * `input(k)`.
 */
function windowSumLowering(c: WindowSum, need: readonly boolean[], outputs: readonly Node[], input: (k: number) => string) {
  const ks = constantsOf(c.cpu.values, need, outputs);
  const index = new Map(ks.map((v, j) => [constantKey(v), j]));
  const how: GraphLowering = { input: (name) => input(Number(name.slice(1))), first: false, num: (v) => lg(`ck${index.get(constantKey(v))}`), prefix: 'w' };
  return {
    how,
    locals: [...c.cpu.values.map((_, id) => `w${id}`), ...ks.map((_, j) => `ck${j}`)],
    pins: ks.map((v, j) => pin(`ck${j}`, splat(v))).join('\n    '),
  };
}

/**
 * A window sum's gradient for a fixed small d, one pass with the coordinates in registers: each window's parts into
 * locals, then each g_j = +0 + its windows' parts in window order (the window sum's own order).
 */
function windowSumGradFixed(c: WindowSum, d: number): string {
  const w = c.width;
  const n = d - w + 1;
  const k = [...Array(d).keys()];
  const parts = [...Array(n).keys()].flatMap((i) => c.cpu.parts.map((_, j) => `d${j}_${i}`));
  const { how, locals, pins } = windowSumLowering(c, c.cpu.needParts, c.cpu.parts, (j) => lg(`x${j}`));
  const windows = [...Array(n).keys()].map((i) => {
    const at_i: GraphLowering = { ...how, input: (name) => lg(`x${i + Number(name.slice(1))}`) };
    return `${watValues(c.cpu.values, at_i, c.cpu.needParts)}
      ${c.cpu.parts.map((p, j) => ls(`d${j}_${i}`, watOf(p, at_i))).join('\n      ')}`;
  });
  const gj = (j: number) => {
    let v = lg('zero');
    for (let i = Math.max(0, j - w + 1); i <= Math.min(j, n - 1); i++) v = F('add', v, lg(`d${j - i}_${i}`));
    return v;
  };
  return `
  (func $grad
    (local $p i32) ${LOCALS_V([...k.map((i) => `x${i}`), 'zero', ...parts, ...locals])}
    ${pins}
    ${pin('zero', ZERO)}
    ${forPairs(`${k.map((i) => ls(`x${i}`, vload(at('X', rowAt(i))))).join('\n      ')}
      ${windows.join('\n      ')}
      ${k.map((j) => vstore(at('G', rowAt(j)), gj(j))).join('\n      ')}`)})`;
}

/** A window sum's gradient for any d: G = 0, then for each window i, G[i + k] += part k. */
function windowSumGradLoop(c: WindowSum): string {
  const w = c.width;
  const { how, locals, pins } = windowSumLowering(c, c.cpu.needParts, c.cpu.parts, (k) => lg(`u${k}`));
  const rowOf = (k: number) => (k === 0 ? lg('ri') : add(lg('ri'), rows(k)));
  return `
  (func $grad
    (local $i i32) (local $ri i32) (local $p i32) ${LOCALS_V([...Array.from({ length: w }, (_, k) => `u${k}`), ...locals])}
    ${pins}
    ${forRows(forPairs(vstore(at('G'), ZERO)))}
    ${forRows(
      forPairs(`${Array.from({ length: w }, (_, k) => ls(`u${k}`, vload(at('X', rowOf(k))))).join('\n        ')}
        ${watValues(c.cpu.values, how, c.cpu.needParts)}
        ${c.cpu.parts.map((p, k) => vstore(at('G', rowOf(k)), F('add', vload(at('G', rowOf(k))), watOf(p, how)))).join('\n        ')}`),
      '(i32.const 0)',
      `(i32.sub (global.get $d) (i32.const ${w - 1}))`,
    )})`;
}

/** Surface gradient at X into G (not generated for diagonal quadratics, whose update computes it inline). */
function grad(v: StepVariant): string {
  const s = v.surface;
  if (s === 'windowSum') return v.fixedD !== null ? windowSumGradFixed(v.windowSum!, v.fixedD) : windowSumGradLoop(v.windowSum!);
  if (s === 'diagonal') return '';
  if (s === 'program') return programGrad(v.program!);
  if (s === 'rows' || s === 'coordSum') {
    // At a block's first step only, as a program's: $value leaves the gradient at the new X in G.
    const { body, locals, pins } = s === 'rows' ? rowsLowering(v.rowSum!) : coordSumLowering(v.coordSum!);
    return `
  (func $grad
    (local $p i32) ${LOCALS_V(['l', 'fin'])} ${locals}
    ${pins}
    ${forPairs(body('l', 'fin'))})`;
  }
  return `
  (func $grad
    (local $i i32) (local $ri i32) (local $p i32) (local $j i32) (local $rj i32) ${LOCALS_V(['v'])}
    ${hx()})`;
}

/**
 * A program's lowering: coordinates x0 … and values v0 … as locals, and its constants in locals k0 … set once per
 * call (`pins`): TurboFan rematerialises a v128.const at every use inside a loop (several instructions each; the
 * sin and cos expansions read about twenty constants per coordinate).
 */
function programLowering(p: SurfaceProgram, need: readonly boolean[], outputs: readonly Node[]) {
  const ks = constantsOf(p.cpu.values, need, outputs);
  const index = new Map(ks.map((v, j) => [constantKey(v), j]));
  const how: GraphLowering = { input: lg, first: false, num: (v) => lg(`k${index.get(constantKey(v))}`) };
  const locals = LOCALS_V([...Array.from({ length: p.dim }, (_, i) => `x${i}`), ...p.cpu.values.map((_, id) => `v${id}`), ...ks.map((_, j) => `k${j}`)]);
  return { how, locals, pins: ks.map((v, j) => pin(`k${j}`, splat(v))).join('\n    ') };
}
const loadCoordinates = (p: SurfaceProgram) => Array.from({ length: p.dim }, (_, i) => ls(`x${i}`, vload(at('X', rowAt(i))))).join('\n        ');

/** The calls of Math's functions that a variant's program makes (the module imports them). */
export function programCalls(v: StepVariant): Set<CallFn> {
  if (!v.program) return new Set();
  const c = v.program.cpu;
  return callsOf(c.values, c.values.map((_, id) => c.needLoss[id] || c.needGrad[id]));
}

/**
 * A program's gradient at X into G, pair by pair: at a block's first step only. Then $value computes the loss and
 * the gradient at the new X together (they share most of their values, e.g. the argument reduction of sin and cos),
 * for every lane of a pair where one moved; a pair where none moved keeps its X and so its G.
 */
function programGrad(p: SurfaceProgram): string {
  const c = p.cpu;
  const { how, locals, pins } = programLowering(p, c.needGrad, c.grad);
  return `
  (func $grad
    (local $p i32) ${locals}
    ${pins}
    ${forPairs(`${loadCoordinates(p)}
        ${watValues(c.values, how, c.needGrad)}
        ${c.grad.map((n, i) => vstore(at('G', rowAt(i)), watOf(n, how))).join('\n        ')}`)})`;
}

/** Dense quadratic: E = X − x*, G = H·E (row by row, j in order, as the scalar r += H_ij e_j from 0). */
function hx(): string {
  return `${forRows(`${ls('v', splatOf(scalarAt('XS', lg('i'))))}
      ${forPairs(vstore(at('E'), F('sub', vload(at('X')), lg('v'))))}`)}
    ${forRows(`${forPairs(vstore(at('G'), ZERO))}
      ${forCols(`${ls('v', splatOf(scalarAt('H', add(`(i32.mul ${lg('i')} ${g('d')})`, lg('j')))))}
        ${forPairs(vstore(at('G'), F('add', vload(at('G')), F('mul', lg('v'), vload(at('E', lg('rj')))))))}`)}`)}`;
}

/** Whether a rule keeps a per-trajectory count (its first step, or per-count tables). */
export const counted = (r: UpdateRule) => r.usesFirst || r.countNames.length > 0;

/**
 * The optimizer's direction u from the masked gradient gi at x (state rows updated where the lane moves).
 * `firstStep`: whether this is the trajectories' first step (known per step without full-update drop), or null
 * (per trajectory: FIRST).
 */
function direction(v: StepVariant, firstStep: boolean | null): string {
  return ruleWat(v.rule, { firstStep, perLaneCounts: v.skips, moved: (now, before) => moved(v, now, before) });
}

/**
 * The loss term that row i's new value completes, accumulated in ACC:
 * diagonal quadratic (x_i − x*_i)·(h_ii·(x_i − x*_i)); a window sum's window i − w + 1, which needs rows i − w + 1 … i − 1
 * (already updated) and row i's new value. Terms are added in index order from s₀ (the first term's row adds it to
 * s₀, the others to ACC), as the window sum's scalar loss does.
 */
function lossTerm(v: StepVariant, withTerm: boolean, firstTerm = false): string {
  // No per-coordinate finiteness check on these surfaces: a non-finite coordinate always makes the loss non-finite
  // (diagonal: h·∞ = ±∞, 0·∞ = NaN; the window sums, Rosenbrock with b ≠ 0 and Rastrigin: every coordinate is in a
  // square or a cosine of some term), which the verdict catches, so the outcome is the same as checking every
  // coordinate (tested bit for bit).
  if (v.surface === 'diagonal') {
    return `${ls('r', F('sub', lg('xn'), lg('xs')))}
        ${vstore(atB('ACC'), F('add', vload(atB('ACC')), F('mul', lg('r'), F('mul', lg('hd'), lg('r')))))}`;
  }
  if (v.surface === 'windowSum' && withTerm) {
    const c = v.windowSum!;
    const w = c.width;
    const how = windowSumTermLowering(c).how;
    const loads = Array.from({ length: w - 1 }, (_, k) => ls(`u${k}`, vload(at('X', `(i32.sub ${lg('ri')} ${rows(w - 1 - k)})`))));
    const term = watOf(c.cpu.term, how);
    return `${loads.join('\n        ')}
        ${watValues(c.cpu.values, how, c.cpu.needTerm)}
        ${vstore(atB('ACC'), F('add', firstTerm ? lg('cinit') : vload(atB('ACC')), term))}`;
  }
  return '';
}

/** A window sum's term in $update: the window's last coordinate is row i's new value $xn, the others u0 …. */
const windowSumTermLowering = (c: WindowSum) => windowSumLowering(c, c.cpu.needTerm, [c.cpu.term], (k) => (k === c.width - 1 ? lg('xn') : lg(`u${k}`)));

/** Whether the loss is accumulated during the update (window sums and the diagonal quadratic). */
const fused = (s: StepVariant['surface']) => s === 'windowSum' || s === 'diagonal';

/** Mask, optimizer, x += −η·u for the trajectories that move (and, fused, the new loss's terms). */
function update(v: StepVariant): string {
  const diag = v.surface === 'diagonal';
  const sumTerm = v.surface === 'windowSum' ? windowSumTermLowering(v.windowSum!) : null;
  const w = v.windowSum?.width ?? 0;
  const body = (withTerm: boolean, firstTerm: boolean, last: boolean, firstStep: boolean | null, afterX = '') =>
    `${last || v.skips ? ls('act', actOf(v)) : ''}
        ${ls('x', vload(at('X')))}
        ${afterX}
        ${ls('gi', diag ? F('mul', lg('hd'), F('sub', lg('x'), lg('xs'))) : vload(at('G')))}
        ${v.gaussian ? ls('gi', F('mul', lg('gi'), vload(at('MULT')))) : ls('gi', and(F('div', lg('gi'), lg('q')), `(i64x2.extend_low_i32x4_s ${wordsAt(lg('wrow'), lg('ri'))})`))}
        ${direction(v, firstStep)}
        ${ls('step', F('mul', lg('negEta'), lg('u')))}
        ${last ? vstore(at('LAST'), and(lg('step'), lg('act'))) : ''}
        ${ls('xn', moved(v, F('add', lg('x'), lg('step')), lg('x')))}
        ${vstore(at('X'), lg('xn'))}
        ${lossTerm(v, withTerm, firstTerm)}`;
  // With `defer` (kernels with $valueRecord, from the second step of a $run call on), the row's pass also adds
  // the previous step's centred sum Σ(x − m)² over its alive lanes (all of them: 'all'), two pairs per iteration
  // into $sa and $sb as the centred pass of record.wat.ts does, and stores it in OM2[prev·d + i].
  const pass = (withTerm: boolean, firstTerm: boolean, last: boolean, firstStep: boolean | null, defer: 'none' | 'all' | 'masked') => {
    if (defer === 'none') return forPairs(body(withTerm, firstTerm, last, firstStep));
    const sq = (pair: string) => {
      const d2 = `(f64x2.mul ${F('sub', lg('x'), lg('cp'))} ${F('sub', lg('x'), lg('cp'))})`;
      return defer === 'all' ? d2 : and(d2, vload(add(g('ALIVE'), pair)));
    };
    const second = (text: string) => text.replaceAll(lg('p'), `(i32.add ${lg('p')} (i32.const 16))`);
    return `${ls('sa', ZERO)} ${ls('sb', ZERO)}
      ${pin('cp', splatOf(`(f64.load ${add(g('OMEAN'), `(i32.shl ${add(`(i32.mul ${lg('prev')} ${g('d')})`, lg('i'))} (i32.const 3))`)})`))}
      ${forLoop(
        'p',
        '(i32.const 0)',
        g('ROWN'),
        '(i32.const 32)',
        `${body(withTerm, firstTerm, last, firstStep, ls('sa', F('add', lg('sa'), sq(lg('p')))))}
        ${second(body(withTerm, firstTerm, last, firstStep, ls('sb', F('add', lg('sb'), sq(lg('p'))))))}`,
      )}
      (f64.store ${add(g('OM2'), `(i32.shl ${add(`(i32.mul ${lg('prev')} ${g('d')})`, lg('i'))} (i32.const 3))`)}
        (f64.add (f64.add (f64x2.extract_lane 0 (local.get $sa)) (f64x2.extract_lane 1 (local.get $sa)))
          (f64.add (f64x2.extract_lane 0 (local.get $sb)) (f64x2.extract_lane 1 (local.get $sb)))))`;
  };
  // The last step also keeps the update, and momentum's first step differs: copies of the loop, rather than
  // tests or selects in every iteration.
  const firstMatters = !v.skips && v.rule.usesFirst;
  const deferring = verdictQuad(v) !== undefined;
  const lastOrNot = (withTerm: boolean, firstTerm: boolean, firstStep: boolean | null, defer: 'none' | 'all' | 'masked' = 'none') =>
    `(if ${lg('isLast')} (then ${pass(withTerm, firstTerm, true, firstStep, defer)}) (else ${pass(withTerm, firstTerm, false, firstStep, defer)}))`;
  const deferOrNot = (withTerm: boolean, firstTerm: boolean, firstStep: boolean | null) =>
    deferring
      ? `(if (i32.lt_s ${lg('prev')} (i32.const 0)) (then ${lastOrNot(withTerm, firstTerm, firstStep)})
        (else (if (i32.eq (i32.load ${g('NALIVE')}) (i32.shr_u ${g('ROWN')} (i32.const 3)))
          (then ${lastOrNot(withTerm, firstTerm, firstStep, 'all')}) (else ${lastOrNot(withTerm, firstTerm, firstStep, 'masked')}))))`
      : lastOrNot(withTerm, firstTerm, firstStep);
  // A first step (t = 0) is the first of its $run call, so it has no previous step to complete.
  const pairs = (withTerm: boolean, firstTerm = false) =>
    firstMatters
      ? `(if (i32.eqz ${lg('t')}) (then ${lastOrNot(withTerm, firstTerm, true)}) (else ${deferOrNot(withTerm, firstTerm, false)}))`
      : deferOrNot(withTerm, firstTerm, v.skips ? null : false);
  const head = `${ls('k', add(`(i32.mul ${lg('slot')} ${g('d')})`, lg('i')))}
      ${ls('q', splatOf(scalarAt('QT', lg('k'))))}
      ${diag ? `${ls('hd', splatOf(scalarAt('HD', lg('i'))))}
      ${ls('xs', splatOf(scalarAt('XS', lg('i'))))}` : ''}`;
  // A fixed d unrolls the rows with constant row offsets (folded into the loads' offsets, fold.ts).
  const rows =
    v.fixedD !== null
      ? [...Array(v.fixedD).keys()]
          .map((i) =>
            `${head}
      ${v.surface === 'windowSum' ? pairs(i >= w - 1, i === w - 1) : pairs(false)}`
              .replaceAll(lg('ri'), rowAt(i))
              .replaceAll(lg('i'), `(i32.const ${i})`),
          )
          .join('\n    ')
      : forRows(`${head}
      ${v.surface === 'windowSum' ? `(if (i32.lt_u ${lg('i')} (i32.const ${w - 1})) (then ${pairs(false)}) (else (if (i32.eq ${lg('i')} (i32.const ${w - 1})) (then ${pairs(true, true)}) (else ${pairs(true)}))))` : pairs(false)}`);
  return `
  (func $update (param $slot i32) (param $isLast i32) (param $wrow i32) (param $t i32) (param $prev i32)
    (local $i i32) (local $ri i32) (local $p i32) (local $k i32)
    ${LOCALS_V(['negEta', 'q', 'hd', 'xs', 'x', 'xn', 'r', 'gi', 'act', 'u', 'step', 'sa', 'sb', 'cp', ...ruleLocals(v.rule), ...(sumTerm ? ['cinit', ...Array.from({ length: w - 1 }, (_, k) => `u${k}`), ...sumTerm.locals] : [])])}
    ${ls('negEta', splatOf(`(f64.neg ${scalarAt('ETA', lg('slot'))})`))}
    ${v.skips ? '' : v.rule.countNames.map((_, k) => ls(`cv${k}`, splatOf(scalarAt(`CT${k}`, `(i32.add ${lg('t')} (i32.const 1))`)))).join('\n    ')}
    ${sumTerm ? `${sumTerm.pins}
    ${pin('cinit', splat(v.windowSum!.init))}` : ''}
    ${v.surface === 'diagonal' ? forPairs(vstore(atB('ACC'), ZERO)) : ''}
    ${rows})`;
}

/**
 * Loss and divergence verdict for the pair at $p from $acc (and, `withFin`, the coordinates' finiteness $fin; the
 * fused-loss surfaces need none, see lossTerm).
 */
const verdict = (withFin: boolean) => {
  const finiteLoss = F('eq', F('sub', lg('acc'), lg('acc')), ZERO);
  // ℓ ≤ limit, which equals ¬(ℓ > limit) wherever ℓ is finite (only NaN tells them apart).
  return `${ls('ok', and(withFin ? and(lg('fin'), finiteLoss) : finiteLoss, F('le', lg('acc'), lg('limit'))))}
        ${ls('div', `(v128.andnot ${lg('act')} ${lg('ok')})`)}
        ${vstore(atB('LOSS'), sel(lg('acc'), vload(atB('LOSS')), and(lg('act'), lg('ok'))))}
        (if (v128.any_true ${lg('div')}) (then
          ${vstore(atB('ALIVE'), `(v128.andnot ${vload(atB('ALIVE'))} ${lg('div')})`)}
          ${ls('bits', '(i64x2.bitmask (local.get $div))')}
          ${ls('count', add(lg('count'), popcount(lg('div'))))}
          (if (i32.and ${lg('bits')} (i32.const 1)) (then (i32.store8 ${add(g('ALIVE8'), `(i32.shr_u ${lg('p')} (i32.const 3))`)} (i32.const 0))))
          (if (i32.and ${lg('bits')} (i32.const 2)) (then (i32.store8 ${add(g('ALIVE8'), `(i32.add (i32.shr_u ${lg('p')} (i32.const 3)) (i32.const 1))`)} (i32.const 0))))))`;
};

const VALUE_INIT = pin('limit', splatOf(g('limit')));

/**
 * The verdict on the two pairs of the quad at $p of a fused-loss surface, whose $update accumulated the loss terms
 * in ACC (verdict's decisions; a pair where no lane moved needs no test: its masks are all zero, so it keeps its
 * loss and flags whatever ACC holds). For $value, and for $valueRecord (record.wat.ts), which fuses $value into the
 * statistics' first pass: it leaves the pairs' new alive masks in $m0, $m1 and their losses in $l0, $l1, and adds
 * the new divergences to $count. Without full-update drop the lanes that move are the alive
 * ones and a lane's loss is read only while it is alive, so LOSS takes the new loss without a select; the rare
 * divergences are handled once per quad.
 */
function fusedVerdictQuad(v: StepVariant, withOld: boolean): string {
  const pairAt = (name: string, k: number) => (k === 0 ? atB(name) : add(atB(name), '(i32.const 16)'));
  const pair = (k: number) => `${ls(`mv${k}`, vload(pairAt(v.skips ? 'ACT' : 'ALIVE', k)))}
      ${v.skips || withOld ? ls(`lo${k}`, vload(pairAt('LOSS', k))) : ''}
      ${v.skips ? ls(`ap${k}`, vload(pairAt('ALIVE', k))) : withOld ? ls(`ap${k}`, lg(`mv${k}`)) : ''}
      ${v.surface === 'program' ? '' : ls(`l${k}`, vload(pairAt('ACC', k)))}
      ${v.surface === 'diagonal' ? ls(`l${k}`, F('add', F('mul', splat(0.5), lg(`l${k}`)), splatOf(g('qc')))) : ''}
      ${ls(`ok${k}`, and(F('eq', F('sub', lg(`l${k}`), lg(`l${k}`)), ZERO), F('le', lg(`l${k}`), lg('limit'))))}
      ${v.surface === 'program' ? ls(`ok${k}`, and(lg(`ok${k}`), lg(`fin${k}`))) : ''}
      ${ls(`d${k}`, `(v128.andnot ${lg(`mv${k}`)} ${lg(`ok${k}`)})`)}
      ${v.skips ? `${ls(`l${k}`, sel(lg(`l${k}`), lg(`lo${k}`), and(lg(`mv${k}`), lg(`ok${k}`))))}
      ${ls(`m${k}`, `(v128.andnot ${lg(`ap${k}`)} ${lg(`d${k}`)})`)}` : ls(`m${k}`, and(lg(`mv${k}`), lg(`ok${k}`)))}
      ${vstore(pairAt('LOSS', k), lg(`l${k}`))}`;
  const diverged = (k: number) => `(if (v128.any_true ${lg(`d${k}`)}) (then
          ${vstore(pairAt('ALIVE', k), `(v128.andnot ${vload(pairAt('ALIVE', k))} ${lg(`d${k}`)})`)}
          ${ls('bits', `(i64x2.bitmask ${lg(`d${k}`)})`)}
          ${ls('count', add(lg('count'), '(i32.popcnt (local.get $bits))'))}
          (if (i32.and ${lg('bits')} (i32.const 1)) (then (i32.store8 ${add(g('ALIVE8'), `(i32.add (i32.shr_u ${lg('p')} (i32.const 3)) (i32.const ${2 * k}))`)} (i32.const 0))))
          (if (i32.and ${lg('bits')} (i32.const 2)) (then (i32.store8 ${add(g('ALIVE8'), `(i32.add (i32.shr_u ${lg('p')} (i32.const 3)) (i32.const ${2 * k + 1}))`)} (i32.const 0))))))`;
  return `${v.surface === 'program' ? programQuad(v.program!) : ''}
      ${pair(0)}
      ${pair(1)}
      (if (v128.any_true (v128.or ${lg('d0')} ${lg('d1')})) (then
        ${diverged(0)}
        ${diverged(1)}))`;
}
const QUAD_LOCALS = `(local $bits i32) (local $count i32) ${LOCALS_V(['limit', 'mv0', 'mv1', 'l0', 'l1', 'lo0', 'lo1', 'ap0', 'ap1', 'ok0', 'ok1', 'd0', 'd1'])}`;

/**
 * The quad verdict for $valueRecord: only for kernels with a fixed d and a fused loss. `quad(withOld)` also leaves
 * the pairs' previous losses in $lo0, $lo1 and previous alive masks in $ap0, $ap1.
 */
export function verdictQuad(v: StepVariant) {
  if (v.fixedD === null) return undefined;
  if (v.surface === 'program') {
    const { locals, pins } = programValue(v.program!);
    return { quad: (withOld: boolean) => fusedVerdictQuad(v, withOld), locals: `${QUAD_LOCALS} ${locals} ${LOCALS_V(['fin0', 'fin1'])}`, init: `${VALUE_INIT}
    ${pins}` };
  }
  return fused(v.surface) ? { quad: (withOld: boolean) => fusedVerdictQuad(v, withOld), locals: QUAD_LOCALS, init: VALUE_INIT } : undefined;
}

/**
 * The program's loss and gradient together (they share most values) from the coordinates at the pair at byte
 * offset `pair`: lines that set `loss` and `fin` (the coordinates' finiteness) and store the gradient into G, with
 * the locals' names suffixed by `sx`.
 */
function programValue(p: SurfaceProgram) {
  const c = p.cpu;
  const need = c.values.map((_, id) => c.needLoss[id] || c.needGrad[id]);
  const { how, locals, pins } = programLowering(p, need, [c.loss, ...c.grad]);
  const lines = (loss: string, fin: string, sx = '', pair = lg('p')) => {
    const rename = (t: string) => (sx === '' ? t : t.replace(/\(local\.(get|set) \$([xv]\d+)\b/g, `(local.$1 $$$2${sx}`).replaceAll(lg('p'), pair));
    return [
      ...Array.from({ length: p.dim }, (_, i) => ls(`x${i}`, vload(at('X', rowAt(i))))),
      ls(fin, Array.from({ length: p.dim }, (_, i) => F('eq', F('sub', lg(`x${i}`), lg(`x${i}`)), ZERO)).reduce((m, f) => and(m, f))),
      ...c.values.map((n, id) => (need[id] ? ls(`v${id}`, watOf(n, how)) : '')).filter((t) => t !== ''),
      ls(loss, watOf(c.loss, how)),
      ...c.grad.map((n, i) => vstore(at('G', rowAt(i)), watOf(n, how))),
    ].map(rename);
  };
  const renamed = (sx: string) => LOCALS_V([...Array.from({ length: p.dim }, (_, i) => `x${i}${sx}`), ...c.values.map((_, id) => `v${id}${sx}`)]);
  return { body: (loss: string, fin: string) => lines(loss, fin).join('\n        '), lines, locals: `${locals} ${renamed('b')}`, pins };
}

/**
 * For $valueRecord: the losses $l0, $l1 and coordinates' finiteness $fin0, $fin1 of the two pairs of the quad at $p,
 * and their gradients into G. The two pairs' lines are interleaved (the second's locals suffixed b): independent
 * chains side by side, which the processor overlaps (the polynomials of sin, cos and exp are long dependent chains).
 */
function programQuad(p: SurfaceProgram): string {
  const { lines } = programValue(p);
  const a = lines('l0', 'fin0');
  const b = lines('l1', 'fin1', 'b', `(i32.add ${lg('p')} (i32.const 16))`);
  return a.flatMap((t, j) => [t, b[j]]).join('\n      ');
}

/** Loss at the new X for the trajectories that moved, divergence (non-finite, or above the limit). */
function value(v: StepVariant): string {
  const s = v.surface;
  const head = `
  (func $value (param $slot i32) (result i32)
    (local $i i32) (local $ri i32) (local $p i32) (local $j i32) (local $rj i32) (local $bits i32) (local $count i32)
    ${LOCALS_V(['act', 'acc', 'fin', 'ok', 'div', 'x', 'v', 'limit'])}
    ${VALUE_INIT}`;
  if (s === 'program' || s === 'rows' || s === 'coordSum') {
    const { body, locals, pins } = s === 'program' ? programValue(v.program!) : s === 'rows' ? rowsLowering(v.rowSum!) : coordSumLowering(v.coordSum!);
    return `
  (func $value (param $slot i32) (result i32)
    (local $p i32) (local $bits i32) (local $count i32) ${LOCALS_V(['act', 'acc', 'fin', 'ok', 'div', 'limit'])} ${locals}
    ${VALUE_INIT}
    ${pins}
    ${forPairs(`${ls('act', actOf(v))}
      (if (v128.any_true ${lg('act')}) (then
        ${body('acc', 'fin')}
        ${verdict(true)}))`)}
    ${lg('count')})`;
  }
  if (fused(s)) {
    // The terms were accumulated by $update.
    return `
  (func $value (param $slot i32) (result i32)
    (local $p i32) (local $m0 v128) (local $m1 v128) ${QUAD_LOCALS}
    ${VALUE_INIT}
    ${forLoop('p', '(i32.const 0)', g('ROWN'), '(i32.const 32)', fusedVerdictQuad(v, false))}
    ${lg('count')})`;
  }
  return `${head}
    ${hx()}
    ${forPairs(`${ls('act', actOf(v))}
      (if (v128.any_true ${lg('act')}) (then
        ${ls('fin', ONES)}
        ${forRows(`${ls('x', vload(at('X')))}
          ${ls('fin', and(lg('fin'), F('eq', F('sub', lg('x'), lg('x')), ZERO)))}`)}
        ${ls('acc', ZERO)}
        ${forRows(ls('acc', F('add', lg('acc'), F('mul', vload(at('E')), vload(at('G'))))))}
        ${ls('acc', F('add', F('mul', splat(0.5), lg('acc')), splatOf(g('qc'))))}
        ${verdict(true)}))`)}
    ${lg('count')})`;
}

export function stepWat(v: StepVariant): string[] {
  return [prep(v), grad(v), update(v), value(v), v.gaussian ? normalPassWat() : ''].filter((s) => s !== '');
}
