/**
 * WGSL for the Monte-Carlo engine on the GPU, generated per problem; the optimizer's update is lowered from the same
 * rule (src/optimizers/rules) that the CPU kernels are generated from; the agreement
 * matrix in test/gpu/ checks every optimizer × surface against the CPU engine. Arithmetic is f32 (WGSL has no
 * f64); the random words are the CPU's bit for bit, so the mask decisions are identical.
 *
 * One thread per trajectory runs one step (`step`); then one thread per record of WG trajectories reduces the step's
 * statistics (`reduce`): count, mean and centred sums of squares of every coordinate and of the loss, and at the
 * last step the full cross-products of the iterate and of the last update. Divergence counts and loss histograms
 * are atomic counters.
 *
 * Per-trajectory arrays are coordinate-major (structure of arrays): coordinate i of trajectory b is x[i·n + b],
 * optimizer slot k of it state[(i·NS + k)·n + b], the last update aux[n + i·n + b]; tmeta[b] is the alive flag and
 * tmeta[n + b] the optimizer's step counter (n = st.n threads). Neighbouring threads touch neighbouring words, so a
 * GPU's loads coalesce for any dimension (with x[b·d + i], d = 100 put every thread's load 400 bytes apart).
 */
import { HIST_BINS, KEY_MIN_F32, KEY_SHIFT_F32, SIDE } from '../analysis/mc/histogram.ts';
import { PHILOX_WGSL } from '../rng/philox.wgsl.ts';
import type { UpdateRule } from '../optimizers/rules/index.ts';
import { wgslFloat } from './graph.wgsl.ts';
import { ruleWgsl, stateSlots } from './rule.wgsl.ts';
import { STREAM_MASK, STREAM_NORMAL, STREAM_REFINE, STREAM_SKIP, maskSteps } from '../rng/keyed.ts';

/**
 * Quadratics (loops over any d, the matrix in the constants; `data` a digest of H and x*, which cells of one batch
 * share), or a surface's generated grad and value (a program:
 * gpu/program.wgsl.ts; a sum of window terms: gpu/windowsum.wgsl.ts).
 */
export type GpuSurface = { kind: 'generated'; wgsl: string; data?: string } | { kind: 'quadratic'; c: number; diag: boolean; data: string };

export interface KernelSpec {
  d: number;
  /**
   * Where the rule's count tables start in `consts`: after the surface's data (a quadratic's H and x*, d² + d
   * numbers; a row sum's design and targets), d² + d for the rest.
   */
  tablesAt: number;
  surface: GpuSurface;
  /** The optimizer's update rule (src/optimizers/rules), lowered by rule.wgsl.ts. */
  rule: UpdateRule;
  gaussian: boolean;
  /** Full centred cross-products of the iterate in every step's record (spec.perStepCov). */
  perStepCov: boolean;
}

export const WG = 64;
/** Floats per workgroup record of a step's statistics: n, mean[d], m2[d], loss mean, loss m2[, cross-products d×d]. */
export const recordSize = (d: number, perStepCov = false) => 3 + 2 * d + (perStepCov ? d * d : 0);
/** Extra floats at the last step: cross-products of x (d²), then update n, mean[d], cross-products (d²). */
export const finalSize = (d: number) => 2 * d * d + 1 + d;

const f = wgslFloat;

