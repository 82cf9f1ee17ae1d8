/**
 * WebAssembly (SIMD) build of the fused kernels: the Philox pass over four trajectories at a time and a
 * generated per-variant update pass, driven step by step from JavaScript, which keeps the statistics
 * (BlockRecorder) so that every path records identically. WAT is assembled by wabt (the WebAssembly Binary
 * Toolkit) once per variant and process; until `prepareWasm()` has resolved, the JavaScript kernel runs.
 * Both give the same bits (test/analysis/engine.test.ts).
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { STREAM_MASK, STREAM_SKIP, threshold } from '../../../rng/keyed.ts';
import { type FastJob, value } from '../kernels.ts';
import type { BlockRecorder } from '../stats.ts';
import { PHILOX_WAT } from './philox.wat.ts';
import { RECORD_WAT } from './record.wat.ts';
import { type UpdateVariant, updateWat } from './update.wat.ts';

interface Wabt {
  parseWat(name: string, text: string, features?: Record<string, boolean>): { toBinary(o: object): { buffer: Uint8Array<ArrayBuffer> }; destroy(): void };
}

let wabt: Wabt | null = null;
let loading: Promise<void> | null = null;
const modules = new Map<string, WebAssembly.Module>();

/** Loads the assembler (once). Resolves false when WebAssembly SIMD or wabt is unavailable. */
export function prepareWasm(): Promise<boolean> {
  if (process.env.DROPGRAD_NO_WASM) return Promise.resolve(false);
  loading ??= (async () => {
    try {
      // Compile WebAssembly with the optimising tier directly: the kernels are few, long-running calls, which
      // V8's dynamic tier-up (no on-stack replacement for wasm) reaches late; measured 1.1e7 vs 1.5e7 steps/s.
      setFlagsFromString('--no-liftoff');
      const factory = createRequire(import.meta.url)('wabt') as () => Promise<Wabt>;
      wabt = await factory();
    } catch {
      wabt = null;
    }
  })();
  return loading.then(() => wabt !== null);
}

export const wasmReady = () => wabt !== null && !process.env.DROPGRAD_NO_WASM;

const GLOBALS = ['X', 'M1', 'M2', 'LAST', 'CNT', 'LOSS', 'ALIVE', 'G', 'E', 'P', 'Q', 'THR', 'HD', 'XS', 'H', 'BC1', 'BC2', 'WORDS', 'SKIPW', 'RMEAN', 'RM2', 'RCOV', 'RSCAL'];

function variantOf(job: FastJob): UpdateVariant {
  const s = job.surface;
  return { surface: s.kind === 'quadratic' ? (s.diag ? 'diagonal' : 'quadratic') : 'rosenbrock', optimizer: job.optimizer };
}

/**
 * Reads each global once into a local at function entry: V8 reloads a mutable global on every access, and the
 * offsets never change during a call (measured: the update pass ran about 2× faster after this).
 */
function hoistGlobals(func: string): string {
  const used = [...new Set([...func.matchAll(/\(global\.get \$(\w+)\)/g)].map((m) => m[1]))];
  const f64 = new Set(['ra', 'rb', 'qc']);
  const decl = used.map((g) => `(local $g_${g} ${f64.has(g) ? 'f64' : 'i32'})`).join(' ');
  const init = used.map((g) => `(local.set $g_${g} (global.get $${g}))`).join('\n    ');
  const lines = func.replace(/\(global\.get \$(\w+)\)/g, '(local.get $g_$1)').split('\n');
  const header = lines.findIndex((l) => l.trim().startsWith('(func '));
  let k = header + 1;
  while (k < lines.length && lines[k].trim().startsWith('(local ')) k++;
  lines.splice(k, 0, `    ${decl}`, `    ${init}`);
  return lines.join('\n');
}

function moduleFor(v: UpdateVariant): WebAssembly.Module {
  const key = JSON.stringify(v);
  const hit = modules.get(key);
  if (hit) return hit;
  const text = `(module
  (memory (export "mem") 1)
  ${GLOBALS.map((g) => `(global $${g} (export "${g}") (mut i32) (i32.const 0))`).join('\n  ')}
  (global $ra (export "ra") (mut f64) (f64.const 0))
  (global $rb (export "rb") (mut f64) (f64.const 0))
  (global $qc (export "qc") (mut f64) (f64.const 0))
  ${PHILOX_WAT}
  ${hoistGlobals(updateWat(v))}
  ${hoistGlobals(RECORD_WAT)}
  (export "philoxPass" (func $philoxPass))
  (export "update" (func $update))
  (export "record" (func $record)))`;
  const parsed = wabt!.parseWat('kernel.wat', text, { simd: true, mutable_globals: true });
  try {
    const mod = new WebAssembly.Module(parsed.toBinary({}).buffer);
    modules.set(key, mod);
    return mod;
  } finally {
    parsed.destroy();
  }
}

interface Exports {
  mem: WebAssembly.Memory;
  philoxPass(B: number, nblk: number, step: number, first: number, stream: number, k0: number, k1: number, out: number): void;
  update(B: number, d: number, W: number, eta: number, isLast: number, useSkip: number, skipThr: number, limit: number): number;
  record(B: number, d: number, withCov: number): void;
  [g: string]: unknown;
}

