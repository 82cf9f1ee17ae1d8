/**
 * Where the WebGPU plans run: Node's Dawn (npm `webgpu`) when it has an adapter, or a headless Chromium page
 * (Debian's `chromium`, whose WebGPU runs on its bundled SwiftShader without a GPU). The same `executePlan`
 * source runs in both.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, chromiumAvailable } from '../report/browser.ts';
import { ParameterError } from '../errors.ts';
import { HOW_TO_GET_AN_ADAPTER, getGpu, isSoftwareAdapter, nodeBackend } from './device.ts';
import { fromBase64, toBase64 } from '../base64.ts';
import { executePlan } from './execute.ts';
import type { Codec, GpuPlan, NodeBackend } from './types.ts';
import type { GpuRunner } from './simulate.ts';

/** Node's native base64 (src/base64.ts; the executor's portable default decodes byte by byte). */
const NODE_CODEC: Codec = { toBytes: (b64) => new Uint8Array(fromBase64(b64)), toB64: toBase64 };

/** Node's Dawn adapter, or null when there is none. */
export async function nodeRunner(backend?: NodeBackend): Promise<(GpuRunner & { close(): Promise<void> }) | null> {
  const gpu = await getGpu(backend);
  if (!gpu) return null;
  return {
    adapter: `${gpu.adapterName} (Dawn, Node)`,
    limits: gpu.limits,
    run: (plan: GpuPlan) => executePlan(gpu.device, plan, NODE_CODEC),
    close: async () => {},
  };
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>dropgrad-lab WebGPU</title>';

/** WebGPU inside headless Chromium: a secure origin (http://127.0.0.1) and --enable-unsafe-webgpu. */
export async function chromiumRunner(): Promise<(GpuRunner & { close(): Promise<void> }) | null> {
  if (!chromiumAvailable()) return null;
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { chromium } = await import('playwright-core');
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    const page: Page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    // The executor's own source (our code, never user input), defined once in the page.
    await page.addScriptTag({ content: `globalThis.__name = (f) => f; globalThis.__executePlan = (${executePlan.toString()});` });
    const info = await page.evaluate(async () => {
      const g = globalThis as unknown as Record<string, unknown>;
      const nav = navigator as Navigator & { gpu?: GPU };
      const adapter = await nav.gpu?.requestAdapter();
      if (!adapter) return null;
      const device = await adapter.requestDevice();
      g.__device = device;
      const i = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
      return { name: [i?.vendor, i?.architecture, i?.description].filter(Boolean).join(' ') || 'unknown adapter', maxWG: device.limits.maxComputeWorkgroupsPerDimension, align: device.limits.minUniformBufferOffsetAlignment };
    });
    if (!info) {
      await browser.close();
      server.close();
      return null;
    }
    const b = browser;
    return {
      adapter: `${info.name} (Chromium ${b.version()})`,
      limits: { maxComputeWorkgroupsPerDimension: Math.min(info.maxWG, 65535), minUniformBufferOffsetAlignment: info.align },
      run: (plan: GpuPlan) =>
        page.evaluate((p) => {
          const g = globalThis as unknown as { __executePlan: (d: unknown, p: unknown) => Promise<string[]>; __device: unknown };
          return g.__executePlan(g.__device, p);
        }, plan),
      close: async () => {
        await b.close();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}

export type Runner = GpuRunner & { close(): Promise<void> };

/**
 * The runner a command's `--backend` asks for: null for the CPU engine. `webgpu` is Node's Dawn and `chromium` a
 * headless Chromium page; either fails with how to get one when missing. `auto` takes Node's adapter when it is a
 * real GPU; with none, or only a software rasteriser (float32 emulated on the CPU is slower and less precise than
 * the float64 CPU engine), it says so in one line on stderr and returns null.
 */
export async function runnerFor(backend: string, command: string, quiet = false): Promise<Runner | null> {
  if (!['auto', 'cpu', 'webgpu', 'chromium'].includes(backend)) throw new ParameterError('--backend', backend, 'auto, cpu, webgpu or chromium');
  if (backend === 'cpu') return null;
  if (backend === 'chromium') {
    const r = await chromiumRunner();
    if (!r) throw new ParameterError('--backend', backend, 'an installed Chromium with WebGPU (apt-get install chromium)');
    return r;
  }
  const say = (why: string) => {
    if (!quiet) process.stderr.write(`dropgrad ${command}: ${why}; using the CPU engine\n`);
  };
  // Without a Vulkan driver Node's only adapters are Mesa's (lavapipe, or llvmpipe through OpenGL ES): known to be
  // software without starting Dawn (which would print warnings on every run).
  const known = nodeBackend();
  if (backend === 'auto' && (known === 'opengles' || known === 'lavapipe') && !process.env.DROPGRAD_WEBGPU_BACKEND) {
    say(`only a software WebGPU adapter (Mesa's ${known === 'lavapipe' ? 'lavapipe' : 'llvmpipe'}; --backend webgpu uses it anyway)`);
    return null;
  }
  const r = await nodeRunner();
  if (backend === 'webgpu') {
    if (!r) throw new ParameterError('--backend', backend, 'a machine with a WebGPU adapter', HOW_TO_GET_AN_ADAPTER);
    return r;
  }
  if (!r) {
    say('no WebGPU adapter');
    return null;
  }
  if (isSoftwareAdapter(r.adapter)) {
    say(`only a software WebGPU adapter (${r.adapter}; --backend webgpu uses it anyway)`);
    await r.close();
    return null;
  }
  return r;
}
