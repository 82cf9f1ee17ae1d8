/**
 * Dependencies loaded on first use, so that a process loads only what its work needs (`dropgrad --help` and a
 * small `simulate` never read mathjs, KaTeX, YAML, the CSV parser or the WebAssembly assembler): `lazy(name)` is a
 * function that requires the package the first time it is called and returns the same module after.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazy<T>(name: string): () => T {
  let module: T | undefined;
  return () => {
    module ??= require(name) as T;
    return module;
  };
}
