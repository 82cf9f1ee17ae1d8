/**
 * WAT for the per-step statistics of a block (src/analysis/mc/stats.ts `BlockRecorder.record`, same operations
 * in the same order, so the same bits): over the alive trajectories, the mean of x and of the loss (first pass),
 * then the centred sums Σ(x_i − m_i)², optional full cross-products and Σ(ℓ − m_ℓ)² (second pass). Every sum
 * is four interleaved partial sums, trajectory index mod 4, kept in two f64x2 accumulators over quads of
 * trajectories, combined as (s₀ + s₁) + (s₂ + s₃); dead lanes are masked to +0, which leaves a sum unchanged.
 *
 * $recordUpdate does the same for the last update (LAST): count, means (MEANV), cross-products (COV).
 * $record(slot, withCov) writes n to ON[slot], the means and centred sums to OMEAN/OM2[slot·d + i], the loss
 * mean and centred sum to OLM/OL2[slot], and (withCov) the d×d cross-products to COV.
 */
import { F, ZERO, add, and, forCols, forLoop, forRows, g, lg, ls, popcount, vload } from './wat.ts';

/** Accumulates `term(q)` (the pair at byte offset q) and `term(q + 16)` over quads into $s01, $s23. */
const quads = (term: (pair: string, alive: string) => string) => `${ls('s01', ZERO)}
      ${ls('s23', ZERO)}
      ${forLoop(
        'p',
        '(i32.const 0)',
        g('ROWN'),
        '(i32.const 32)',
        `${ls('s01', F('add', lg('s01'), and(term(lg('p'), vload(add(g('ALIVE'), lg('p')))), vload(add(g('ALIVE'), lg('p'))))))}
        ${ls('s23', F('add', lg('s23'), and(term(add(lg('p'), '(i32.const 16)'), vload(add(add(g('ALIVE'), lg('p')), '(i32.const 16)'))), vload(add(add(g('ALIVE'), lg('p')), '(i32.const 16)')))))}`,
      )}`;
const combined = `(f64.add (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01)))
        (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23))))`;
const row = (name: string, r: string, pair: string) => vload(add(add(g(name), r), pair));
const out = (name: string, index: string) => add(g(name), `(i32.shl ${index} (i32.const 3))`);
const meanOf = (i: string) => `(f64x2.splat (f64.load ${out('MEANV', i)}))`;

/** The number of alive trajectories into $n and $nf. */
const countAlive = `
    ${forLoop('p', '(i32.const 0)', g('ROWN'), '(i32.const 16)', ls('n', add(lg('n'), popcount(vload(add(g('ALIVE'), lg('p')))))))}
    (local.set $nf (f64.convert_i32_s (local.get $n)))`;
const rowMeans = (src: string) => forRows(`${quads((pair) => row(src, lg('ri'), pair))}
      (f64.store ${out('MEANV', lg('i'))} (f64.div ${combined} (local.get $nf)))`);
/** Full centred cross-products of the rows of `src` into COV. */
const crossProducts = (src: string) => forRows(`${ls('mi', meanOf(lg('i')))}
        ${forCols(`${ls('mj', meanOf(lg('j')))}
          ${quads((pair) => F('mul', F('sub', row(src, lg('ri'), pair), lg('mi')), F('sub', row(src, lg('rj'), pair), lg('mj'))))}
          (f64.store ${out('COV', add(`(i32.mul ${lg('i')} ${g('d')})`, lg('j')))} ${combined})`)}`);
/** No trajectory alive: the slot's outputs are zeros (JavaScript copies a chunk's outputs as they are). */
const noneAlive = (result: string) => `(if (i32.eqz (local.get $n)) (then
      ${forRows(`(f64.store ${out('OMEAN', add(`(i32.mul ${lg('slot')} ${g('d')})`, lg('i')))} (f64.const 0))
        (f64.store ${out('OM2', add(`(i32.mul ${lg('slot')} ${g('d')})`, lg('i')))} (f64.const 0))`)}
      (f64.store ${out('OLM', lg('slot'))} (f64.const 0))
      (f64.store ${out('OL2', lg('slot'))} (f64.const 0))
      (return ${result})))`;
const LOCALS = `(local $i i32) (local $ri i32) (local $j i32) (local $rj i32) (local $p i32) (local $n i32) (local $nf f64)
    (local $lm f64) (local $s01 v128) (local $s23 v128) (local $mi v128) (local $mj v128)`;

