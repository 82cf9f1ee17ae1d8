/**
 * The report builder as the package exports it: `buildReport` loads the report's sections (every figure's code,
 * KaTeX, about 160 ms) when it is called, not when the library is imported.
 */
import type { ReportOptions, ReportSummary } from './build.ts';

export type { ReportOptions, ReportSummary };

/**
 * Writes the research reports to `o.out`: one self-contained HTML page per section (plotly.js written once beside
 * them, equations as MathML), an index that opens with the findings, and a theory-vs-simulation table.
 */
export async function buildReport(o: ReportOptions): Promise<ReportSummary> {
  return (await import('./build.ts')).buildReport(o);
}
