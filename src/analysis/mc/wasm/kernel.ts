/**
 * WebAssembly (SIMD) build of the fused kernels. One module per variant (surface, optimizer and its constants)
 * runs whole stretches of steps of a block without returning: Philox over four trajectories per vector (keep masks
 * straight from its 16-bit halves, philox.wat.ts), the
 * step vectorised over two trajectories per f64x2 (step.wat.ts), the per-step statistics (record.wat.ts), and a
 * return to JavaScript only after steps that need it (kept paths, covariances). WAT is
 * assembled by wabt (the WebAssembly Binary Toolkit) once per variant and machine (cache.ts); until `prepareWasm()` has
 * resolved, the JavaScript kernel runs. Both give the same bits (test/analysis/engine.test.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { STREAM_NORMAL, STREAM_SKIP, maskSteps } from '../../../rng/keyed.ts';
import { type FastJob, value } from '../kernels.ts';
import type { BlockRecorder } from '../stats.ts';
import { PHILOX_WAT } from '../../../rng/philox.wat.ts';
import { recordWat } from './record.wat.ts';
import { HIST_WAT } from './hist.wat.ts';
import type { BandHolder, BandSink } from '../bands.ts';
import { HIST_BINS, packBands } from '../histogram.ts';
import { foldWat } from './fold.ts';
import { BLOCK_SIZE } from '../spec.ts';
import { FIXED_MAX_D, type StepVariant, programCalls, stepWat, verdictQuad } from './step.wat.ts';
import { mathHelpers, mathImportObject, mathImports } from './graph.wat.ts';
import { cachedBinary } from './cache.ts';
import { lazy } from '../../../lazy.ts';

interface Wabt {
  parseWat(name: string, text: string, features?: Record<string, boolean>): { toBinary(o: object): { buffer: Uint8Array<ArrayBuffer> }; destroy(): void };
}

let wabt: Wabt | null = null;
/** The assembler's name and version, part of each cached kernel's key (cache.ts). */
let assembler = '';
let loading: Promise<void> | null = null;
const kernels = new Map<string, Kernel>();

/** Loads the assembler (once). Resolves false when WebAssembly SIMD or wabt is unavailable. */
export function prepareWasm(): Promise<boolean> {
  if (process.env.DROPGRAD_NO_WASM) return Promise.resolve(false);
  loading ??= (async () => {
    try {
      // Compile WebAssembly with the optimising tier directly: the kernels are few, long-running calls, which
      // V8's dynamic tier-up (no on-stack replacement for wasm) reaches late; measured 1.1e7 vs 1.5e7 steps/s.
      setFlagsFromString('--no-liftoff');
      const factory = lazy<() => Promise<Wabt>>('wabt')();
      assembler = `wabt@${lazy<{ version: string }>('wabt/package.json')().version}`;
      wabt = await factory();
    } catch {
      wabt = null;
    }
  })();
  return loading.then(() => wabt !== null);
}

/** Whether the WebAssembly kernels run here: the assembler is loaded, or a thread handed this one its kernel (adoptKernel). */
export const wasmReady = () => (wabt !== null || adopted) && !process.env.DROPGRAD_NO_WASM;

/** A kernel compiled in one thread, for another to instantiate without assembling or compiling it again. */
export interface SharedKernel {
  key: string;
  module: WebAssembly.Module;
}

let adopted = false;
const modules = new Map<string, WebAssembly.Module>();

const keyOf = (v: StepVariant) => JSON.stringify({ ...v, rule: v.rule.key, program: v.program?.key, windowSum: v.windowSum?.key, rowSum: v.rowSum?.key, coordSum: v.coordSum?.key });

/**
 * The compiled kernel of a fused problem, for the pool's workers: V8 shares a WebAssembly.Module's compiled code
 * between threads, so a worker that adopts it neither assembles (wabt) nor compiles (about 16 ms for a 2-D kernel
 * with the optimising tier) and is ready for its first block at once. Compiles it here when needed.
 */
