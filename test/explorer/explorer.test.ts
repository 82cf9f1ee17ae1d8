/**
 * The DropGrad Explorer (`dropgrad explore`) in headless Chromium, opened from disk with the network cut: it loads
 * with no console error; every control exists and is labelled; the drop-rate slider moved from the keyboard
 * changes the figures' data and the URL; a URL with a state restores it; the table's Monte-Carlo numbers equal
 * `dropgrad simulate` run with the command line the page shows; hostile expressions are refused inline and
 * execute nothing. Screenshots of each view land in test-artifacts/screenshots/explorer-*.png. Under CI=true a
 * missing Chromium fails.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumAvailable } from '../../src/report/browser.ts';
import { cliJson } from '../cli/helpers.ts';

const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');

if (!chromiumAvailable() && process.env.CI === 'true') throw new Error('Chromium is required under CI=true for the Explorer test (scripts/setup-system.sh)');

const CONTROLS = ['surface', 'condition', 'angle', 'sharpness', 'expr', 'x0', 'optimizer', 'lr', 'momentum', 'nesterov', 'b1', 'b2', 'weightDecay', 'p', 'gaussian', 'fullUpdateDrop', 'samples', 'steps', 'seed', 'backend'];

/** The words of a command line as a POSIX shell splits them (plain words and single-quoted ones). */
const words = (line: string) => [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : m[2]));

