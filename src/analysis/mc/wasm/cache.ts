/**
 * Assembled kernels kept on disk, so that a process (and each of its worker threads) assembles a kernel variant's
 * WebAssembly text once per machine instead of once per thread and run: wabt takes about 0.2 s per variant (measured:
 * 130 KB of text, parse 150 ms, encoding 45 ms), longer than a small simulation.
 *
 * A file is named by the SHA-256 of the assembler's version and the text, so a changed kernel is a new file; it
 * holds the SHA-256 of the binary, then the binary. A file that is missing, short, or whose checksum disagrees is
 * assembled again and rewritten (write to a temporary name, then rename: readers never see half a file). Where the
 * folder cannot be written, kernels are assembled in memory as before. The folder: $DROPGRAD_CACHE_DIR, else
 * $XDG_CACHE_HOME/dropgrad-lab, else ~/.cache/dropgrad-lab; DROPGRAD_NO_CACHE=1 turns the cache off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

/** The folder assembled kernels are kept in, or null when the cache is off. */
export function cacheDir(): string | null {
  const env = process.env;
  if (env.DROPGRAD_NO_CACHE) return null;
  const base = env.DROPGRAD_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dropgrad-lab');
  return join(base, 'wasm');
}

/** The binary of `text` assembled by `assemble` (named `assembler`, e.g. "wabt@1.0.39"), from the cache when it holds it. */
export function cachedBinary(assembler: string, text: string, assemble: (text: string) => Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const dir = cacheDir();
  if (dir === null) return assemble(text);
  const file = join(dir, `${sha256(`${assembler}\n${text}`).toString('hex')}.wasm`);
  try {
    const held = readFileSync(file);
    const binary = held.subarray(32);
    if (held.length > 32 && sha256(binary).equals(held.subarray(0, 32))) return new Uint8Array(binary);
  } catch {
    // not cached yet (or unreadable): assemble below
  }
  const binary = assemble(text);
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, Buffer.concat([sha256(binary), binary]));
    renameSync(tmp, file);
  } catch {
    // a read-only or full disk: the kernel still runs, assembled in memory
  }
  return binary;
}
