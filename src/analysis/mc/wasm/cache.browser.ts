/** src/analysis/mc/wasm/cache.ts in the browser build: no disk, so every kernel is assembled in memory (once per page and worker). */
export const cacheDir = (): string | null => null;

export function cachedBinary(_assembler: string, text: string, assemble: (text: string) => Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return assemble(text);
}