/** Any d: one pass per sum (rows, then the loss). */
const recordAnyD = `
  (func $record (param $slot i32) (param $withCov i32)
    ${LOCALS}
    ${countAlive}
    (i32.store ${g('NALIVE')} (local.get $n))
    (f64.store ${out('ON', lg('slot'))} (local.get $nf))
    ${noneAlive('')}
    ${rowMeans('X')}
    ${quads((pair) => vload(add(g('LOSS'), pair)))}
    (local.set $lm (f64.div ${combined} (local.get $nf)))
    ${forRows(`${ls('mi', meanOf(lg('i')))}
      ${quads((pair) => `(f64x2.mul ${F('sub', row('X', lg('ri'), pair), lg('mi'))} ${F('sub', row('X', lg('ri'), pair), lg('mi'))})`)}
      (f64.store ${out('OMEAN', add(`(i32.mul ${lg('slot')} ${g('d')})`, lg('i')))} (f64.load ${out('MEANV', lg('i'))}))
      (f64.store ${out('OM2', add(`(i32.mul ${lg('slot')} ${g('d')})`, lg('i')))} ${combined})`)}
    (if (local.get $withCov) (then
      ${crossProducts('X')}))
    ${ls('mi', '(f64x2.splat (local.get $lm))')}
    ${quads((pair) => `(f64x2.mul ${F('sub', vload(add(g('LOSS'), pair)), lg('mi'))} ${F('sub', vload(add(g('LOSS'), pair)), lg('mi'))})`)}
    (f64.store ${out('OLM', lg('slot'))} (local.get $lm))
    (f64.store ${out('OL2', lg('slot'))} ${combined}))
`;

/**
 * A fixed small d: the same sums, but all rows and the loss in one pass each (the count with the means), with
 * accumulators per row: every sum still adds the same terms in the same order, so the bits are the same; the
 * independent chains overlap instead of each pass waiting on its own additions (≈ 2.5× faster for d = 2).
 * When every lane of the block is alive (n = Bp, the usual case) the centred pass skips the masks, which leaves
 * the same sums (a mask of all ones changes nothing).
 *
 * `verdict`: the step's loss verdict for the quad at $p (step.wat.ts `verdictQuad`), run for each quad before the
 * first pass adds it: $valueRecord = $value then $record in one pass over the block, returning $value's count of
 * new divergences. The quad leaves its new alive masks and losses in registers; the count of alive lanes is the
 * previous step's (NALIVE, which every $record stores) less the new divergences. $valueRecord(slot, withCov,
 * prev, final) also completes the centred sums of the previous step (slot prev ≥ 0): its loss sum here, from the
 * losses the verdict replaces, its coordinates' sums in $update (which reads them anyway); so the centred pass
 * runs only on a `final` step (the last of a $run call, after which JavaScript reads the outputs). The terms and
 * their order are those of the centred pass, so the bits are the same.
 */
export interface Verdict {
  quad: (withOld: boolean) => string;
  locals: string;
  init: string;
}

