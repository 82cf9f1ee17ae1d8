/**
 * WebGPU device acquisition. In Node through the npm package `webgpu` (Dawn); in a browser through
 * `navigator.gpu`. Plans run through `executePlan` (execute.ts), here or in a browser page.
 *
 * Dawn's backend in Node: Vulkan when a Vulkan driver is registered (a GPU's driver, or one named in
 * VK_ICD_FILENAMES); else Vulkan on the lavapipe that scripts/setup-lavapipe.sh unpacks into .vendor/mesa (Mesa 25
 * from Debian's backports); otherwise, on Linux with Mesa's EGL, Dawn's OpenGL ES backend on Debian's llvmpipe
 * (headless, EGL_PLATFORM=surfaceless) in WebGPU compatibility mode, about 3× slower than lavapipe here.
 * DROPGRAD_WEBGPU_BACKEND=vulkan|opengles forces one. Why OpenGL ES on machines without a GPU: in sandboxes whose futex calls misbehave (measured on the
 * project's CI machines) Dawn's Vulkan path aborts under load on SwiftShader and on lavapipe alike
 * ("std::system_error: Invalid argument"), while the OpenGL ES path runs the same kernels (1e8+ invocations,
 * hundreds of submissions) without fault.
 */
import type { NodeBackend } from './types.ts';
import { ParameterError } from '../errors.ts';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export const HOW_TO_GET_AN_ADAPTER =
  `no WebGPU adapter: on a machine without a GPU install Debian's chromium and libvulkan1 (bash scripts/setup-system.sh) and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}, or run on a machine with a GPU; --backend chromium runs the same kernels in headless Chromium's WebGPU; --backend cpu (or auto) runs the CPU engine`;

export interface Gpu {
  device: GPUDevice;
  adapterName: string;
  limits: { maxStorageBufferBindingSize: number; maxComputeWorkgroupsPerDimension: number; maxComputeInvocationsPerWorkgroup: number; minUniformBufferOffsetAlignment: number };
}

/**
 * On Linux, Dawn's adapters come from Vulkan drivers: with no installable client driver registered (and none
 * named in the environment) there is no adapter, and asking Dawn would only print loader warnings.
 */
function vulkanDriversPresent(): boolean {
  if (process.platform !== 'linux') return true;
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES || process.env.VK_ADD_DRIVER_FILES) return true;
  return ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'].some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));
}

const MESA_EGL = ['/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0', '/usr/lib/aarch64-linux-gnu/libEGL_mesa.so.0', '/usr/lib64/libEGL_mesa.so.0'];

/** Whether Mesa's EGL is installed (Dawn's OpenGL ES backend then runs on llvmpipe). */
export const hasMesaEgl = () => process.platform === 'linux' && MESA_EGL.some((f) => existsSync(f));

/** The ICD file of the project's unpacked lavapipe, when scripts/setup-lavapipe.sh has run. */
export const VENDORED_LAVAPIPE = fileURLToPath(new URL('../../.vendor/mesa/lvp_icd.json', import.meta.url));


export type { NodeBackend };

/** Which Dawn backend to ask in Node, or null when none can give an adapter here. */
export function nodeBackend(): NodeBackend | null {
  const forced = process.env.DROPGRAD_WEBGPU_BACKEND;
  if (forced === 'vulkan' || forced === 'opengles') return forced;
  if (forced !== undefined && forced !== '') throw new ParameterError('DROPGRAD_WEBGPU_BACKEND', forced, 'vulkan or opengles (or unset: the first that works here)');
  if (vulkanDriversPresent()) return 'vulkan';
  if (process.platform === 'linux' && existsSync(VENDORED_LAVAPIPE)) return 'lavapipe';
  if (hasMesaEgl()) return 'opengles';
  return null;
}

/** Whether an adapter is a software rasteriser (SwiftShader, llvmpipe, lavapipe): `auto` does not pick those. */
export const isSoftwareAdapter = (name: string) => /swiftshader|llvmpipe|lavapipe|softpipe/i.test(name);

const cached = new Map<string, Promise<Gpu | null>>();
/**
 * Dawn's instance and adapter, kept for the life of the process. Nothing else in JavaScript refers to them once
 * the device exists; when the garbage collector freed the instance, Dawn's pending-event processing later
 * locked a destroyed mutex and aborted the process ("std::system_error: Invalid argument", or glibc's "futex
 * facility returned an unexpected error code") — which looked like a driver crash under load.
 */
const keepAlive: unknown[] = [];

/**
 * The adapter and device, or null when none exists (never throws for a missing adapter); one per process and
 * backend. `backend` picks Dawn's backend in Node (default: `nodeBackend()`).
 */
export function getGpu(backend: NodeBackend | null = nodeBackend()): Promise<Gpu | null> {
  const key = backend ?? 'none';
  const hit = cached.get(key);
  if (hit) return hit;
  const made = (async () => {
    let gpu: GPU | undefined = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) {
      if (!backend) return null;
      try {
        const webgpu = (await import('webgpu')) as unknown as { create(flags: string[]): GPU; globals: Record<string, unknown> };
        Object.assign(globalThis, webgpu.globals);
        if (backend === 'opengles') process.env.EGL_PLATFORM ??= 'surfaceless';
        // The Vulkan loader reads this when Dawn creates its instance, below.
        if (backend === 'lavapipe') process.env.VK_ICD_FILENAMES = VENDORED_LAVAPIPE;
        gpu = webgpu.create(backend === 'opengles' ? ['backend=opengles'] : []);
      } catch {
        return null;
      }
    }
    keepAlive.push(gpu);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...(backend === 'opengles' ? { featureLevel: 'compatibility' } : {}) } as GPURequestAdapterOptions);
    if (!adapter) return null;
    keepAlive.push(adapter);
    const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
    const adapterName = `${[info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ').trim() || 'unknown adapter'}${backend === 'opengles' ? ' (OpenGL ES, compatibility mode)' : ''}`;
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: Math.min(l.maxStorageBufferBindingSize, 128 * 1024 * 1024),
        maxBufferSize: Math.min(l.maxBufferSize, 256 * 1024 * 1024),
        maxComputeInvocationsPerWorkgroup: Math.min(l.maxComputeInvocationsPerWorkgroup, 256),
        maxComputeWorkgroupSizeX: Math.min(l.maxComputeWorkgroupSizeX, 256),
        maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 10),
      },
    });
    return {
      device,
      adapterName,
      limits: {
        // Honoured on every adapter, whatever it allows: the WebGPU defaults.
        maxStorageBufferBindingSize: Math.min(device.limits.maxStorageBufferBindingSize, 128 * 1024 * 1024),
        maxComputeWorkgroupsPerDimension: Math.min(device.limits.maxComputeWorkgroupsPerDimension, 65535),
        maxComputeInvocationsPerWorkgroup: Math.min(device.limits.maxComputeInvocationsPerWorkgroup, 256),
        minUniformBufferOffsetAlignment: device.limits.minUniformBufferOffsetAlignment,
      },
    };
  })();
  cached.set(key, made);
  return made;
}
