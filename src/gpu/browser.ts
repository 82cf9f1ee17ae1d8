/** A page's WebGPU device (navigator.gpu) as a GpuRunner for simulateGpu: the same plans and executor as in Node. */
import { executePlan } from './execute.ts';
import type { GpuRunner } from './simulate.ts';
import type { GpuPlan } from './types.ts';

/** The page's WebGPU adapter as a runner, or null when the browser has none (no navigator.gpu, or no adapter). */
export async function browserRunner(): Promise<(GpuRunner & { close(): Promise<void> }) | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const device = await adapter.requestDevice();
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  return {
    adapter: `${name} (browser)`,
    limits: { maxComputeWorkgroupsPerDimension: Math.min(device.limits.maxComputeWorkgroupsPerDimension, 65535), minUniformBufferOffsetAlignment: device.limits.minUniformBufferOffsetAlignment },
    run: (plan: GpuPlan) => executePlan(device, plan),
    close: async () => device.destroy(),
  };
}
