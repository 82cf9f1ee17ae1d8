/**
 * Tidy export of a sweep (one row per cell × step × statistic) for pandas or R: CSV or JSON.
 * Columns: cell, optimizer, lr, dropRate, surface, fullUpdateDrop, replicate, seed, step, statistic, value.
 * Non-finite or missing values are empty (CSV) or null (JSON).
 */
import { loadSweep } from './store.ts';

export interface TidyRow {
  cell: string;
  optimizer: string;
  lr: number;
  dropRate: number;
  surface: string;
  fullUpdateDrop: number;
  replicate: number;
  seed: number;
  step: number;
  statistic: string;
  value: number | null;
}

interface Curves {
  lossMean: (number | null)[];
  lossStderr: (number | null)[];
  n: number[];
  diverged: number[];
  mean: (number | null)[][];
  variance: (number | null)[][];
}

/** A sweep folder's results as tidy rows: one per cell, step and statistic. */
export function tidyRows(dir: string): TidyRow[] {
  const { results } = loadSweep(dir);
  const rows: TidyRow[] = [];
  for (const r of results) {
    const p = r.cell.params;
    const base = { cell: r.cell.id, optimizer: p.optimizer, lr: p.lr, dropRate: p.dropRate, surface: p.surface, fullUpdateDrop: p.fullUpdateDrop, replicate: p.replicate, seed: r.cell.seed };
    const c = r.curves as Curves;
    const exact = (r.exact ?? {}) as { expectedLossPerStep?: number[] };
    const push = (step: number, statistic: string, value: number | null | undefined) =>
      rows.push({ ...base, step, statistic, value: typeof value === 'number' && Number.isFinite(value) ? value : null });
    c.lossMean.forEach((_, t) => {
      push(t, 'lossMean', c.lossMean[t]);
      push(t, 'lossStderr', c.lossStderr[t]);
      push(t, 'finite', c.n[t]);
      push(t, 'diverged', c.diverged[t]);
      c.mean[t]?.forEach((v, i) => push(t, `mean_x${i}`, v));
      c.variance[t]?.forEach((v, i) => push(t, `variance_x${i}`, v));
      if (exact.expectedLossPerStep) push(t, 'exactExpectedLoss', exact.expectedLossPerStep[t]);
    });
  }
  return rows;
}

const csvField = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(rows: TidyRow[]): string {
  const cols: (keyof TidyRow)[] = ['cell', 'optimizer', 'lr', 'dropRate', 'surface', 'fullUpdateDrop', 'replicate', 'seed', 'step', 'statistic', 'value'];
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => csvField(r[c])).join(',')).join('\n')}\n`;
}
