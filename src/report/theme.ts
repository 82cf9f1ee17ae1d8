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

/** A Plotly axis in the reports' style, titled `title` (give units). */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, zeroline: false, gridcolor: '#e5e5e5', linecolor: '#888', ...extra };
}

/** A Plotly layout in the reports' style: title, axis titles, the colour-blind-safe palette. */
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

/** Colour k of the palette (cycling). */
export const color = (k: number) => PALETTE[k % PALETTE.length];

/** A legend in rows under the plot (long legends would take half the width beside it). */
export const BELOW = { orientation: 'h', x: 0, y: -0.14, yanchor: 'top' };

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

/**
 * The distribution of a loss over steps where runs diverge: the median and the interquartile band of the surviving
 * trajectories at the band steps, the mean (dashed) only while at least 95% survive, and, on the lower axis (y2),
 * the share not yet diverged. `bands`: steps and quantile values (levels 2.5, 25, 50, 75, 97.5 %).
 */
export function lossDistribution(name: string, k: number, bands: { steps: number[]; values: number[][] }, lossMean: ArrayLike<number | null>, n: ArrayLike<number>, samples: number): Record<string, unknown>[] {
  const c = color(k);
  const alive = Array.from(n, (v) => v / samples);
  // Quantiles exist only while some trajectory survives (an empty histogram gives none).
  const at = bands.steps.map((t, j) => ({ t, q: bands.values[j] })).filter(({ t, q }) => n[t] > 0 && q.every(Number.isFinite));
  const xs = at.map(({ t }) => t);
  const mean = Array.from(lossMean, (v, t) => (alive[t] >= 0.95 && v !== null && Number.isFinite(v) ? v : null));
  return [
    { type: 'scatter', mode: 'lines', x: [...xs, ...xs.slice().reverse()], y: [...at.map(({ q }) => q[3]), ...at.map(({ q }) => q[1]).reverse()], fill: 'toself', fillcolor: `${c}33`, line: { width: 0 }, hoverinfo: 'skip', showlegend: false, legendgroup: name, name: `${name}: interquartile range` },
    { type: 'scatter', mode: 'lines', name: `${name}: median`, legendgroup: name, x: xs, y: at.map(({ q }) => q[2]), line: { color: c, width: 2 } },
    { type: 'scatter', mode: 'lines', name: `${name}: mean (while ≥ 95% survive)`, legendgroup: name, showlegend: false, x: Array.from(lossMean, (_, t) => t), y: mean, line: { color: c, width: 1, dash: 'dot' } },
    { type: 'scatter', mode: 'lines', name: `${name}: share not diverged`, legendgroup: name, showlegend: false, x: alive.map((_, t) => t), y: alive, yaxis: 'y2', line: { color: c, width: 2 } },
  ];
}

/** Layout of a `lossDistribution` figure: loss (log) above, survival below, one step axis. */
export function distributionLayout(title: string, lossLabel: string): Record<string, unknown> {
  return layout(title, 'step', lossLabel, {
    xaxis: axis('step', { anchor: 'y2' }),
    yaxis: axis(lossLabel, { type: 'log', domain: [0.34, 1] }),
    yaxis2: axis('share not diverged', { domain: [0, 0.24], range: [0, 1.05] }),
    legend: BELOW,
    margin: { l: 64, r: 24, t: 48, b: 110 },
    height: 600,
  });
}

/** The coordinate-wise median of the kept paths still alive at each step, while at least half are (else null). */
export function medianPath(paths: (number[] | null)[][]): (number[] | null)[] {
  const steps = paths[0]?.length ?? 0;
  const med = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const h = s.length >> 1;
    return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
  };
  return Array.from({ length: steps }, (_, t) => {
    const alive = paths.map((p) => p[t]).filter((x): x is number[] => x !== null);
    if (alive.length * 2 < paths.length) return null;
    return alive[0].map((_, i) => med(alive.map((x) => x[i])));
  });
}

/** A Monte-Carlo mean per x as markers joined by a line, with 95% error bars (± 1.96 s.e.): for coarse grids, where a filled band would draw a polygon. */
export function errorBars(name: string, x: ArrayLike<number>, mean: ArrayLike<number>, se: ArrayLike<number>, k: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const s = Array.from(se, (v) => (Number.isFinite(v) ? 1.96 * v : 0));
  return { type: 'scatter', mode: 'lines+markers', name, x: Array.from(x), y: Array.from(mean), line: { color: color(k), width: 2 }, marker: { color: color(k), size: 7 }, error_y: { type: 'data', array: s, visible: true, color: color(k), thickness: 1.5, width: 5 }, ...extra };
}
