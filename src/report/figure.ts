/**
 * `dropgrad figure <section/figure-id> --format svg|png|pdf`: static export of one report figure for papers.
 * Loads the figure's JSON (written by `dropgrad report` under figures/) into a blank page with the same plotly.js,
 * then uses Plotly.toImage (SVG, PNG) or Chromium's PDF printer.
 */
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ParameterError } from '../errors.ts';
import { launchChromium } from './browser.ts';

export interface FigureExport {
  dir: string;
  id: string;
  format: 'svg' | 'png' | 'pdf';
  file: string;
  width?: number;
  height?: number;
}

export async function exportFigure(o: FigureExport): Promise<{ file: string; bytes: number }> {
  const [section, figure] = o.id.split('/');
  const path = join(o.dir, 'figures', section ?? '', `${figure ?? ''}.json`);
  if (!section || !figure || !existsSync(path)) {
    throw new ParameterError('figure', o.id, `section/figure-id of a figure written by \`dropgrad report --out ${o.dir}\` (no ${path})`);
  }
  const fig = JSON.parse(readFileSync(path, 'utf8')) as { data: unknown[]; layout: Record<string, unknown> };
  const width = o.width ?? 900;
  const height = o.height ?? 520;
  const plotly = readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist'), 'utf8');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.setContent('<!doctype html><html><body style="margin:0"><div id="f"></div></body></html>');
    await page.addScriptTag({ content: plotly });
    await page.evaluate(
      ([f, w, h]) => (globalThis as unknown as { Plotly: { newPlot(el: unknown, d: unknown, l: unknown, c: unknown): Promise<unknown> } }).Plotly.newPlot(document.getElementById('f'), (f as { data: unknown }).data, { ...(f as { layout: object }).layout, width: w, height: h }, { staticPlot: true }),
      [fig, width, height] as const,
    );
    let bytes: Buffer;
    if (o.format === 'pdf') {
      bytes = await page.pdf({ width: `${width}px`, height: `${height}px`, printBackground: true });
    } else {
      const url = (await page.evaluate(
        ([fmt, w, h]) => (globalThis as unknown as { Plotly: { toImage(el: unknown, o: object): Promise<string> } }).Plotly.toImage(document.getElementById('f'), { format: fmt, width: w, height: h }),
        [o.format, width, height] as const,
      )) as string;
      bytes = o.format === 'svg' ? Buffer.from(decodeURIComponent(url.slice(url.indexOf(',') + 1)), 'utf8') : Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    }
    // A size beyond the browser's limits renders nothing: refuse rather than write an empty file.
    if (bytes.length === 0) throw new ParameterError('figure', o.id, 'a figure the browser can render at this size', `it rendered an empty ${o.format} at ${width} × ${height}`);
    writeFileSync(o.file, bytes);
    return { file: o.file, bytes: bytes.length };
  } finally {
    await browser.close();
  }
}
