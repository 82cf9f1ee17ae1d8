/**
 * WAT for one step of the fused kernel over a block (src/analysis/mc/kernels.ts, same operations in the same
 * order, so the same bits): gradient of the surface, DropGrad mask from the words of $philoxPass, the optimizer's
 * update, the new loss, divergence. Generated per (surface, optimizer, options) so that no branch on constants
 * is left in the inner loops.
 */
import type { FastOptimizer, FastSurface } from '../kernels.ts';

export interface UpdateVariant {
  surface: FastSurface['kind'] | 'diagonal';
  optimizer: FastOptimizer;
}

const f = (v: number) => {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0x0p+0' : v.toString();
};
const ld = (base: string, idx: string) => `(f64.load (i32.add (global.get ${base}) (i32.shl ${idx} (i32.const 3))))`;
const st = (base: string, idx: string, val: string) => `(f64.store (i32.add (global.get ${base}) (i32.shl ${idx} (i32.const 3))) ${val})`;
const oi = '(i32.add (local.get $o) (local.get $i))';
const li = '(local.get $i)';

/** for ($i = from; $i < to; $i++) body */
const loop = (name: string, from: string, to: string, body: string) => `
    (local.set $i ${from})
    (block $${name}_done (loop $${name}
      (br_if $${name}_done (i32.ge_s (local.get $i) ${to}))
      ${body}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $${name})))`;

function gradient(s: UpdateVariant['surface']): string {
  if (s === 'rosenbrock') {
    return `${loop('gz', '(i32.const 0)', '(local.get $d)', st('$G', li, '(f64.const 0)'))}
    ${loop(
      'gr',
      '(i32.const 0)',
      '(i32.sub (local.get $d) (i32.const 1))',
      `(local.set $xi ${ld('$X', oi)})
      (local.set $r (f64.sub ${ld('$X', `(i32.add ${oi} (i32.const 1))`)} (f64.mul (local.get $xi) (local.get $xi))))
      ${st('$G', li, `(f64.add ${ld('$G', li)} (f64.sub (f64.mul (f64.mul (f64.mul (f64.const -4) (global.get $rb)) (local.get $xi)) (local.get $r)) (f64.mul (f64.const 2) (f64.sub (global.get $ra) (local.get $xi)))))`)}
      ${st('$G', '(i32.add (local.get $i) (i32.const 1))', `(f64.add ${ld('$G', '(i32.add (local.get $i) (i32.const 1))')} (f64.mul (f64.mul (f64.const 2) (global.get $rb)) (local.get $r)))`)}`,
    )}`;
  }
  if (s === 'diagonal') {
    return loop('gd', '(i32.const 0)', '(local.get $d)', st('$G', li, `(f64.mul ${ld('$HD', li)} (f64.sub ${ld('$X', oi)} ${ld('$XS', li)}))`));
  }
  return `${loop('ge', '(i32.const 0)', '(local.get $d)', st('$E', li, `(f64.sub ${ld('$X', oi)} ${ld('$XS', li)})`))}
    ${loop(
      'gq',
      '(i32.const 0)',
      '(local.get $d)',
      `(local.set $r (f64.const 0))
      (local.set $j (i32.const 0))
      (local.set $hrow (i32.mul (local.get $i) (local.get $d)))
      (block $gqj_done (loop $gqj
        (br_if $gqj_done (i32.ge_s (local.get $j) (local.get $d)))
        (local.set $r (f64.add (local.get $r) (f64.mul ${ld('$H', '(i32.add (local.get $hrow) (local.get $j))')} ${ld('$E', '(local.get $j)')})))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $gqj)))
      ${st('$G', li, '(local.get $r)')}`,
    )}`;
}

