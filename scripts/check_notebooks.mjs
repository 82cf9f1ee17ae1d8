// Type-checks the notebooks (of notebooks/, or of the directory given): extracts each notebook's code cells into one module beside it and runs
// `deno check` on it (the Jupyter kernel itself does not type-check). Exits non-zero on any type error.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = process.argv[2] ?? join(root, 'notebooks');
const deno = join(root, 'node_modules', '.bin', 'deno');
const files = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.ipynb')).sort()) {
  const nb = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
  const out = join(dir, `.check-${f.replace('.ipynb', '')}.ts`);
  writeFileSync(out, `${code.join('\n\n')}\nexport {};\n`);
  files.push(out);
}
const r = spawnSync(deno, ['check', '--quiet', ...files], { cwd: root, encoding: 'utf8' });
for (const f of files) rmSync(f);
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
console.log(r.status === 0 ? `${files.length} notebooks type-check` : 'notebook type errors');
process.exit(r.status ?? 1);
