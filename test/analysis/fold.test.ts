import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { foldWat } from '../../src/analysis/mc/wasm/fold.ts';

describe('foldWat (constant folding of generated WAT)', () => {
  it('moves constant address terms into load and store offsets', () => {
    expect(foldWat('(v128.load (i32.add (i32.add (i32.const 16) (i32.mul (i32.const 1) (i32.const 8192))) (local.get $p)))')).toBe(
      '(v128.load offset=8208 (local.get $p))',
    );
    expect(foldWat('(i32.load offset=4 (i32.add (local.get $b) (i32.const 8)))')).toBe('(i32.load offset=12 (local.get $b))');
    expect(foldWat('(v128.store (i32.add (i32.const 32) (local.get $p)) (local.get $v))')).toBe('(v128.store offset=32 (local.get $p) (local.get $v))');
    // A negative constant stays in the address (an offset is unsigned); non-constant sums stay as they are.
    expect(foldWat('(f64.load (i32.add (local.get $a) (i32.const -8)))')).toBe('(f64.load (i32.add (i32.const -8) (local.get $a)))');
    expect(foldWat('(f64.load (i32.add (local.get $a) (local.get $b)))')).toBe('(f64.load (i32.add (local.get $a) (local.get $b)))');
    expect(foldWat('(i32.shr_u (i32.const 8192) (i32.const 1)) ;; comment')).toBe('(i32.const 4096)');
  });

  it('computes the same results as the unfolded module', async () => {
    const wabt = await (createRequire(import.meta.url)('wabt') as () => Promise<{ parseWat(n: string, t: string): { toBinary(o: object): { buffer: Uint8Array<ArrayBuffer> } } }>)();
    const text = `(module (memory (export "mem") 1)
      (func (export "f") (param $p i32) (result i32)
        (i32.store (i32.add (i32.add (i32.const 64) (i32.mul (i32.const 3) (i32.const 16))) (local.get $p)) (i32.const 7))
        (i32.add (i32.load offset=4 (i32.add (local.get $p) (i32.sub (i32.const 116) (i32.const 8))))
          (i32.load (i32.add (i32.add (local.get $p) (i32.const 100)) (i32.const 12))))))`;
    const run = (t: string) => {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(wabt.parseWat('t.wat', t).toBinary({}).buffer), {});
      const mem = new Int32Array((inst.exports.mem as WebAssembly.Memory).buffer);
      for (let i = 0; i < 64; i++) mem[i] = i * 3 + 1;
      return [0, 4, 8, 40].map((p) => (inst.exports.f as (p: number) => number)(p));
    };
    const folded = foldWat(text);
    expect(folded).toContain('offset=112');
    expect(run(folded)).toEqual(run(text));
  });
});