export function shareKernel(fast: Pick<FastJob, 'surface' | 'rule' | 'gaussian'>, skips: boolean): SharedKernel {
  const v = variantOf({ ...fast, skips } as FastJob);
  kernelFor(v);
  const key = keyOf(v);
  return { key, module: modules.get(key)! };
}

/** Instantiates a kernel another thread compiled (shareKernel); the same bits, as the module is the same. */
export function adoptKernel(k: SharedKernel): void {
  adopted = true;
  if (kernels.has(k.key)) return;
  modules.set(k.key, k.module);
  kernels.set(k.key, instantiate(k.module));
}

/**
 * Byte offsets of the arrays in memory. Rows (one coordinate of the block's trajectories) are ROW = 8·ROW_LANES
 * bytes apart whatever the block's size, and the per-step tables hold a whole chunk, so the arrays up to the band
 * histograms are placed by the kernel's variant and d alone: kernels generated per d address them with
 * constant offsets (fold.ts). The band histograms follow, so that their place depends on the variant and d only:
 * they accumulate over all of a job's blocks (see `takeOver`); the rule's count tables (O(T), e.g. Adam's bias
 * corrections) come last. S0… are the rule's state rows, CV0… its count values per lane (with full-update drop).
 */
const ARRAYS = [
  'X', 'S0', 'S1', 'S2', 'S3', 'G', 'E', 'LAST', 'ACC', 'ALIVE', 'ACT', 'FIRST', 'CNT', 'LOSS', 'CV0', 'CV1', 'CV2', 'CV3', 'ALIVE8', 'WORDS', 'SKIPW',
  'NORMW', 'MULT', 'HD', 'XS', 'H', 'PIN', 'NALIVE', 'TRASH', 'RSCR', 'ETA', 'THR', 'QT', 'SIG', 'SKT', 'FLAG', 'ON', 'OMEAN', 'OM2', 'OLM', 'OL2', 'ODIV', 'COV', 'MEANV',
  'HIST', 'HLO', 'HHI', 'CT0', 'CT1', 'CT2', 'CT3', 'DATA',
] as const;
type ArrayName = (typeof ARRAYS)[number];
/** The arrays placed by the variant and d alone. */
const PLACED = ARRAYS.slice(0, ARRAYS.indexOf('HIST'));
/** Lanes per row: a whole block, rounded up to Philox's eight trajectories per iteration. */
const ROW_LANES = (BLOCK_SIZE + 7) & ~7;
/** Integer parameters of a block (ROWN: the bytes of each row the block's lanes use). */
const INTS = ['ROW', 'ROWN', 'd', 'Bp', 'NBLK', 'MS', 'FIRSTTRAJ', 'K0', 'K1', 'T', 'USESKIP', 'NROWS'] as const;
const F64S = ['qc', 'limit'] as const;

function variantOf(job: FastJob): StepVariant {
  const s = job.surface;
  return {
    surface: s.kind === 'quadratic' ? (s.diag ? 'diagonal' : 'quadratic') : s.kind,
    program: s.kind === 'program' ? s.program : null,
    windowSum: s.kind === 'windowSum' ? s.windowSum : null,
    rowSum: s.kind === 'rows' ? s.rowSum : null,
    coordSum: s.kind === 'coordSum' ? s.coordSum : null,
    rule: job.rule,
    // Row and coordinate sums run the kernel for any d (loops; a row sum's cost is its data, not d).
    fixedD: s.d <= FIXED_MAX_D && s.kind !== 'rows' && s.kind !== 'coordSum' ? s.d : null,
    skips: job.skips,
    gaussian: job.gaussian,
  };
}

/**
 * Reads each global once into a local at function entry: V8 reloads a mutable global on every access, and the
 * offsets never change during a call (measured: the update pass ran about 2× faster after this).
 */
