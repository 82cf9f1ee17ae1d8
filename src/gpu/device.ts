/**
 * WebGPU device acquisition. In Node through the npm package `webgpu` (Dawn); in a browser through
 * `navigator.gpu`. Without a GPU, Dawn finds an adapter only through a software Vulkan driver: Debian's
 * `chromium` ships SwiftShader (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, with the Vulkan
 * loader from `libvulkan1`). Plans run through `executePlan` (execute.ts), here or in a browser page.
 */
import { existsSync, readdirSync } from 'node:fs';

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

let cached: Promise<Gpu | null> | null = null;

/** The adapter and device, or null when none exists (never throws for a missing adapter). */
export function getGpu(): Promise<Gpu | null> {
  cached ??= (async () => {
    let gpu: GPU | undefined = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) {
      if (!vulkanDriversPresent()) return null;
      try {
        const webgpu = (await import('webgpu')) as unknown as { create(flags: string[]): GPU; globals: Record<string, unknown> };
        Object.assign(globalThis, webgpu.globals);
        gpu = webgpu.create([]);
      } catch {
        return null;
      }
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return null;
    const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
    const adapterName = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ').trim() || 'unknown adapter';
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
  return cached;
}