function surfaceCode(s: GpuSurface): string {
  // The surfaces' functions take the trajectory index o (coordinate-major x: x[i·n + o]).
  const X = (i: string) => `x[(${i}) * st.n + o]`;
  switch (s.kind) {
    case 'generated':
      return s.wgsl;
    case 'quadratic':
      if (s.diag) {
        return `fn grad(o: u32) { for (var i = 0u; i < D; i++) { g[i] = consts[i * D + i] * (${X('i')} - consts[D * D + i]); } }
fn value(o: u32) -> f32 {
  var acc = 0.0;
  for (var i = 0u; i < D; i++) { let e = ${X('i')} - consts[D * D + i]; acc = acc + e * (consts[i * D + i] * e); }
  return 0.5 * acc + ${f(s.c)};
}`;
      }
      return `fn grad(o: u32) {
  for (var i = 0u; i < D; i++) { var r = 0.0; for (var j = 0u; j < D; j++) { r = r + consts[i * D + j] * (${X('j')} - consts[D * D + j]); } g[i] = r; }
}
fn value(o: u32) -> f32 {
  var acc = 0.0;
  for (var i = 0u; i < D; i++) { var r = 0.0; for (var j = 0u; j < D; j++) { r = r + consts[i * D + j] * (${X('j')} - consts[D * D + j]); } acc = acc + (${X('i')} - consts[D * D + i]) * r; }
  return 0.5 * acc + ${f(s.c)};
}`;
  }
}

// Per-step covariance: the record's full centred cross-products of x (mloc = the record's means; lo…hi).
function perStepCovCodeOf(): string {
  return `  let cb = base + 3u + 2u * D;
  for (var i = 0u; i < D * D; i++) { aux[cb + i] = 0.0; }
  for (var b = lo; b < hi; b++) {
    if (tmeta[b] == 0u) { continue; }
    for (var i = 0u; i < D; i++) { for (var j = 0u; j < D; j++) { aux[cb + i * D + j] = aux[cb + i * D + j] + (x[i * st.n + b] - mloc[i]) * (x[j * st.n + b] - mloc[j]); } }
  }
`;
}

// After the last step (record r of lo…hi, n alive, mloc their means): full cross-products of x, then the update's
// mean and cross-products (same alive set).
function finalCodeOf(k: KernelSpec): string {
  return `    // After the last step: full cross-products of x, then the update's mean and cross-products (same alive set).
    let fb = st.finalOffset + r * ${finalSize(k.d)}u;
    for (var i = 0u; i < D * D; i++) { aux[fb + i] = 0.0; }
    for (var b = lo; b < hi; b++) {
      if (tmeta[b] == 0u) { continue; }
      for (var i = 0u; i < D; i++) { for (var j = 0u; j < D; j++) { aux[fb + i * D + j] = aux[fb + i * D + j] + (x[i * st.n + b] - mloc[i]) * (x[j * st.n + b] - mloc[j]); } }
    }
    let ub = fb + D * D;
    aux[ub] = f32(n);
    for (var i = 0u; i < D; i++) { mloc[i] = 0.0; }
    for (var b = lo; b < hi; b++) {
      if (tmeta[b] == 0u) { continue; }
      for (var i = 0u; i < D; i++) { mloc[i] = mloc[i] + aux[st.n + i * st.n + b]; }
    }
    for (var i = 0u; i < D; i++) { mloc[i] = mloc[i] / nf; aux[ub + 1u + i] = mloc[i]; }
    for (var i = 0u; i < D * D; i++) { aux[ub + 1u + D + i] = 0.0; }
    for (var b = lo; b < hi; b++) {
      if (tmeta[b] == 0u) { continue; }
      for (var i = 0u; i < D; i++) { for (var j = 0u; j < D; j++) {
        aux[ub + 1u + D + i * D + j] = aux[ub + 1u + D + i * D + j] + (aux[st.n + i * st.n + b] - mloc[i]) * (aux[st.n + j * st.n + b] - mloc[j]);
      } }
    }
`;
}

/**
 * Dimensions up to which the multi-step kernel exists. It is used on hardware GPUs only: on software rasterisers
 * (lavapipe, llvmpipe, SwiftShader) workgroups with barriers run as coroutines and it measured 2.4× slower than
 * one dispatch per step (lavapipe, 262,144 × 40 Rosenbrock: 2.3–2.6 s vs 1.0–1.1 s); on a GPU two dispatches per
 * step cost more than the whole budget of the 1e11 trajectory-steps/s goal.
 */
export const MULTI_STEP_MAX_D = 8;

