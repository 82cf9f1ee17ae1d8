/**
 * The Explorer's latency in headless Chromium (the page opened from disk, as a user opens it): from a control
 * change to the first redraw (the first 1,000 trajectories, on the page) and to the full ensemble's redraw (Web
 * Workers), median over several drop-rate changes, after the page has loaded and run once. Goals: first redraw
 * ≤ 100 ms, full ensemble of 10,000 × 200 on 2-D Rosenbrock ≤ 1 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROMIUM, chromiumAvailable } from '../src/report/browser.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

export async function benchExplorer(): Promise<void> {
  console.log('\n## Explorer (headless Chromium, page opened from disk; control change → redraw, median of 7 drop-rate changes)');
  if (!chromiumAvailable()) {
    console.log('  no Chromium: skipped');
    return;
  }
  if (!existsSync(join(ROOT, 'dist', 'browser', 'explorer.js'))) {
    console.log('  dist/browser is missing: run `npm run build` first');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dropgrad-explorer-bench-'));
  spawnSync(process.execPath, [join(ROOT, 'bin', 'dropgrad.js'), 'explore', '--out', dir], { encoding: 'utf8' });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--no-first-run', '--disable-background-networking'] });
  const runs = process.argv.includes('--quick') ? 3 : 7;
  try {
    for (const [what, hash] of [
      ['2-D Rosenbrock, SGD momentum 0.9, 10,000 × 200', '#surface=rosenbrock&lr=0.001&momentum=0.9&p=0.1'],
      ['quadratic valley, SGD, 10,000 × 200 (with the exact analysis)', ''],
      ['2-D Rosenbrock, Adam, 100,000 × 200', '#surface=rosenbrock&optimizer=adam&lr=0.01&p=0.1&samples=100000'],
    ] as const) {
      const page = await browser.newPage();
      const t0 = performance.now();
      await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}${hash}`);
      const full = () => page.waitForFunction(() => (window as unknown as { explorer?: { timings: { full: number | null } } }).explorer?.timings.full != null, null, { timeout: 120_000 });
      await full();
      const load = (performance.now() - t0) / 1000;
      const first: number[] = [];
      const all: number[] = [];
      for (let k = 0; k < runs; k++) {
        await page.focus('#p');
        await page.keyboard.press(k % 2 ? 'ArrowLeft' : 'ArrowRight');
        await page.waitForFunction(() => (window as unknown as { explorer: { timings: { full: number | null; change: number } } }).explorer.timings.full === null, null, { timeout: 5000 }).catch(() => {});
        await full();
        const t = await page.evaluate(() => (window as unknown as { explorer: { timings: { first: number; full: number } } }).explorer.timings);
        first.push(t.first);
        all.push(t.full);
      }
      const engine = await page.evaluate(() => (window as unknown as { explorer: { engine: string } }).explorer.engine);
      console.log(`  ${what}: page load and first run ${load.toFixed(2)} s; first redraw ${median(first).toFixed(0)} ms (goal ≤ 100), full ensemble ${median(all).toFixed(0)} ms (goal ≤ 1000 for 10,000 × 200) on ${engine}`);
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