describe.skipIf(!chromiumAvailable())('DropGrad Explorer, opened from disk', () => {
  let browser: Browser;
  let url = '';
  const problems: string[] = [];
  const dialogs: string[] = [];

  const open = async (hash = ''): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.route(/^(?!file:)/, (route) => route.abort());
    await page.goto(`${url}${hash}`);
    await settled(page);
    return page;
  };
  const settled = (page: Page) =>
    page.waitForFunction(
      () => {
        const e = (window as unknown as { explorer?: { timings: { full: number | null } } }).explorer;
        return (e && e.timings.full !== null) || /^not run/.test(document.getElementById('status')?.textContent ?? '');
      },
      null,
      { timeout: 60_000 },
    );

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dropgrad-explorer-'));
    const r = cliJson<{ page: string; url: string; files: string[] }>(['explore', '--out', dir]);
    expect(r.page).toBe(join(dir, 'index.html'));
    for (const f of r.files) expect(existsSync(join(dir, f)), f).toBe(true);
    url = pathToFileURL(r.page).href;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('loads from disk with no console error, every control present and labelled', async () => {
    const page = await open();
    const report = await page.evaluate((ids) => {
      return ids.map((id) => {
        const el = document.getElementById(id);
        const label = el ? document.querySelector(`label[for="${id}"]`)?.textContent?.trim() || el.getAttribute('aria-label') : null;
        return { id, exists: el !== null, label };
      });
    }, CONTROLS);
    for (const c of report) {
      expect(c.exists, c.id).toBe(true);
      expect(c.label, c.id).toBeTruthy();
    }
    expect(await page.locator('#status').textContent()).toMatch(/10,000 trajectories × 200 steps on \d+ Web Workers/);
    expect(await page.locator('#theory tbody tr').count()).toBe(6);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'explorer-page.png'), fullPage: true });
    await page.locator('#contour').screenshot({ path: join(SHOTS, 'explorer-contour.png') });
    await page.locator('#loss').screenshot({ path: join(SHOTS, 'explorer-loss.png') });
    await page.locator('#law').screenshot({ path: join(SHOTS, 'explorer-law.png') });
    await page.locator('#theory').screenshot({ path: join(SHOTS, 'explorer-table.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('the drop-rate slider moved from the keyboard redraws the figures and updates the URL', async () => {
    const page = await open();
    const data = () => page.evaluate(() => JSON.stringify((document.getElementById('loss') as unknown as { data: unknown }).data));
    const before = await data();
    await page.focus('#p');
    for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.includes('p=0.35'), null, { timeout: 5000 });
    await settled(page);
    await page.waitForFunction((b) => JSON.stringify((document.getElementById('loss') as unknown as { data: unknown }).data) !== b, before, { timeout: 5000 });
    expect(await page.locator('#p-value').textContent()).toBe('0.35');
    expect(await page.locator('#cli').textContent()).toContain('--drop-rate 0.35');
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it("a URL restores its state, and the table's Monte-Carlo numbers equal dropgrad simulate run with the page's command", async () => {
    const page = await open('#surface=rosenbrock&optimizer=adam&lr=0.01&p=0.2&samples=1000&steps=100&seed=7');
    expect(await page.locator('#surface').inputValue()).toBe('rosenbrock');
    expect(await page.locator('#optimizer').inputValue()).toBe('adam');
    expect(await page.locator('#p').inputValue()).toBe('0.2');
    expect(await page.locator('#samples').inputValue()).toBe('1000');
    const line = (await page.locator('#cli').textContent()) ?? '';
    const shown = await page.evaluate(() => {
      const r = (window as unknown as { explorer: { result: { mean: number[]; meanLoss: number; stderrLoss: number } } }).explorer.result;
      return { mean: r.mean, meanLoss: r.meanLoss, stderrLoss: r.stderrLoss, cells: [...document.querySelectorAll('#theory td[data-value]')].map((td) => Number((td as HTMLElement).dataset.value)) };
    });
    const [cmd, ...args] = words(line);
    expect(cmd).toBe('dropgrad');
    const cli = cliJson<{ mean: number[]; meanLoss: number; stderrLoss: number; medianLoss: number }>(args);
    expect(shown.mean).toEqual(cli.mean);
    expect(shown.meanLoss).toBe(cli.meanLoss);
    expect(shown.stderrLoss).toBe(cli.stderrLoss);
    // The table's E[x_T], E f(x_T) and median f(x_T) cells hold those very numbers.
    expect(shown.cells.slice(-4)).toEqual([...cli.mean, cli.meanLoss, cli.medianLoss]);
    await page.screenshot({ path: join(SHOTS, 'explorer-rosenbrock-adam.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it("the update-law view: the exact ratio from mask enumeration meets the closed forms (Lion's 1 − pᵗ exactly; SGD's 1 with momentum)", async () => {
    const law = async (hash: string) => {
      const page = await open(hash);
      const traces = await page.evaluate(() => (document.getElementById('law') as unknown as { data: { y: number[] }[] }).data.map((t) => t.y));
      await page.close();
      return traces;
    };
    const [lionExact, lionLaw] = await law('#surface=rosenbrock&optimizer=lion&lr=0.001&p=0.5&samples=1000&steps=20');
    expect(lionExact).toHaveLength(10);
    lionExact.forEach((v, k) => expect(Math.abs(v - lionLaw[k])).toBeLessThan(1e-12));
    expect(lionLaw[0]).toBeCloseTo(0.5, 15);
    const [sgdExact] = await law('#surface=valley&momentum=0.9&p=0.5&samples=1000&steps=20');
    for (const v of sgdExact) expect(Math.abs(v - 1)).toBeLessThan(1e-9);
    expect(problems).toEqual([]);
  }, 90_000);
  it('hostile expressions are refused inline and execute nothing', async () => {
    const page = await open('#surface=expr');
    for (const expr of ['<img src=x onerror=alert(1)>', "import('data:text/javascript,alert(1)')", 'constructor.constructor("window.pwned=1")()']) {
      await page.fill('#expr', expr);
      await page.dispatchEvent('#expr', 'change');
      await page.waitForFunction(() => (document.getElementById('expr-error')?.textContent ?? '') !== '', null, { timeout: 5000 });
      expect(await page.locator('#expr-error').textContent()).toMatch(/expr/);
      expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      await page.fill('#expr', '(x - 1)^2 + 10 * (y - x^2)^2');
      await page.dispatchEvent('#expr', 'change');
      await page.waitForFunction(() => (document.getElementById('expr-error')?.textContent ?? '') === '', null, { timeout: 5000 });
    }
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
