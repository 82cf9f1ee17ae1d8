/** The sweep's index.html: one row per cell, every user-supplied string escaped. */
import { join } from 'node:path';
import { html, page, raw } from '../report/html.ts';
import { type Manifest, expectations, readCell, writeAtomic } from './store.ts';

interface Row {
  final?: { meanLoss: number | null; stderrLoss: number | null };
  divergedFraction?: number;
  exact?: { expectedLoss?: number; oneStepExpectedLoss?: number };
}

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toPrecision(4) : '—');

export function summaryHtml(dir: string, m: Manifest): string {
  const labels = m.config.labels ?? {};
  const rows = expectations(m).map((e) => {
    const c = e.cell;
    const read = readCell(dir, e);
    const r: Row = read.ok ? (read.result as Row) : {};
    const p = c.params;
    const diverged = r.divergedFraction ?? 0;
    return html`<tr><td class="l"><a href="cells/${c.id}.json">${c.id}</a></td><td class="l">${labels[p.optimizer] ?? p.optimizer}</td>
<td class="l">${labels[p.surface] ?? p.surface}</td><td>${p.lr}</td><td>${p.dropRate}</td><td>${p.fullUpdateDrop}</td><td>${p.replicate}</td>
<td>${num(r.final?.meanLoss)} ± ${num(r.final?.stderrLoss)}</td><td>${num(r.exact?.expectedLoss)}</td>
<td class="${diverged > 0 ? 'diverged' : ''}">${read.ok ? `${(100 * diverged).toFixed(1)}%` : read.missing ? 'not run' : 'damaged'}</td></tr>`;
  });
  const title = m.config.name ?? 'dropgrad sweep';
  const body = html`<h1>${title}</h1>
<p>${m.cells.length} cells, ${m.config.samples} trajectories × ${m.config.steps} steps each, global seed ${m.seed}${m.shard ? raw(`, shard ${m.shard.k}/${m.shard.n}`) : ''}.
Config hash <code>${m.configHash.slice(0, 16)}</code>, dropgrad-lab ${m.version}, Node ${m.node}.</p>
<table><thead><tr><th class="l">cell</th><th class="l">optimizer</th><th class="l">surface</th><th>lr</th><th>drop rate</th><th>full-update drop</th><th>replicate</th>
<th>final loss (MC ± s.e.)</th><th>exact E f</th><th>diverged</th></tr></thead><tbody>${rows}</tbody></table>`;
  return page(title, body);
}

export function writeSummary(dir: string, m: Manifest): void {
  writeAtomic(join(dir, 'index.html'), summaryHtml(dir, m));
}
