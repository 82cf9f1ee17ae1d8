/**
 * src/lazy.ts in the browser build: a bundle cannot `require` at run time, so the packages the browser build uses
 * are imported here and handed out by name (mathjs for expression surfaces, wabt to assemble the WebAssembly
 * kernels); any other name is an error that says so.
 */
import * as mathjs from 'mathjs';
import wabt from 'wabt';
import wabtPackage from 'wabt/package.json' with { type: 'json' };

const BUNDLED: Record<string, unknown> = { mathjs, wabt, 'wabt/package.json': wabtPackage };

export function lazy<T>(name: string): () => T {
  return () => {
    if (!(name in BUNDLED)) throw new Error(`${name} is not part of the browser build`);
    return BUNDLED[name] as T;
  };
}
