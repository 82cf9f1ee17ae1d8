/** `dropgrad merge`: combines the output directories of shards of one sweep; refuses shards of different configs. */
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import { ParameterError } from '../errors.ts';
import { expandGrid } from './config.ts';
import { cellPath, damagedCell, expectations, initDir, type Manifest, newManifest, readCell, readManifest, writeManifest } from './store.ts';
import { writeSummary } from './summary.ts';

export function mergeSweeps(dirs: string[], out: string): { cells: number; missing: string[]; manifest: Manifest } {
  if (dirs.length === 0) throw new ParameterError('directories', '(none)', 'one or more sweep output directories');
  const manifests = dirs.map((d) => {
    const m = readManifest(d);
    if (!m) throw new ParameterError('directory', d, 'a sweep output directory (it has no manifest.json)');
    return m;
  });
  const hash = manifests[0].configHash;
  manifests.forEach((m, i) => {
    if (m.configHash !== hash) {
      throw new ParameterError('directory', dirs[i], `a shard of the same sweep as ${dirs[0]} (config hash ${m.configHash.slice(0, 12)}… differs from ${hash.slice(0, 12)}…)`);
    }
  });
  const config = manifests[0].config;
  const all = expandGrid(config);
  initDir(out);
  const existing = readManifest(out);
  if (existing && existing.configHash !== hash) throw new ParameterError('--out', out, 'an empty directory or one holding this sweep');
  const merged = newManifest(config, hash, all, null);
  const seconds = manifests.map((m) => new Map(m.cells.map((c) => [c.id, c.seconds])));
  for (const e of expectations(merged)) {
    const c = e.cell;
    const dest = cellPath(out, c.id);
    const inOut = readCell(out, e);
    if (!inOut.ok && !inOut.missing && !dirs.includes(out)) throw damagedCell(out, inOut);
    let have = inOut.ok;
    for (let i = 0; i < dirs.length; i++) {
      const r = readCell(dirs[i], e);
      if (!r.ok && !r.missing) throw damagedCell(dirs[i], r);
      if (!r.ok) continue;
      const src = cellPath(dirs[i], c.id);
      if (have && src !== dest) {
        if (readFileSync(src, 'utf8') !== readFileSync(dest, 'utf8')) throw new ParameterError(`cell ${c.id}`, src, 'identical results in every directory that holds it');
      } else if (src !== dest) {
        // Copy to a temporary name, then rename: atomic like every other write of a sweep.
        copyFileSync(src, `${dest}.tmp`);
        renameSync(`${dest}.tmp`, dest);
      }
      have = true;
      const t = seconds[i].get(c.id);
      c.status = 'done';
      if (t !== undefined) c.seconds = t;
    }
  }
  writeManifest(out, merged);
  writeSummary(out, merged);
  const missing = merged.cells.filter((c) => c.status !== 'done').map((c) => c.id);
  return { cells: merged.cells.length, missing, manifest: merged };
}