function hoistGlobals(text: string): string {
  return text
    .split(/\n(?=\s*\(func )/)
    .map(hoistOne)
    .join('\n');
}

function hoistOne(func: string): string {
  if (!/^\s*\(func /m.test(func)) return func;
  const used = [...new Set([...func.matchAll(/\(global\.get \$(\w+)\)/g)].map((m) => m[1]))];
  if (used.length === 0) return func;
  const f64 = new Set<string>(F64S);
  const decl = used.map((g) => `(local $g_${g} ${f64.has(g) ? 'f64' : 'i32'})`).join(' ');
  const init = used.map((g) => `(local.set $g_${g} (global.get $${g}))`).join('\n    ');
  const lines = func.replace(/\(global\.get \$(\w+)\)/g, '(local.get $g_$1)').split('\n');
  const header = lines.findIndex((l) => l.trim().startsWith('(func '));
  let k = header + 1;
  while (k < lines.length && lines[k].trim().startsWith('(local ')) k++;
  lines.splice(k, 0, `    ${decl}`, `    ${init}`);
  return lines.join('\n');
}

/** The driver: steps t0 … t1 − 1 (output slot t − base holds the statistics of x_{t+1}; tables are per slot). */
function runWat(v: StepVariant): string {
  // A program's $value leaves the gradient at the new X in G (step.wat.ts): $grad runs at a block's first step.
  const grad = v.surface === 'diagonal' ? '' : v.surface === 'program' || v.surface === 'rows' || v.surface === 'coordSum' ? '(if (i32.eqz (local.get $t)) (then (call $grad)))' : '(call $grad)';
  return `
  (func $run (param $t0 i32) (param $t1 i32) (param $base i32)
    (local $t i32) (local $slot i32) (local $flag i32) (local $phase i32) (local $prev i32)
    (local.set $t (local.get $t0))
    (block $done (loop $steps
      (br_if $done (i32.ge_u (local.get $t) (local.get $t1)))
      (local.set $slot (i32.sub (local.get $t) (local.get $base)))
      ;; Keep masks (src/rng/keyed.ts): MS steps share counter step t / MS, computed at the first of them, with the
      ;; thresholds of those steps (THR holds a whole chunk, and chunks start at multiples of MS). WORDS keeps
      ;; them between calls: a block starts at t = 0, and JavaScript never writes WORDS during a block.
      (local.set $phase (i32.rem_u (local.get $t) (global.get $MS)))
      ${
        v.gaussian
          ? `;; Gaussian DropGrad: this step's normal words (counter (⌊i/4⌋, t, trajectory, normal stream)), then the multipliers.
      (call $philoxPass (global.get $Bp) (i32.shr_u (i32.add (global.get $d) (i32.const 3)) (i32.const 2)) (local.get $t) (global.get $FIRSTTRAJ)
        (i32.const ${STREAM_NORMAL}) (global.get $K0) (global.get $K1) (global.get $NORMW) (i32.shr_u (global.get $ROW) (i32.const 1)))
      (call $normalPass (local.get $slot))`
          : `(if (i32.eqz (local.get $phase)) (then
        (call $maskPass (global.get $Bp) (global.get $NBLK) (i32.div_u (local.get $t) (global.get $MS)) (global.get $FIRSTTRAJ)
          (global.get $K0) (global.get $K1) (global.get $WORDS) (i32.shr_u (global.get $ROW) (i32.const 1))
          (i32.add (global.get $THR) (i32.shl (i32.mul (local.get $slot) (global.get $d)) (i32.const 2))))))`
      }
      (if (global.get $USESKIP) (then
        (call $philoxPass (global.get $Bp) (i32.const 1) (local.get $t) (global.get $FIRSTTRAJ) (i32.const ${STREAM_SKIP})
          (global.get $K0) (global.get $K1) (global.get $SKIPW) (i32.shr_u (global.get $ROW) (i32.const 1)))))
      ${v.skips ? '(call $prep (local.get $slot))' : ''}
      ${grad}
      ;; prev: the previous step's slot, whose centred sums this step completes (record.wat.ts), or −1 on the first
      ;; step of this call (the previous call's last step completed its own).
      (local.set $prev (select (i32.sub (local.get $slot) (i32.const 1)) (i32.const -1) (i32.gt_u (local.get $t) (local.get $t0))))
      (call $update (local.get $slot) (i32.eq (local.get $t) (i32.sub (global.get $T) (i32.const 1)))
        (i32.add (global.get $WORDS) (i32.mul (i32.mul (local.get $phase) (global.get $d)) (i32.shr_u (global.get $ROW) (i32.const 1))))
        (local.get $t) (local.get $prev))
      (local.set $flag (i32.load (i32.add (global.get $FLAG) (i32.shl (local.get $slot) (i32.const 2)))))
      ${
        verdictQuad(v)
          ? `(i32.store (i32.add (global.get $ODIV) (i32.shl (local.get $slot) (i32.const 2)))
        (call $valueRecord (local.get $slot) (i32.and (local.get $flag) (i32.const 2)) (local.get $prev)
          (i32.eq (local.get $t) (i32.sub (local.get $t1) (i32.const 1)))))`
          : `(i32.store (i32.add (global.get $ODIV) (i32.shl (local.get $slot) (i32.const 2))) (call $value (local.get $slot)))
      (call $record (local.get $slot) (i32.and (local.get $flag) (i32.const 2)))`
      }
      (if (i32.and (local.get $flag) (i32.const 4)) (then (call $hist (i32.shr_u (local.get $flag) (i32.const 8)))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $steps))))
`;
}

interface Kernel {
  ex: Exports;
  /** The job whose band counts the histogram area holds, how many bands it has, and where the area starts. */
  owner: BandSink | null;
  bands: number;
  histAt: number;
  /** Bytes at the start of the histogram area known to be zero outside the owner's touched ranges. */
  clean: number;
  holder: BandHolder;
}

const align16 = (bytes: number) => (bytes + 15) & ~15;

/** Steps per call of $run: the per-step tables and outputs are O(chunk · d). */
const chunkSteps = (d: number) => Math.max(1, Math.min(1024, Math.floor(65536 / d)));

/** Memory layout (bytes, 16-aligned) of a block of variant v in dimension d with `bands` bands and T = steps. */
function layout(v: StepVariant, d: number, bands: number, steps: number) {
  const data = v.rowSum ? (v.rowSum.X.length + v.rowSum.y.length) * 8 : 0; // a row sum's design and targets
  const row = ROW_LANES * 8;
  const C = chunkSteps(d);
  const ns = v.rule.stateNames.length;
  const nc = v.rule.countNames.length;
  const skips = v.skips ? row : 0; // who moves and the optimizer counters: only with full-update drop (step.wat.ts)
  const state = (k: number) => (k < ns ? row * d : 0);
  const perLane = (k: number) => (k < nc ? skips : 0);
  const table = (k: number) => (k < nc ? (steps + 2) * 8 : 0);
  const nblk = (maskSteps(d) * d + 7) >> 3; // Philox blocks per counter step of mask halves
  const sizes: Record<ArrayName, number> = {
    X: row * d, S0: state(0), S1: state(1), S2: state(2), S3: state(3), G: v.surface === 'diagonal' ? 0 : row * d,
    E: v.surface === 'quadratic' ? row * d : 0, LAST: row * d,
    ACC: row, ALIVE: row, LOSS: row, ALIVE8: ROW_LANES,
    ACT: skips, FIRST: skips, CNT: skips, CV0: perLane(0), CV1: perLane(1), CV2: perLane(2), CV3: perLane(3),
    WORDS: v.gaussian ? 0 : 8 * nblk * ROW_LANES * 4, SKIPW: 4 * ROW_LANES * 4,
    // Gaussian DropGrad: the step's normal words (four u32 rows per block of four coordinates) and multipliers
    // (an even number of rows, normal.wat.ts).
    NORMW: v.gaussian ? 4 * ((d + 3) >> 2) * ROW_LANES * 4 : 0, MULT: v.gaussian ? row * 2 * ((d + 1) >> 1) : 0, SIG: v.gaussian ? C * d * 8 : 0,
    HD: d * 8, XS: d * 8, H: v.surface === 'quadratic' ? d * d * 8 : 0, PIN: 16, NALIVE: 16, TRASH: 16, RSCR: 2 * 4 * nblk * 32,
    ETA: C * 8, THR: C * d * 4, QT: C * d * 8, SKT: C * 8, FLAG: C * 4,
    ON: C * 8, OMEAN: C * d * 8, OM2: C * d * 8, OLM: C * 8, OL2: C * 8, ODIV: C * 4, COV: d * d * 8, MEANV: d * 8,
    HIST: bands * HIST_BINS * 4, HLO: bands * 4, HHI: bands * 4,
    CT0: table(0), CT1: table(1), CT2: table(2), CT3: table(3), DATA: data,
  };
  const off = {} as Record<ArrayName, number>;
  let top = 16;
  for (const a of ARRAYS) {
    off[a] = top;
    top += align16(sizes[a]);
  }
  return { sizes, off, top, row, C, nblk };
}

/** Histogram area of a kernel with `bands` bands at `at`: counts, then per band the touched range [lo, hi). */
function histViews(k: Kernel, bands: number, at: number) {
  const buf = k.ex.mem.buffer;
  const n = bands * HIST_BINS;
  const lo = at + align16(4 * n); // the layout: HIST, HLO, HHI
  return { hist: new Uint32Array(buf, at, n), lo: new Int32Array(buf, lo, bands), hi: new Int32Array(buf, lo + align16(4 * bands), bands) };
}

/**
 * Makes `sink` the owner of the kernel's histogram area, at byte `at` (a no-op when it already is): the previous
 * owner takes its counts first, then the area is cleared where needed and its ranges reset. Call before the block
 * writes to memory (a new layout may overlap the previous owner's area).
 */
function takeOver(k: Kernel, sink: BandSink, at: number): void {
  if (k.owner === sink) return;
  k.owner?.release(k.holder);
  if (at !== k.histAt) k.clean = 0;
  const v = histViews(k, sink.bands, at);
  if (4 * v.hist.length > k.clean) v.hist.fill(0);
  k.clean = 4 * v.hist.length;
  v.lo.fill(HIST_BINS);
  v.hi.fill(0);
  k.owner = sink;
  k.bands = sink.bands;
  k.histAt = at;
  sink.hold(k.holder);
}

/**
 * A kernel generated per d places its arrays at constant offsets: their globals, ROW and d become constants
 * (then folded into the loads' and stores' offsets by foldWat, before the remaining globals are hoisted).
 */
function placeConstants(v: StepVariant, text: string): string {
  if (v.fixedD === null) return text;
  const { off, row } = layout(v, v.fixedD, 0, 0);
  const constants = new Map<string, number>([...PLACED.map((a) => [a, off[a]] as const), ['ROW', row], ['d', v.fixedD]]);
  return text.replace(/\(global\.get \$(\w+)\)/g, (m, name: string) => (constants.has(name) ? `(i32.const ${constants.get(name)})` : m));
}

/** WAT text → binary (wabt; the text is folded first, see fold.ts). */
function assemble(text: string): Uint8Array<ArrayBuffer> {
  const parsed = wabt!.parseWat('kernel.wat', foldWat(text), { simd: true, mutable_globals: true });
  try {
    return parsed.toBinary({ write_debug_names: true }).buffer;
  } finally {
    parsed.destroy();
  }
}

function kernelFor(v: StepVariant): Kernel {
  const key = keyOf(v);
  const hit = kernels.get(key);
  if (hit) return hit;
  const calls = programCalls(v);
  const text = `(module
  ${mathImports(calls)}
  (memory (export "mem") 1)
  ${[...ARRAYS, ...INTS].map((g) => `(global $${g} (export "${g}") (mut i32) (i32.const 0))`).join('\n  ')}
  ${F64S.map((g) => `(global $${g} (export "${g}") (mut f64) (f64.const 0))`).join('\n  ')}
  ${PHILOX_WAT}
  ${mathHelpers(calls)}
  ${[...stepWat(v), recordWat(v.fixedD, verdictQuad(v)), HIST_WAT, runWat(v)].map((f) => hoistGlobals(placeConstants(v, f))).join('\n')}
  (export "record" (func $record))
  (export "hist" (func $hist))
  (export "recordUpdate" (func $recordUpdate))
  (export "run" (func $run)))`;
  if (!wabt) throw new Error('the WebAssembly assembler is not loaded (await prepareWasm() first)');
  const mod = new WebAssembly.Module(cachedBinary(assembler, text, assemble));
  modules.set(key, mod);
  const k = instantiate(mod);
  kernels.set(key, k);
  return k;
}

function instantiate(mod: WebAssembly.Module): Kernel {
  const k: Kernel = {
    ex: new WebAssembly.Instance(mod, mathImportObject()).exports as unknown as Exports,
    owner: null,
    bands: 0,
    histAt: 0,
    clean: 0,
    holder: {
      drain: () => {
        const v = histViews(k, k.bands, k.histAt);
        const packed = packBands(v.hist, v.lo, v.hi);
        v.lo.fill(HIST_BINS);
        v.hi.fill(0);
        k.owner = null;
        return packed;
      },
    },
  };
  return k;
}

interface Exports {
  mem: WebAssembly.Memory;
  record(slot: number, withCov: number): void;
  run(t0: number, t1: number, base: number): void;
  hist(band: number): void;
  recordUpdate(): number;
  [g: string]: unknown;
}

/** Runs a fused job in WebAssembly; same contract and results as `runFastBlock`. */
export function runWasmBlock(job: FastJob, rec: BlockRecorder): void {
  const { surface, x0, steps, seed, first, B, tables } = job;
  const d = surface.d;
  const Bp = (B + 7) & ~7; // Philox runs eight trajectories per iteration
  const ms = maskSteps(d);
  const variant = variantOf(job);
  const kernel = kernelFor(variant);
  const ex = kernel.ex;
  const { sizes, off, top, row, nblk } = layout(variant, d, rec.stats.bandSteps.length, steps);
  const C = Math.min(chunkSteps(d), Math.max(1, steps));
  const pages = Math.ceil(top / 65536);
  const have = ex.mem.buffer.byteLength / 65536;
  if (pages > have) ex.mem.grow(pages - have);
  for (const a of ARRAYS) (ex[a] as WebAssembly.Global).value = off[a];
  const ints: Record<(typeof INTS)[number], number> = {
    ROW: row, ROWN: Bp * 8, d, Bp, NBLK: nblk, MS: ms, FIRSTTRAJ: first, K0: seed >>> 0, K1: Math.floor(seed / 4294967296) >>> 0, T: steps, USESKIP: 0,
    NROWS: surface.kind === 'rows' ? surface.rowSum.rows : 0,
  };
  for (const k of INTS) (ex[k] as WebAssembly.Global).value = ints[k] | 0;
  (ex.limit as WebAssembly.Global).value = job.divergenceLoss;
  const buf = ex.mem.buffer;
  const f64 = (a: ArrayName, n = sizes[a] / 8) => new Float64Array(buf, off[a], n);
  const i32 = (a: ArrayName, n = sizes[a] / 4) => new Int32Array(buf, off[a], n);
  const X = f64('X');
  const LOSS = f64('LOSS');
  const alive = new Uint8Array(buf, off.ALIVE8, Bp);
  // The band counts stay in the histogram area across the job's blocks; the sink packs them once.
  takeOver(kernel, rec.sink, off.HIST);
  const aliveMask = i32('ALIVE');
  if (surface.kind === 'rows') {
    const data = f64('DATA');
    data.set(surface.rowSum.X);
    data.set(surface.rowSum.y, surface.rowSum.X.length);
  } else if (surface.kind === 'quadratic') {
    (ex.qc as WebAssembly.Global).value = surface.c;
    f64('XS').set(surface.xStar);
    if (surface.diag) {
      const hd = f64('HD');
      for (let i = 0; i < d; i++) hd[i] = surface.H[i * d + i];
    } else f64('H').set(surface.H);
  }
  // The rule's count tables at counts 0 … T + 1 (the links' own expressions, computed on the host).
  job.rule.countTable(steps + 1).forEach((values, k) => f64(`CT${k}` as ArrayName).set(values));
  // Block state: every lane from x0; padding lanes (b ≥ B) are never alive.
  const e = new Float64Array(d);
  const l0 = value(surface, x0, 0, e);
  for (let i = 0; i < d; i++) X.fill(x0[i], i * ROW_LANES, i * ROW_LANES + Bp);
  LOSS.fill(l0);
  aliveMask.fill(0).fill(-1, 0, 2 * B);
  alive.fill(0).fill(1, 0, B);
  job.rule.stateInit.forEach((v0, k) => f64(`S${k}` as ArrayName).fill(v0));
  for (const a of ['CNT', 'LAST'] as const) new Uint8Array(buf, off[a], sizes[a]).fill(0);
  const ON = f64('ON');
  const OMEAN = f64('OMEAN');
  const OM2 = f64('OM2');
  const OLM = f64('OLM');
  const OL2 = f64('OL2');
  const ODIV = i32('ODIV');
  const COV = f64('COV');
  // After step t's statistics (slot): what needs JavaScript — covariances, kept paths.
  const visit = (t: number, slot: number) => {
    if (rec.needsCov(t) && ON[slot] > 0) rec.recordComputed(t, ON[slot], OMEAN, OM2, slot * d, OLM[slot], OL2[slot], COV);
    if (rec.storesPoints(t)) rec.storePaths(t, alive, B, X, 1, ROW_LANES);
  };
  const flag = (t: number) => {
    const band = rec.band(t);
    return (rec.needsCov(t) ? 3 : 0) | (rec.keepPaths > 0 ? 1 : 0) | (band >= 0 ? 4 | (band << 8) : 0);
  };
  // Step 0.
  ex.record(0, rec.needsCov(0) ? 1 : 0);
  rec.recordComputed(0, ON[0], OMEAN, OM2, 0, OLM[0], OL2[0], rec.needsCov(0) ? COV : null);
  if (rec.storesPoints(0)) rec.storePaths(0, alive, B, X, 1, ROW_LANES);
  if (rec.band(0) >= 0) ex.hist(rec.band(0));
  const ETA = f64('ETA');
  const THR = new Uint32Array(buf, off.THR, sizes.THR / 4);
  const QT = f64('QT');
  const SKT = f64('SKT');
  const FLAG = i32('FLAG');
  for (let t0 = 0; t0 < steps; t0 += C) {
    const t1 = Math.min(steps, t0 + C);
    let useSkip = 0;
    ETA.set(tables.eta.subarray(t0, t1));
    THR.set(tables.thr.subarray(t0 * d, t1 * d)); // as u32
    QT.set(tables.keep.subarray(t0 * d, t1 * d));
    if (variant.gaussian) f64('SIG').set(tables.sigma.subarray(t0 * d, t1 * d));
    SKT.set(tables.skipThr.subarray(t0, t1));
    for (let t = t0; t < t1; t++) {
      if (tables.skipRates[t] > 0) useSkip = 1;
      FLAG[t - t0] = flag(t + 1);
    }
    (ex.USESKIP as WebAssembly.Global).value = useSkip;
    // Run up to and including each step that needs JavaScript (FLAG bit 1), then visit it.
    for (let a = t0; a < t1; ) {
      let b = a;
      while (b < t1 - 1 && !(FLAG[b - t0] & 1)) b++;
      ex.run(a, b + 1, t0);
      if (FLAG[b - t0] & 1) visit(b + 1, b - t0);
      a = b + 1;
    }
    // The chunk's statistics of x_{t0+1} … x_{t1} (a slot where no trajectory is alive holds zeros, as an empty
    // step's statistics are); visit copied the covariances of the flagged steps.
    const s = rec.stats;
    const k = t1 - t0;
    s.n.set(ON.subarray(0, k), t0 + 1);
    s.mean.set(OMEAN.subarray(0, k * d), (t0 + 1) * d);
    s.m2.set(OM2.subarray(0, k * d), (t0 + 1) * d);
    s.lossMean.set(OLM.subarray(0, k), t0 + 1);
    s.lossM2.set(OL2.subarray(0, k), t0 + 1);
    for (let j = 0; j < k; j++) s.diverged[t0 + 1 + j] += ODIV[j];
  }
  if (steps > 0) rec.recordUpdateComputed(ex.recordUpdate(), f64('MEANV'), COV);
}