/**
 * `runSteps`: one dispatch runs steps st.t … st.p1 − 1; after each step the workgroup (64 trajectories, one record)
 * reduces its statistics in workgroup memory — count, sums of x and of the loss, then centred squares — by a
 * pairwise tree (fixed order, so the same bits for any chunking); thread 0 writes the record, per-step and final
 * cross-products (serially, as \`reduce\` does). Records have the layout of \`reduce\`'s, at st.p2 + (r·wgs + w)·R.
 * The band of record r is table[st.p3 + r].x (−1 for none). Flag 8: also write record 0 before the first step.
 */
function multiStepCode(k: KernelSpec): string {
  const R = recordSize(k.d, k.perStepCov);
  return `
var<workgroup> wsum: array<f32, ${64 * (k.d + 1)}>;
var<workgroup> wn: array<u32, 64>;
var<private> mall: array<f32, ${k.d + 1}>;

fn treeReduce(l: u32) {
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (l < s) {
      wn[l] = wn[l] + wn[l + s];
      for (var q = 0u; q <= D; q++) { wsum[q * 64u + l] = wsum[q * 64u + l] + wsum[q * 64u + l + s]; }
    }
    workgroupBarrier();
  }
}

fn record(step: u32, b: u32, l: u32, r: u32, inRange: bool) {
  let alive = inRange && tmeta[b] != 0u;
  wn[l] = select(0u, 1u, alive);
  for (var q = 0u; q < D; q++) { var v = 0.0; if (alive) { v = x[q * st.n + b]; } wsum[q * 64u + l] = v; }
  var lv = 0.0;
  if (alive) { lv = aux[b]; }
  wsum[D * 64u + l] = lv;
  workgroupBarrier();
  treeReduce(l);
  let n = wn[0];
  let nf = f32(n);
  for (var q = 0u; q <= D; q++) { mall[q] = wsum[q * 64u] / max(nf, 1.0); }
  workgroupBarrier();
  wn[l] = 0u;
  for (var q = 0u; q < D; q++) { var v = 0.0; if (alive) { let dv = x[q * st.n + b] - mall[q]; v = dv * dv; } wsum[q * 64u + l] = v; }
  var l2v = 0.0;
  if (alive) { let dl = lv - mall[D]; l2v = dl * dl; }
  wsum[D * 64u + l] = l2v;
  workgroupBarrier();
  treeReduce(l);
  let band = bitcast<i32>(table[st.p3 + step].x);
  if (band >= 0 && alive) { atomicAdd(&counters[st.histOffset + ((b / st.slot) * st.bands + u32(band)) * BINS + histBin(lv)], 1u); }
  if (l == 0u) {
    let base = st.p2 + (step * (st.n / WGS) + r) * ${R}u;
    aux[base] = nf;
    if (n > 0u) {
      for (var q = 0u; q < D; q++) { mloc[q] = mall[q]; aux[base + 1u + q] = mall[q]; aux[base + 1u + D + q] = wsum[q * 64u]; }
      aux[base + 1u + 2u * D] = mall[D];
      aux[base + 2u + 2u * D] = wsum[D * 64u];
      let lo = r * WGS;
      let hi = lo + WGS;
${k.perStepCov ? perStepCovCodeOf() : ''}      if (step == st.T) {
${finalCodeOf(k)}      }
    }
  }
  workgroupBarrier();
}

@compute @workgroup_size(64)
fn runSteps(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let b = gid.x;
  let l = lid.x;
  let r = wid.x;
  let inRange = b < st.n;
  if ((st.flags & 8u) != 0u) { record(0u, b, l, r, inRange); }
  for (var t = st.t; t < st.p1; t++) {
    if (inRange && tmeta[b] != 0u) { advance(b, t); }
    storageBarrier();
    record(t + 1u, b, l, r, inRange);
    storageBarrier();
  }
}
`;
}