function value(s: UpdateVariant['surface']): string {
  if (s === 'rosenbrock') {
    return `(local.set $acc (f64.const 0))
    ${loop(
      'vr',
      '(i32.const 0)',
      '(i32.sub (local.get $d) (i32.const 1))',
      `(local.set $xi ${ld('$X', oi)})
      (local.set $r (f64.sub ${ld('$X', `(i32.add ${oi} (i32.const 1))`)} (f64.mul (local.get $xi) (local.get $xi))))
      (local.set $q (f64.sub (global.get $ra) (local.get $xi)))
      (local.set $acc (f64.add (local.get $acc) (f64.add (f64.mul (f64.mul (global.get $rb) (local.get $r)) (local.get $r)) (f64.mul (local.get $q) (local.get $q)))))`,
    )}`;
  }
  if (s === 'diagonal') {
    return `(local.set $acc (f64.const 0))
    ${loop(
      'vd',
      '(i32.const 0)',
      '(local.get $d)',
      `(local.set $r (f64.sub ${ld('$X', oi)} ${ld('$XS', li)}))
      (local.set $acc (f64.add (local.get $acc) (f64.mul (local.get $r) (f64.mul ${ld('$HD', li)} (local.get $r)))))`,
    )}
    (local.set $acc (f64.add (f64.mul (f64.const 0.5) (local.get $acc)) (global.get $qc)))`;
  }
  return `(local.set $acc (f64.const 0))
    ${loop('ve', '(i32.const 0)', '(local.get $d)', st('$E', li, `(f64.sub ${ld('$X', oi)} ${ld('$XS', li)})`))}
    ${loop(
      'vq',
      '(i32.const 0)',
      '(local.get $d)',
      `(local.set $r (f64.const 0))
      (local.set $j (i32.const 0))
      (local.set $hrow (i32.mul (local.get $i) (local.get $d)))
      (block $vqj_done (loop $vqj
        (br_if $vqj_done (i32.ge_s (local.get $j) (local.get $d)))
        (local.set $r (f64.add (local.get $r) (f64.mul ${ld('$H', '(i32.add (local.get $hrow) (local.get $j))')} ${ld('$E', '(local.get $j)')})))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $vqj)))
      (local.set $acc (f64.add (local.get $acc) (f64.mul ${ld('$E', li)} (local.get $r))))`,
    )}
    (local.set $acc (f64.add (f64.mul (f64.const 0.5) (local.get $acc)) (global.get $qc)))`;
}

/** x += step, with the step kept for the last-update statistics. */
const apply = `(local.set $step (f64.mul (f64.neg (local.get $eta)) (local.get $u)))
      (if (local.get $isLast) (then ${st('$LAST', oi, '(local.get $step)')}))
      ${st('$X', oi, `(f64.add ${ld('$X', oi)} (local.get $step))`)}`;

function optimizer(o: FastOptimizer): string {
  const wdL2 = (on: boolean) => (on ? `(local.set $gi (f64.add (local.get $gi) (f64.mul (f64.const ${f(o.weightDecay)}) ${ld('$X', oi)})))` : '');
  if (o.kind === 'sgd') {
    const mom = o.momentum !== 0 || o.nesterov;
    const buf = mom
      ? `(local.set $buf (if (result f64) (local.get $firstStep) (then (local.get $gi))
          (else (f64.add (f64.mul (f64.const ${f(o.momentum)}) ${ld('$M1', oi)}) (f64.mul (f64.const ${f(1 - o.dampening)}) (local.get $gi))))))
      ${st('$M1', oi, '(local.get $buf)')}
      (local.set $u ${o.nesterov ? `(f64.add (local.get $gi) (f64.mul (f64.const ${f(o.momentum)}) (local.get $buf)))` : '(local.get $buf)'})`
      : '(local.set $u (local.get $gi))';
    return `(local.set $firstStep (i32.eqz (i32.load (i32.add (global.get $CNT) (i32.shl (local.get $b) (i32.const 2))))))
    ${loop('os', '(i32.const 0)', '(local.get $d)', `(local.set $gi ${ld('$G', li)})
      ${wdL2(o.weightDecay !== 0)}
      ${buf}
      ${apply}`)}
    (i32.store (i32.add (global.get $CNT) (i32.shl (local.get $b) (i32.const 2))) (i32.const 1))`;
  }
  if (o.kind === 'adam') {
    return `(local.set $cnt (i32.add (i32.load (i32.add (global.get $CNT) (i32.shl (local.get $b) (i32.const 2)))) (i32.const 1)))
    (i32.store (i32.add (global.get $CNT) (i32.shl (local.get $b) (i32.const 2))) (local.get $cnt))
    (local.set $bc1 ${ld('$BC1', '(local.get $cnt)')})
    (local.set $bc2 ${ld('$BC2', '(local.get $cnt)')})
    ${loop('oa', '(i32.const 0)', '(local.get $d)', `(local.set $gi ${ld('$G', li)})
      ${wdL2(!o.decoupled && o.weightDecay !== 0)}
      (local.set $mu (f64.add (f64.mul (f64.const ${f(o.b1)}) ${ld('$M1', oi)}) (f64.mul (f64.const ${f(1 - o.b1)}) (local.get $gi))))
      (local.set $nu (f64.add (f64.mul (f64.const ${f(o.b2)}) ${ld('$M2', oi)}) (f64.mul (f64.mul (f64.const ${f(1 - o.b2)}) (local.get $gi)) (local.get $gi))))
      ${st('$M1', oi, '(local.get $mu)')}
      ${st('$M2', oi, '(local.get $nu)')}
      (local.set $u (f64.div (f64.div (local.get $mu) (local.get $bc1)) (f64.add (f64.div (f64.sqrt (local.get $nu)) (local.get $bc2)) (f64.const ${f(o.eps)}))))
      ${o.decoupled && o.weightDecay !== 0 ? `(local.set $u (f64.add (local.get $u) (f64.mul (f64.const ${f(o.weightDecay)}) ${ld('$X', oi)})))` : ''}
      ${apply}`)}`;
  }
  return `${loop('ol', '(i32.const 0)', '(local.get $d)', `(local.set $gi ${ld('$G', li)})
      (local.set $r (f64.add (f64.mul (f64.const ${f(o.b1)}) ${ld('$M1', oi)}) (f64.mul (f64.const ${f(1 - o.b1)}) (local.get $gi))))
      (local.set $u (if (result f64) (f64.gt (local.get $r) (f64.const 0)) (then (f64.const 1))
        (else (if (result f64) (f64.lt (local.get $r) (f64.const 0)) (then (f64.const -1)) (else (local.get $r))))))
      ${st('$M1', oi, `(f64.add (f64.mul (f64.const ${f(o.b2)}) ${ld('$M1', oi)}) (f64.mul (f64.const ${f(1 - o.b2)}) (local.get $gi)))`)}
      ${o.weightDecay !== 0 ? `(local.set $u (f64.add (local.get $u) (f64.mul (f64.const ${f(o.weightDecay)}) ${ld('$X', oi)})))` : ''}
      ${apply}`)}`;
}

