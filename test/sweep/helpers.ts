import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tmp = (prefix = 'dropgrad-sweep-') => mkdtempSync(join(tmpdir(), prefix));

/** A small sweep config (24 cells) as YAML text. */
export function smallConfig(over: Record<string, unknown> = {}): string {
  const c = {
    name: 'test sweep',
    seed: 3,
    samples: 300,
    steps: 40,
    surface: { kind: 'rosenbrock' },
    x0: [-1.5, 2],
    optimizers: { sgd: { momentum: 0.9 } },
    grid: { optimizer: ['sgd', 'adam', 'lion'], lr: { sgd: [1e-4, 1e-3], adam: [1e-2, 3e-2], lion: [1e-3, 3e-3] }, dropRate: [0, 0.3], replicate: 2 },
    ...over,
  };
  return JSON.stringify(c, null, 1);
}

export function writeConfig(dir: string, text: string, name = 'config.yaml'): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Every cell file's bytes, by name. */
export function cellFiles(dir: string): Record<string, string> {
  const d = join(dir, 'cells');
  return Object.fromEntries(
    readdirSync(d)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, readFileSync(join(d, f), 'utf8')]),
  );
}