function recordFixedD(d: number, verdict?: Verdict): string {
  const k = [...Array(d).keys()];
  const sums = [...k.map(String), 'l'];
  const src = (q: string, pair: string) => (q === 'l' ? vload(add(g('LOSS'), pair)) : row('X', `(i32.const 0)`, add(pair, `(i32.mul (i32.const ${q}) ${g('ROW')})`)));
  const masked = (v: string, m: string | null) => (m ? and(v, lg(m)) : v);
  const pass = (term: (q: string, pair: string) => string, count: boolean, mask: boolean, pre = '') => `${sums.map((q) => `${ls(`a${q}`, ZERO)} ${ls(`b${q}`, ZERO)}`).join(' ')}
    ${forLoop(
      'p',
      '(i32.const 0)',
      g('ROWN'),
      '(i32.const 32)',
      `${pre}
      ${mask && !pre ? `${ls('m0', vload(add(g('ALIVE'), lg('p'))))}
      ${ls('m1', vload(add(add(g('ALIVE'), lg('p')), '(i32.const 16)')))}` : ''}
      ${sums.map((q) => `${ls(`a${q}`, F('add', lg(`a${q}`), masked(term(q, lg('p')), mask ? 'm0' : null)))}
      ${ls(`b${q}`, F('add', lg(`b${q}`), masked(term(q, add(lg('p'), '(i32.const 16)')), mask ? 'm1' : null)))}`).join('\n      ')}
      ${count ? ls('n', add(add(lg('n'), popcount(lg('m0'))), popcount(lg('m1')))) : ''}`,
    )}`;
  const comb = (q: string) => `(f64.add (f64.add (f64x2.extract_lane 0 (local.get $a${q})) (f64x2.extract_lane 1 (local.get $a${q})))
        (f64.add (f64x2.extract_lane 0 (local.get $b${q})) (f64x2.extract_lane 1 (local.get $b${q}))))`;
  const mean = (q: string, pair: string) => src(q, pair);
  // With the verdict, the quad's losses are in $l0 (the pair at $p) and $l1 (at $p + 16).
  const meanAfterVerdict = (q: string, pair: string) => (q === 'l' ? lg(pair === lg('p') ? 'l0' : 'l1') : src(q, pair));
  const centred = (q: string, pair: string) => `(f64x2.mul ${F('sub', src(q, pair), lg(`c${q}`))} ${F('sub', src(q, pair), lg(`c${q}`))})`;
  const slotOut = (name: string, i: number) => out(name, add(`(i32.mul ${lg('slot')} ${g('d')})`, `(i32.const ${i})`));
  const result = verdict ? '(local.get $count)' : '';
  const nalive = `(i32.load ${g('NALIVE')})`;
  // The previous step's loss centred sum, over its alive lanes, from the losses the verdict replaces.
  const prevLoss = `${ls('pa', F('add', lg('pa'), and(`(f64x2.mul ${F('sub', lg('lo0'), lg('pl'))} ${F('sub', lg('lo0'), lg('pl'))})`, lg('ap0'))))}
      ${ls('pb', F('add', lg('pb'), and(`(f64x2.mul ${F('sub', lg('lo1'), lg('pl'))} ${F('sub', lg('lo1'), lg('pl'))})`, lg('ap1'))))}`;
  const first = verdict
    ? `${verdict.init}
    (if (i32.ge_s (local.get $prev) (i32.const 0))
      (then
        ${ls('pl', `(f64x2.splat (f64.load ${out('OLM', lg('prev'))}))`)}
        ${ls('pa', ZERO)} ${ls('pb', ZERO)}
        ${pass(meanAfterVerdict, false, true, `${verdict.quad(true)}
      ${prevLoss}`)}
        (f64.store ${out('OL2', lg('prev'))} (f64.add (f64.add (f64x2.extract_lane 0 (local.get $pa)) (f64x2.extract_lane 1 (local.get $pa)))
          (f64.add (f64x2.extract_lane 0 (local.get $pb)) (f64x2.extract_lane 1 (local.get $pb))))))
      (else ${pass(meanAfterVerdict, false, true, verdict.quad(false))}))
    (local.set $n (i32.sub ${nalive} (local.get $count)))`
    : pass(mean, true, true);
  const centredPass = `(if (i32.eq (local.get $n) (i32.shr_u ${g('ROWN')} (i32.const 3)))
      (then ${pass(centred, false, false)})
      (else ${pass(centred, false, true)}))`;
  return `
  (func ${verdict ? '$valueRecord' : '$record'} (param $slot i32) (param $withCov i32) ${verdict ? '(param $prev i32) (param $final i32) (result i32)' : ''}
    ${LOCALS} (local $m0 v128) (local $m1 v128) ${verdict ? `${verdict.locals} (local $pl v128) (local $pa v128) (local $pb v128)` : ''}
    ${sums.map((q) => `(local $a${q} v128) (local $b${q} v128) (local $c${q} v128)`).join(' ')}
    ${first}
    (i32.store ${g('NALIVE')} (local.get $n))
    (local.set $nf (f64.convert_i32_s (local.get $n)))
    (f64.store ${out('ON', lg('slot'))} (local.get $nf))
    ${noneAlive(result)}
    ${k.map((i) => `(f64.store ${out('MEANV', `(i32.const ${i})`)} (f64.div ${comb(String(i))} (local.get $nf)))
    ${ls(`c${i}`, meanOf(`(i32.const ${i})`))}`).join('\n    ')}
    (local.set $lm (f64.div ${comb('l')} (local.get $nf)))
    ${ls('cl', '(f64x2.splat (local.get $lm))')}
    ${k.map((i) => `(f64.store ${slotOut('OMEAN', i)} (f64.load ${out('MEANV', `(i32.const ${i})`)}))`).join('\n    ')}
    (f64.store ${out('OLM', lg('slot'))} (local.get $lm))
    ${verdict ? '(if (i32.eqz (local.get $final)) (then (return (local.get $count))))' : ''}
    ${centredPass}
    ${k.map((i) => `(f64.store ${slotOut('OM2', i)} ${comb(String(i))})`).join('\n    ')}
    (if (local.get $withCov) (then
      ${crossProducts('X')}))
    (f64.store ${out('OL2', lg('slot'))} ${comb('l')})
    ${result})
`;
}

/**
 * `fixedD`: d when the kernel is generated per d (step.wat.ts FIXED_MAX_D), else null. `verdict`: also generate
 * $valueRecord (fixed d only).
 */
export const recordWat = (fixedD: number | null, verdict?: Verdict) => `${fixedD !== null ? recordFixedD(fixedD) : recordAnyD}
${fixedD !== null && verdict ? recordFixedD(fixedD, verdict) : ''}

  ;; Moments of the last update (LAST) over the trajectories alive at the end: returns n, means in MEANV, COV.
  (func $recordUpdate (result i32)
    ${LOCALS}
    ${countAlive}
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    ${rowMeans('LAST')}
    ${crossProducts('LAST')}
    (local.get $n))
`;