/** The module for a kernel; `multiStep` adds the `runSteps` entry (d ≤ MULTI_STEP_MAX_D only). */
export function kernelWgsl(k: KernelSpec, multiStep = false): string {
  const NS = stateSlots(k.rule);
  const opt = ruleWgsl(k.rule);
  const R = recordSize(k.d, k.perStepCov);
  const perStepCovCode = perStepCovCodeOf();
  const finalCode = finalCodeOf(k);
  return /* wgsl */ `
const D: u32 = ${k.d}u;
const CT: u32 = ${k.tablesAt}u;
const MS: u32 = ${maskSteps(k.d)}u;
const NS: u32 = ${NS}u;
const WGS: u32 = ${WG}u;
const R: u32 = ${R}u;
const BINS: u32 = ${HIST_BINS}u;

struct Step { t: u32, T: u32, flags: u32, band: i32, limit: f32, n: u32, slot: u32, partialOffset: u32, histOffset: u32, finalOffset: u32, bands: u32, cellSteps: u32, p1: u32, p2: u32, p3: u32, p4: u32 };
// table: per unit (a run of trajectories of one cell in a slot of st.slot threads) two entries
// (cell, first trajectory, count, key0) (key1, 0, 0, 0); from st.cellSteps on, per cell and step (lr bits, skip threshold, 0, 0).
struct Rate { thr: u32, invq: f32, sigma: f32, zero: u32 };

@group(0) @binding(0) var<uniform> st: Step;
@group(0) @binding(1) var<storage, read> rates: array<Rate>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> tmeta: array<u32>;
@group(0) @binding(5) var<storage, read_write> aux: array<f32>;
@group(0) @binding(6) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(7) var<storage, read> consts: array<f32>;
@group(0) @binding(8) var<storage, read> table: array<vec4<u32>>;

var<private> g: array<f32, ${k.d}>;
// The mask block of counter step maskFor − 1 (0: none yet), for d ≤ 4 (see advance).
var<private> maskWords: vec4<u32>;
var<private> maskFor: u32;

${PHILOX_WGSL}

// DropGrad's decision for half f of the mask block \`words\` at counter step c (src/rng/keyed.ts): kept iff
// H·2¹⁶ + R ≥ thr, where R (the refine stream's half) is computed only when H equals thr's high half.
fn halfOf(words: vec4<u32>, j: u32) -> u32 { return (words[j >> 1u] >> ((j & 1u) * 16u)) & 0xffffu; }
fn kept(words: vec4<u32>, f: u32, c: u32, traj: u32, key: vec2<u32>, thr: u32) -> bool {
  let h = halfOf(words, f & 7u);
  if (h != (thr >> 16u)) { return h > (thr >> 16u); }
  return halfOf(philox(vec4<u32>(f >> 3u, c, traj, ${STREAM_REFINE}u), key), f & 7u) >= (thr & 0xffffu);
}
${surfaceCode(k.surface)}

fn finite(v: f32) -> bool { return v == v && abs(v) <= 3.4028234e38; }

// The bin of histogram.ts binOf from the f32 loss's bits (exponent and top mantissa bits).
fn histBin(l: f32) -> u32 {
  let bits = bitcast<u32>(l);
  let key = i32((bits & 0x7fffffffu) >> ${KEY_SHIFT_F32}u) - ${KEY_MIN_F32};
  if (key < 0) { return ${SIDE}u; }
  let kk = u32(min(key, ${SIDE - 1}));
  if ((bits >> 31u) == 0u) { return ${SIDE + 1}u + kk; }
  return ${SIDE - 1}u - kk;
}

@compute @workgroup_size(WGS)
fn step(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= st.n) { return; }
  if (tmeta[b] == 0u) { return; }
  advance(b, st.t);
}

// Step t of trajectory b (alive): gradient, DropGrad, optimizer, new point, loss, divergence.
fn advance(b: u32, t: u32) {
  let ua = table[2u * (b / st.slot)];
  let ub = table[2u * (b / st.slot) + 1u];
  let cell = ua.x;
  let traj = ua.y + b % st.slot;
  let key = vec2<u32>(ua.w, ub.x);
  let csr = table[st.cellSteps + cell * st.T + t];
  let lr = bitcast<f32>(csr.x);
  let skipThr = csr.y;
  let isLast = t + 1u == st.T;
  if (skipThr != 0u) {
    let w = philox(vec4<u32>(0u, t, traj, ${STREAM_SKIP}u), key).x;
    if (w < skipThr) {
      if (isLast) { for (var i = 0u; i < D; i++) { aux[st.n + i * st.n + b] = 0.0; } }
      return;
    }
  }
  grad(b);
  var words = vec4<u32>(0u);
  for (var i = 0u; i < D; i++) {
    let rt = rates[(cell * st.T + t) * D + i];
    ${k.gaussian
      ? `// Box–Muller pairs (src/rng/keyed.ts normal): coordinates 2m, 2m + 1 take R cos θ, R sin θ of words
    // 2(m mod 2), 2(m mod 2) + 1 of block ⌊m/2⌋ = ⌊i/4⌋.
    if ((i & 3u) == 0u) { words = philox(vec4<u32>(i >> 2u, t, traj, ${STREAM_NORMAL}u), key); }
    if (rt.zero == 0u) {
      let j = i & 2u;
      let u1 = (f32(words[j]) + 1.0) * 2.3283064365386963e-10;
      let theta = 6.283185307179586 * (f32(words[j + 1u]) * 2.3283064365386963e-10);
      let z = sqrt(-2.0 * log(u1)) * select(cos(theta), sin(theta), (i & 1u) == 1u);
      g[i] = g[i] * (1.0 + rt.sigma * z);
    }`
      : `// Mask halves (src/rng/keyed.ts): counter step t / MS, half f = (t % MS)·D + i.
    let f = (t % MS) * D + i;
    ${maskSteps(k.d) > 1
      ? `// One block serves MS steps (d ≤ 4): computed once per counter step and kept in this invocation, so the
    // multi-step kernel does one Philox per MS steps; a fresh invocation (one dispatch per step) computes it.
    if (i == 0u) {
      if (maskFor != t / MS + 1u) { maskWords = philox(vec4<u32>(0u, t / MS, traj, ${STREAM_MASK}u), key); maskFor = t / MS + 1u; }
      words = maskWords;
    }`
      : `if (i == 0u || (f & 7u) == 0u) { words = philox(vec4<u32>(f >> 3u, t / MS, traj, ${STREAM_MASK}u), key); }`}
    if (rt.zero == 0u) { if (kept(words, f, t / MS, traj, key, rt.thr)) { g[i] = g[i] * rt.invq; } else { g[i] = 0.0; } }`}
  }
  ${opt.pre}
  var ok = true;
  for (var i = 0u; i < D; i++) {
    var gi = g[i];
    ${opt.body}
    let s = -lr * u;
    if (isLast) { aux[st.n + i * st.n + b] = s; }
    let nx = x[i * st.n + b] + s;
    x[i * st.n + b] = nx;
    if (!finite(nx)) { ok = false; }
  }
  let l = value(b);
  if (!ok || !finite(l) || l > st.limit) {
    tmeta[b] = 0u;
    atomicAdd(&counters[(b / st.slot) * (st.T + 1u) + t + 1u], 1u);
    return;
  }
  aux[b] = l;
}

var<private> mloc: array<f32, ${k.d}>;

// One invocation per record: the ${WG} trajectories [r·${WG}, (r + 1)·${WG}) of this step, two passes, no barriers.
@compute @workgroup_size(64)
fn reduce(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r * WGS >= st.n) { return; }
  let lo = r * WGS;
  let hi = lo + WGS;
  let base = st.partialOffset + r * R;
  var n = 0u;
  var lm = 0.0;
  for (var i = 0u; i < D; i++) { mloc[i] = 0.0; }
  for (var b = lo; b < hi; b++) {
    if (tmeta[b] == 0u) { continue; }
    n = n + 1u;
    for (var i = 0u; i < D; i++) { mloc[i] = mloc[i] + x[i * st.n + b]; }
    lm = lm + aux[b];
  }
  aux[base] = f32(n);
  if (n == 0u) { return; }
  let nf = f32(n);
  lm = lm / nf;
  for (var i = 0u; i < D; i++) { mloc[i] = mloc[i] / nf; aux[base + 1u + i] = mloc[i]; aux[base + 1u + D + i] = 0.0; }
  var l2 = 0.0;
  for (var b = lo; b < hi; b++) {
    if (tmeta[b] == 0u) { continue; }
    for (var i = 0u; i < D; i++) { let dv = x[i * st.n + b] - mloc[i]; aux[base + 1u + D + i] = aux[base + 1u + D + i] + dv * dv; }
    let dl = aux[b] - lm;
    l2 = l2 + dl * dl;
    if (st.band >= 0) { atomicAdd(&counters[st.histOffset + ((b / st.slot) * st.bands + u32(st.band)) * BINS + histBin(aux[b])], 1u); }
  }
  aux[base + 1u + 2u * D] = lm;
  aux[base + 2u + 2u * D] = l2;
${k.perStepCov ? perStepCovCode : ''}  if ((st.flags & 4u) != 0u) {
${finalCode}  }
}
${foldCode(k)}
${multiStep && k.d <= MULTI_STEP_MAX_D ? multiStepCode(k) : ''}
`;
}