/**
 * $update(B, d, W, eta, isLast, useSkip, skipThr, limit) → number of trajectories that diverged at this step
 * (non-finite, or loss above limit).
 * Words per trajectory W = 4·⌈d/4⌉ at $WORDS; skip words (4 per trajectory) at $SKIPW.
 */
export function updateWat(v: UpdateVariant): string {
  return `
  (func $update (param $B i32) (param $d i32) (param $W i32) (param $eta f64) (param $isLast i32) (param $useSkip i32) (param $skipThr f64) (param $limit f64) (result i32)
    (local $b i32) (local $o i32) (local $i i32) (local $j i32) (local $hrow i32) (local $cnt i32) (local $firstStep i32)
    (local $diverged i32) (local $finite i32) (local $wbase i32)
    (local $xi f64) (local $r f64) (local $q f64) (local $acc f64) (local $gi f64) (local $u f64) (local $step f64)
    (local $buf f64) (local $mu f64) (local $nu f64) (local $bc1 f64) (local $bc2 f64) (local $p f64)
    (local.set $b (i32.const 0))
    (block $bdone (loop $bloop
      (br_if $bdone (i32.ge_s (local.get $b) (local.get $B)))
      (block $next
        (br_if $next (i32.eqz (i32.load8_u (i32.add (global.get $ALIVE) (local.get $b)))))
        (local.set $o (i32.mul (local.get $b) (local.get $d)))
        (if (local.get $useSkip) (then
          (if (f64.lt (f64.convert_i32_u (i32.load (i32.add (global.get $SKIPW) (i32.shl (local.get $b) (i32.const 4))))) (local.get $skipThr))
            (then
              (if (local.get $isLast) (then
                ${loop('sk', '(i32.const 0)', '(local.get $d)', st('$LAST', oi, '(f64.const 0)'))}))
              (br $next)))))
        ${gradient(v.surface)}
        (local.set $wbase (i32.add (global.get $WORDS) (i32.shl (i32.mul (local.get $b) (local.get $W)) (i32.const 2))))
        ${loop(
          'mk',
          '(i32.const 0)',
          '(local.get $d)',
          `(local.set $p ${ld('$P', li)})
          (if (i32.or (f64.eq (local.get $p) (f64.const 0))
                      (f64.ge (f64.convert_i32_u (i32.load (i32.add (local.get $wbase) (i32.shl (local.get $i) (i32.const 2))))) ${ld('$THR', li)}))
            (then ${st('$G', li, `(f64.div ${ld('$G', li)} ${ld('$Q', li)})`)})
            (else ${st('$G', li, '(f64.const 0)')}))`,
        )}
        ${optimizer(v.optimizer)}
        (local.set $finite (i32.const 1))
        ${loop('fc', '(i32.const 0)', '(local.get $d)', `(local.set $r ${ld('$X', oi)})
          (if (f64.ne (f64.sub (local.get $r) (local.get $r)) (f64.const 0)) (then (local.set $finite (i32.const 0))))`)}
        ${value(v.surface)}
        (if (i32.or (i32.or (i32.eqz (local.get $finite)) (f64.ne (f64.sub (local.get $acc) (local.get $acc)) (f64.const 0))) (f64.gt (local.get $acc) (local.get $limit)))
          (then
            (i32.store8 (i32.add (global.get $ALIVE) (local.get $b)) (i32.const 0))
            (local.set $diverged (i32.add (local.get $diverged) (i32.const 1))))
          (else ${st('$LOSS', '(local.get $b)', '(local.get $acc)')})))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bloop)))
    (local.get $diverged))
`;
}
