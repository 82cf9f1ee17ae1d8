/**
 * A real browser: headless Chromium (Debian's, through playwright-core) opens every report page from disk, Plotly
 * renders every figure (non-blank SVG), no console errors; a screenshot per page and one per figure are saved as test
 * artifacts in test-artifacts/screenshots/. `dropgrad figure` exports SVG, PNG and PDF. Under CI=true a missing Chromium fails.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../src/report/browser.ts';
import { type ReportSummary, buildReport } from '../../src/report/build.ts';
import { exportFigure } from '../../src/report/figure.ts';
import { tmp } from '../sweep/helpers.ts';

const available = chromiumAvailable();
if (!available && process.env.CI === 'true') {
  throw new Error('Chromium is required under CI=true: .ci/run installs it (apt-get install chromium)');
}
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');

describe.skipIf(!available)('reports in headless Chromium', () => {
  let out = '';
  let summary: ReportSummary;
  let browser: Browser;
  beforeAll(async () => {
    out = tmp('dropgrad-browser-');
    summary = await buildReport({ out, quick: true, seed: 2 });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('every page loads from disk and every figure renders, with no console errors', async () => {
    for (const p of summary.pages) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(join(out, p)).href);
      const expected = await page.locator('.plotly').count();
      if (expected > 0) await page.waitForFunction((n) => document.querySelectorAll('.plotly .main-svg').length >= n, expected, { timeout: 60_000 });
      const marks = await page.evaluate(() =>
        [...document.querySelectorAll('.plotly')].map((el) => el.querySelectorAll('path, .point, .heatmaplayer image').length),
      );
      marks.forEach((n, i) => expect(n, `${p}: figure ${i} is blank`).toBeGreaterThan(2));
      await page.screenshot({ path: join(SHOTS, p.replace('.html', '.png')), fullPage: false });
      // One screenshot per figure too (reports-<page>-<figure id>.png), to look at each before calling it done.
      const figures = await page.locator('figure.plot').all();
      for (const [i, fig] of figures.entries()) {
        const id = (await fig.locator('[data-figure]').first().getAttribute('data-figure')) ?? String(i);
        await fig.screenshot({ path: join(SHOTS, `report-${p.replace('.html', '')}-${id}.png`) });
      }
      expect(errors, p).toEqual([]);
      await page.close();
    }
  }, 300_000);

  it('dropgrad figure exports SVG, PNG and PDF', async () => {
    const svg = await exportFigure({ dir: out, id: 'sgd/sgd-stability', format: 'svg', file: join(out, 'f.svg') });
    expect(readFileSync(svg.file, 'utf8')).toMatch(/^<svg[^>]*class="main-svg"/);
    const png = await exportFigure({ dir: out, id: 'lion/lion-follow', format: 'png', file: join(out, 'f.png') });
    expect(readFileSync(png.file).subarray(1, 4).toString()).toBe('PNG');
    const pdf = await exportFigure({ dir: out, id: 'adaptive/adaptive-ratio', format: 'pdf', file: join(out, 'f.pdf') });
    expect(readFileSync(pdf.file).subarray(0, 5).toString()).toBe('%PDF-');
    await expect(exportFigure({ dir: out, id: 'sgd/nope', format: 'svg', file: join(out, 'x.svg') })).rejects.toThrow(/figure = "sgd\/nope" is invalid/);
  }, 120_000);
});