/**
 * Floats of a cell's folded statistics: (T + 1) step records, the final record, then the counts (of each step's
 * record, then of the update) as two f32 halves (n mod 2¹⁶, ⌊n/2¹⁶⌋), exact for any n.
 */
export const foldSize = (d: number, T: number, perStepCov = false) => (T + 1) * recordSize(d, perStepCov) + finalSize(d) + 2 * (T + 2);

/**
 * \`fold\`, the second-level reduction, after a plan's last step: invocation (cell li, step r) merges the cell's
 * workgroup records of step r, in workgroup order, into one (Chan et al.: the host's mergeMoments, in f32), starting
 * from the state carried from the plan before when the cell began there; invocation r = T also folds the final
 * records (cross-products of x with step T's means, the update's moments). So the host reads O(cells × steps)
 * numbers instead of O(workgroups × steps), and, the order being the cell's workgroups' whatever the cutting into
 * units and plans, the bits do not depend on chunking or batching.
 * Uniforms: st.partialOffset the records, st.finalOffset the final records, st.p1 the plan's cells, table[st.p2 + li]
 * = (first workgroup, end, carried, 0), st.p3 the output in aux (cell li at li·foldSize, the count n as u32 bits),
 * st.p4 the carried state in consts (same layout).
 */
function foldCode(k: KernelSpec): string {
  const F = finalSize(k.d);
  const cov = k.perStepCov
    ? `for (var i = 0u; i < D; i++) { for (var j = 0u; j < D; j++) { let q = 3u + 2u * D + i * D + j; aux[o + q] = aux[o + q] + aux[b + q] + fd[i] * fd[j] * f; } }`
    : '';
  return /* wgsl */ `
var<private> fd: array<f32, ${k.d}>;
var<private> fu: array<f32, ${k.d}>;

@compute @workgroup_size(64)
fn fold(@builtin(global_invocation_id) gid: vec3<u32>) {
  let steps = st.T + 1u;
  if (gid.x >= st.p1 * steps) { return; }
  let li = gid.x / steps;
  let r = gid.x % steps;
  let wgs = st.n / WGS;
  let cw = table[st.p2 + li];
  let size = steps * R + ${F}u + 2u * (steps + 1u);
  let cellBase = st.p3 + li * size;
  let o = cellBase + r * R;
  let fo = cellBase + steps * R;
  let cb = fo + ${F}u;
  let isFinal = r == st.T;
  var n = 0u;
  var un = 0u;
  if (cw.z != 0u) {
    let c = st.p4 + r * R;
    let cc = st.p4 + steps * R + ${F}u;
    n = u32(consts[cc + 2u * r]) + (u32(consts[cc + 2u * r + 1u]) << 16u);
    for (var q = 1u; q < R; q++) { aux[o + q] = consts[c + q]; }
    if (isFinal) {
      let cf = st.p4 + steps * R;
      for (var q = 0u; q < ${F}u; q++) { aux[fo + q] = consts[cf + q]; }
      un = u32(consts[cc + 2u * steps]) + (u32(consts[cc + 2u * steps + 1u]) << 16u);
    }
  }
  for (var w = cw.x; w < cw.y; w++) {
    let b = st.partialOffset + (r * wgs + w) * R;
    let fb = st.finalOffset + w * ${F}u;
    let nb = u32(aux[b]);
    if (nb == 0u) { continue; }
    if (n == 0u) {
      for (var q = 1u; q < R; q++) { aux[o + q] = aux[b + q]; }
      if (isFinal) { for (var q = 0u; q < D * D; q++) { aux[fo + q] = aux[fb + q]; } }
    } else {
      let nt = n + nb;
      let f = f32(n) * f32(nb) / f32(nt);
      for (var i = 0u; i < D; i++) { fd[i] = aux[b + 1u + i] - aux[o + 1u + i]; }
      let dl = aux[b + 1u + 2u * D] - aux[o + 1u + 2u * D];
      for (var i = 0u; i < D; i++) {
        aux[o + 1u + D + i] = aux[o + 1u + D + i] + aux[b + 1u + D + i] + fd[i] * fd[i] * f;
        aux[o + 1u + i] = aux[o + 1u + i] + fd[i] * f32(nb) / f32(nt);
      }
      aux[o + 2u + 2u * D] = aux[o + 2u + 2u * D] + aux[b + 2u + 2u * D] + dl * dl * f;
      aux[o + 1u + 2u * D] = aux[o + 1u + 2u * D] + dl * f32(nb) / f32(nt);
      ${cov}
      if (isFinal) { for (var i = 0u; i < D; i++) { for (var j = 0u; j < D; j++) { aux[fo + i * D + j] = aux[fo + i * D + j] + aux[fb + i * D + j] + fd[i] * fd[j] * f; } } }
    }
    n = n + nb;
    if (isFinal) {
      // The update's moments (count, mean, cross-products) after the last step.
      let ub = fb + D * D;
      let uo = fo + D * D;
      let unb = u32(aux[ub]);
      if (unb > 0u) {
        if (un == 0u) {
          for (var q = 1u; q <= D + D * D; q++) { aux[uo + q] = aux[ub + q]; }
        } else {
          let ut = un + unb;
          let uf = f32(un) * f32(unb) / f32(ut);
          for (var i = 0u; i < D; i++) { fu[i] = aux[ub + 1u + i] - aux[uo + 1u + i]; }
          for (var i = 0u; i < D; i++) { for (var j = 0u; j < D; j++) { let q = 1u + D + i * D + j; aux[uo + q] = aux[uo + q] + aux[ub + q] + fu[i] * fu[j] * uf; } }
          for (var i = 0u; i < D; i++) { aux[uo + 1u + i] = aux[uo + 1u + i] + fu[i] * f32(unb) / f32(ut); }
        }
        un = un + unb;
      }
    }
  }
  aux[o] = f32(n);
  aux[cb + 2u * r] = f32(n & 0xffffu);
  aux[cb + 2u * r + 1u] = f32(n >> 16u);
  if (isFinal) {
    aux[fo + D * D] = f32(un);
    aux[cb + 2u * steps] = f32(un & 0xffffu);
    aux[cb + 2u * steps + 1u] = f32(un >> 16u);
  }
}
`;
}
