/**
 * The browser build (dist/browser/, scripts/bundle.mjs) in headless Chromium, from a page opened from disk
 * (file://, no server, no network, no flag that lets a file page read other files): the classic-script bundle
 * loads; exact moments, simulateSync on the page, simulate on Web Workers (the WebAssembly kernels assembled in
 * the page and in each worker) and a custom mathjs surface give the same bits as Node for the same seed; the
 * WebGPU path through navigator.gpu (SwiftShader here) gives the same bits as Node driving the same adapter; the
 * page logs no error. Under CI=true a missing Chromium fails.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiStepMoments } from '../../src/analysis/moments.ts';
import { closePool } from '../../src/analysis/mc/pool.ts';
import { simulate } from '../../src/analysis/mc/simulate.ts';
import type { SimulationSpec } from '../../src/analysis/mc/spec.ts';
import { chromiumRunner } from '../../src/gpu/runners.ts';
import { simulateGpu } from '../../src/gpu/simulate.ts';
import { CHROMIUM, chromiumAvailable } from '../../src/report/browser.ts';
import { quadratic } from '../../src/surfaces/quadratic.ts';

if (!chromiumAvailable() && process.env.CI === 'true') throw new Error('Chromium is required under CI=true for the browser-build test (scripts/setup-system.sh)');

const BUNDLE = fileURLToPath(new URL('../../dist/browser/dropgrad-lab.global.js', import.meta.url));
const H = [
  [3, 1],
  [1, 2],
];
const MOMENTS_ARGS = { x0: [1, -1], steps: 20, rates: [0.3, 0.5], lr: 0.1 };
const SPEC: SimulationSpec = {
  problem: { surface: { kind: 'rosenbrock' }, x0: [-1.5, 2], optimizer: { name: 'adam', lr: 0.01 }, drop: { rate: 0.2 } },
  samples: 12_000,
  steps: 60,
  seed: 5,
};
const EXPR_SPEC: SimulationSpec = {
  problem: { surface: { kind: 'expr', expr: '(x - 1)^2 + 3 * sin(y)^2 + 0.1 * x * y' }, x0: [2, 1], optimizer: { name: 'sgd', lr: 0.05, momentum: 0.5 }, drop: { rate: 0.4 } },
  samples: 3000,
  steps: 40,
  seed: 9,
};
const GPU_SPEC: SimulationSpec = { ...SPEC, samples: 4096, steps: 30 };

/** What must agree: the statistics, not the timing. */
const stats = (r: { mean: unknown; cov: unknown; meanLoss: unknown; stderrLoss: unknown; diverged: unknown; perStep?: { lossMean?: unknown } }) =>
  JSON.parse(JSON.stringify({ mean: r.mean, cov: r.cov, meanLoss: r.meanLoss, stderrLoss: r.stderrLoss, diverged: r.diverged, lossMean: r.perStep?.lossMean }));

const PAGE = `<!doctype html><meta charset="utf-8"><title>dropgrad-lab browser build</title>
<script src="dropgrad-lab.global.js"></script>
<script>
(async () => {
  const dg = globalThis.DropGrad;
  const stats = ${stats.toString()};
  const out = {};
  try {
    const a = ${JSON.stringify(MOMENTS_ARGS)};
    const m = dg.multiStepMoments(dg.quadratic({ H: ${JSON.stringify(H)} }), { x0: a.x0, steps: a.steps, lr: () => a.lr, rates: () => new Float64Array(a.rates) });
    out.moments = { expectedLoss: m.expectedLoss, mean: Array.from(m.mean) };
    out.wasm = await dg.prepareWasm();
    const spec = ${JSON.stringify(SPEC)};
    const sync = dg.simulateSync(spec);
    out.sync = stats(sync);
    out.syncKernel = sync.kernel;
    await dg.simulate(spec, { workers: 2 }); // starts the workers: the next call runs every block on them
    const w = await dg.simulate(spec, { workers: 2 });
    out.workers = stats(w);
    out.workersKernel = w.kernel;
    out.expr = stats(await dg.simulate(${JSON.stringify(EXPR_SPEC)}, { workers: 2 }));
    const gpu = await dg.browserRunner();
    if (gpu) {
      const g = await dg.simulateGpu(${JSON.stringify(GPU_SPEC)}, gpu);
      out.gpu = { adapter: gpu.adapter, ...stats(g) };
      await gpu.close();
    }
    await dg.closePool();
  } catch (e) {
    out.error = String((e && e.stack) || e);
  }
  window.__result = out;
})();
</script>`;

describe.skipIf(!chromiumAvailable())('browser build, from a page opened from disk', () => {
  let browser: Browser;
  let dir = '';
  let result: Record<string, unknown>;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dropgrad-page-'));
    copyFileSync(BUNDLE, join(dir, 'dropgrad-lab.global.js'));
    writeFileSync(join(dir, 'index.html'), PAGE);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.route(/^(?!file:)/, (route) => route.abort()); // no network
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
    result = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await closePool();
  });

  it('runs with no error on the page', () => {
    expect(result.error).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });
  it('exact moments: the same bits as Node', () => {
    const m = multiStepMoments(quadratic({ H }), { x0: MOMENTS_ARGS.x0, steps: MOMENTS_ARGS.steps, lr: () => MOMENTS_ARGS.lr, rates: () => new Float64Array(MOMENTS_ARGS.rates) });
    expect(result.moments).toEqual({ expectedLoss: m.expectedLoss, mean: Array.from(m.mean) });
  });
  it('Monte-Carlo on the page and on Web Workers, with the WebAssembly kernels: the same bits as Node', async () => {
    expect(result.wasm).toBe(true);
    expect(result.syncKernel).toMatch(/wasm/);
    expect(result.workersKernel).toMatch(/wasm/);
    const node = stats(await simulate(SPEC, { workers: 0 }));
    expect(result.sync).toEqual(node);
    expect(result.workers).toEqual(node);
  }, 60_000);
  it('a custom mathjs surface on Web Workers: the same bits as Node', async () => {
    expect(result.expr).toEqual(stats(await simulate(EXPR_SPEC, { workers: 0 })));
  }, 60_000);
  it("the README's page example runs as written, from disk", async () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const example = /\*\*In a page\.\*\*[\s\S]*?```html\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toMatch(/dropgrad-lab\.global\.js/);
    writeFileSync(join(dir, 'readme.html'), `<!doctype html><meta charset="utf-8"><title>README example</title>\n${example}`);
    const page = await browser.newPage();
    const logged = new Promise<string>((done) => page.on('console', (m) => done(m.text())));
    await page.goto(pathToFileURL(join(dir, 'readme.html')).href);
    expect(Number(await logged)).toBeGreaterThan(0);
    await page.close();
  }, 60_000);
  it('WebGPU through navigator.gpu: the same bits as Node driving the same adapter', async () => {
    const gpu = result.gpu as ({ adapter: string } & Record<string, unknown>) | undefined;
    expect(gpu, 'the page found no WebGPU adapter').toBeDefined();
    const runner = await chromiumRunner();
    if (!runner) throw new Error('Chromium exposes no WebGPU adapter to Node');
    try {
      const { adapter, ...fromPage } = gpu!;
      expect(adapter).toMatch(/\(browser\)$/);
      expect(fromPage).toEqual(stats(await simulateGpu(GPU_SPEC, runner)));
    } finally {
      await runner.close();
    }
  }, 120_000);
});