/** Runs a fused job in WebAssembly; same contract and results as `runFastBlock`. */
export function runWasmBlock(job: FastJob, rec: BlockRecorder): void {
  const { surface, x0, steps, seed, first, B } = job;
  const d = surface.d;
  const Bp = (B + 3) & ~3;
  const nblk = (d + 3) >> 2;
  const W = 4 * nblk;
  const ex = new WebAssembly.Instance(moduleFor(variantOf(job)), {}).exports as unknown as Exports;
  // Memory layout (bytes, 16-aligned).
  const sizes: Record<string, number> = {
    X: Bp * d * 8, M1: Bp * d * 8, M2: Bp * d * 8, LAST: Bp * d * 8, CNT: Bp * 4, LOSS: Bp * 8, ALIVE: Bp,
    G: d * 8, E: d * 8, P: d * 8, Q: d * 8, THR: d * 8, HD: d * 8, XS: d * 8, H: surface.kind === 'quadratic' ? d * d * 8 : 8,
    BC1: (steps + 2) * 8, BC2: (steps + 2) * 8, WORDS: Bp * W * 4, SKIPW: Bp * 16,
    RMEAN: d * 8, RM2: d * 8, RCOV: d * d * 8, RSCAL: 24,
  };
  const off: Record<string, number> = {};
  let top = 16;
  for (const g of GLOBALS) {
    off[g] = top;
    top += (sizes[g] + 15) & ~15;
  }
  const pages = Math.ceil(top / 65536);
  const have = ex.mem.buffer.byteLength / 65536;
  if (pages > have) ex.mem.grow(pages - have);
  for (const g of GLOBALS) (ex[g] as WebAssembly.Global).value = off[g];
  const buf = ex.mem.buffer;
  const f64 = (g: string, n: number) => new Float64Array(buf, off[g], n);
  const x = f64('X', B * d);
  const loss = f64('LOSS', B);
  const alive = new Uint8Array(buf, off.ALIVE, B);
  const last = f64('LAST', B * d);
  const P = f64('P', d);
  const Q = f64('Q', d);
  const THR = f64('THR', d);
  if (surface.kind === 'rosenbrock') {
    (ex.ra as WebAssembly.Global).value = surface.a;
    (ex.rb as WebAssembly.Global).value = surface.b;
  } else {
    (ex.qc as WebAssembly.Global).value = surface.c;
    f64('XS', d).set(surface.xStar);
    f64('H', d * d).set(surface.H);
    const hd = f64('HD', d);
    for (let i = 0; i < d; i++) hd[i] = surface.H[i * d + i];
  }
  if (job.optimizer.kind === 'adam') {
    const { b1, b2 } = job.optimizer;
    const bc1 = f64('BC1', steps + 2);
    const bc2 = f64('BC2', steps + 2);
    // The same expressions as scaleByAdam: 1 − β₁ᶜ and √(1 − β₂ᶜ) for every count c.
    for (let c = 1; c <= steps + 1; c++) {
      bc1[c] = 1 - b1 ** c;
      bc2[c] = Math.sqrt(1 - b2 ** c);
    }
  }
  const k0 = seed >>> 0;
  const k1 = Math.floor(seed / 4294967296) >>> 0;
  const e = new Float64Array(d);
  const l0 = value(surface, x0, 0, e);
  for (let b = 0; b < B; b++) {
    x.set(x0, b * d);
    loss[b] = l0;
    alive[b] = 1;
  }
  const scal = f64('RSCAL', 3);
  const computed = { n: 0, mean: f64('RMEAN', d), m2: f64('RM2', d), cov: null as Float64Array | null, lossMean: 0, lossM2: 0 };
  const rcov = f64('RCOV', d * d);
  const record = (t: number) => {
    const withCov = rec.needsCov(t);
    ex.record(B, d, withCov ? 1 : 0);
    computed.n = scal[0];
    computed.lossMean = scal[1];
    computed.lossM2 = scal[2];
    computed.cov = withCov ? rcov : null;
    rec.recordComputed(t, computed, x, loss, alive, B);
  };
  record(0);
  for (let t = 0; t < steps; t++) {
    const eta = job.lr(t);
    const desc = job.drop(t);
    for (let i = 0; i < d; i++) {
      P[i] = desc.rates[i];
      Q[i] = 1 - desc.rates[i];
      THR[i] = threshold(desc.rates[i]);
    }
    ex.philoxPass(Bp, nblk, t, first, STREAM_MASK, k0, k1, off.WORDS);
    const useSkip = desc.skipRate > 0 ? 1 : 0;
    if (useSkip) ex.philoxPass(Bp, 1, t, first, STREAM_SKIP, k0, k1, off.SKIPW);
    const diverged = ex.update(B, d, W, eta, t === steps - 1 ? 1 : 0, useSkip, threshold(desc.skipRate), job.divergenceLoss);
    rec.stats.diverged[t + 1] += diverged;
    record(t + 1);
  }
  if (steps > 0) rec.recordUpdate(last, alive, B);
}
