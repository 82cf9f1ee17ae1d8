/**
 * The on-disk cache of assembled WebAssembly kernels: a kernel is assembled once per machine, a damaged file is
 * assembled again (never trusted), the cache can be turned off, and a simulation gives the same bits with a cold
 * cache, a warm one and none.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedBinary, cacheDir } from '../../src/analysis/mc/wasm/cache.ts';
import { cliJson } from '../cli/helpers.ts';

const saved = { dir: process.env.DROPGRAD_CACHE_DIR, off: process.env.DROPGRAD_NO_CACHE };
afterEach(() => {
  for (const [k, v] of [['DROPGRAD_CACHE_DIR', saved.dir], ['DROPGRAD_NO_CACHE', saved.off]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** A stand-in assembler that counts its calls and returns bytes derived from the text. */
function counter() {
  const calls = { n: 0 };
  const assemble = (text: string) => {
    calls.n++;
    return new Uint8Array(new TextEncoder().encode(`bin:${text}`));
  };
  return { calls, assemble };
}

describe('assembled-kernel cache', () => {
  it('assembles a text once, then reads it back; a changed text or assembler is a new entry', () => {
    process.env.DROPGRAD_CACHE_DIR = mkdtempSync(join(tmpdir(), 'dg-cache-'));
    delete process.env.DROPGRAD_NO_CACHE;
    const { calls, assemble } = counter();
    const a = cachedBinary('asm@1', '(module)', assemble);
    const b = cachedBinary('asm@1', '(module)', assemble);
    expect(calls.n).toBe(1);
    expect(b).toEqual(a);
    cachedBinary('asm@1', '(module) ;; changed', assemble);
    cachedBinary('asm@2', '(module)', assemble);
    expect(calls.n).toBe(3);
    expect(readdirSync(cacheDir() as string).filter((f) => f.endsWith('.wasm'))).toHaveLength(3);
  });
  it('a damaged file (flipped byte, truncated, empty) is assembled again and rewritten, with the same bytes', () => {
    process.env.DROPGRAD_CACHE_DIR = mkdtempSync(join(tmpdir(), 'dg-cache-'));
    delete process.env.DROPGRAD_NO_CACHE;
    const { calls, assemble } = counter();
    const good = cachedBinary('asm@1', '(module $k)', assemble);
    const dir = cacheDir() as string;
    const [name] = readdirSync(dir);
    const file = join(dir, name);
    const intact = readFileSync(file);
    const damages = [
      (() => { const d = Buffer.from(intact); d[d.length - 1] ^= 1; return d; })(),
      intact.subarray(0, 40),
      Buffer.alloc(0),
    ];
    for (const [i, damaged] of damages.entries()) {
      writeFileSync(file, damaged);
      expect(cachedBinary('asm@1', '(module $k)', assemble)).toEqual(good);
      expect(calls.n).toBe(2 + i);
      expect(readFileSync(file)).toEqual(intact);
    }
  });
  it('DROPGRAD_NO_CACHE=1 assembles every time and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dg-cache-'));
    process.env.DROPGRAD_CACHE_DIR = dir;
    process.env.DROPGRAD_NO_CACHE = '1';
    const { calls, assemble } = counter();
    cachedBinary('asm@1', '(module)', assemble);
    cachedBinary('asm@1', '(module)', assemble);
    expect(calls.n).toBe(2);
    expect(cacheDir()).toBeNull();
    expect(readdirSync(dir)).toHaveLength(0);
  });
  it('an unwritable cache folder falls back to assembling in memory', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dg-cache-')), 'not-a-folder');
    writeFileSync(file, 'x');
    process.env.DROPGRAD_CACHE_DIR = file;
    delete process.env.DROPGRAD_NO_CACHE;
    const { calls, assemble } = counter();
    expect(new TextDecoder().decode(cachedBinary('asm@1', '(m)', assemble))).toBe('bin:(m)');
    expect(calls.n).toBe(1);
  });
  it('simulate gives the same bits with a cold cache, a warm cache and the cache off (--workers 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dg-cache-'));
    const args = ['simulate', '--surface', 'rosenbrock', '--optimizer', 'adam', '--lr', '0.01', '--drop-rate', '0.2', '--samples', '4000', '--steps', '50', '--workers', '2', '--backend', 'cpu', '--seed', '7'];
    const cold = cliJson(args, { DROPGRAD_CACHE_DIR: dir });
    expect(readdirSync(join(dir, 'wasm')).length).toBeGreaterThan(0);
    const warm = cliJson(args, { DROPGRAD_CACHE_DIR: dir });
    const off = cliJson(args, { DROPGRAD_NO_CACHE: '1' });
    const strip = (r: Record<string, unknown>) => ({ ...r, seconds: undefined, rate: undefined, timing: undefined });
    expect(strip(warm)).toEqual(strip(cold));
    expect(strip(off)).toEqual(strip(cold));
  });
});
