/**
 * One theme for every figure: the Okabe–Ito colour-blind-safe palette, axis labels with units, legends that name
 * optimizer and drop rate. A figure is data: `{ data, layout }` (Plotly), produced by pure functions; `clean`
 * guarantees that no non-finite number reaches a plot (they become gaps, and diverged runs are labelled).
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export interface Figure {
  id: string;
  title: string;
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  /** What the figure shows, in one or two sentences (HTML-escaped when rendered). */
  caption: string;
}

/** Replaces every non-finite number in a figure's data by null (a gap), recursively; counts them. */
export function clean<T>(value: T): { value: T; replaced: number } {
  let replaced = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
      replaced++;
      return null;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, replaced };
}

export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, zeroline: false, gridcolor: '#e5e5e5', linecolor: '#888', ...extra };
}

export function layout(title: string, x: string, y: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 15 } },
    font: { family: 'system-ui, sans-serif', size: 12 },
    colorway: PALETTE,
    paper_bgcolor: '#fff',
    plot_bgcolor: '#fff',
    margin: { l: 64, r: 24, t: 48, b: 52 },
    legend: { orientation: 'v' },
    xaxis: axis(x),
    yaxis: axis(y),
    ...extra,
  };
}

export const color = (k: number) => PALETTE[k % PALETTE.length];

/** A line trace. */
export function line(name: string, x: ArrayLike<number>, y: ArrayLike<number | null>, k: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'scatter', mode: 'lines', name, x: Array.from(x), y: Array.from(y), line: { color: color(k), width: 2 }, ...extra };
}

/** A Monte-Carlo mean with a 95% band (mean ± 1.96 s.e.) as a filled area and the mean as markers. */
export function band(name: string, x: ArrayLike<number>, mean: ArrayLike<number | null>, se: ArrayLike<number | null>, k: number): Record<string, unknown>[] {
  const xs = Array.from(x);
  const m = Array.from(mean, (v) => (v === null || !Number.isFinite(v) ? null : v));
  const s = Array.from(se, (v) => (v === null || !Number.isFinite(v) ? 0 : v));
  const hi = m.map((v, i) => (v === null ? null : v + 1.96 * s[i]));
  const lo = m.map((v, i) => (v === null ? null : v - 1.96 * s[i]));
  const c = color(k);
  return [
    { type: 'scatter', mode: 'lines', x: [...xs, ...xs.slice().reverse()], y: [...hi, ...lo.slice().reverse()], fill: 'toself', fillcolor: `${c}33`, line: { width: 0 }, hoverinfo: 'skip', showlegend: false, name: `${name} 95% band` },
    { type: 'scatter', mode: 'markers', name, x: xs, y: m, marker: { color: c, size: 5, symbol: 'circle-open' } },
  ];
}
