/**
 * The WebGPU executor: runs a plan (WGSL, buffers, dispatches, reads) on any `GPUDevice`. It is self-contained —
 * no run-time imports, no Node APIs, no closures — so the very same function runs in Node (Dawn, the npm `webgpu` package)
 * and in a browser page (it is sent to headless Chromium as source text). Buffers travel as base64.
 */
import type { Codec, GpuPlan } from './types.ts';

export type { Codec, GpuPlan };

/** Runs `plan` on `device`: uploads the buffers, runs the submissions in order, returns the reads as base64. */
export async function executePlan(device: GPUDevice, plan: GpuPlan, codec?: Codec): Promise<string[]> {
  const toBytes =
    codec?.toBytes ??
    ((b64: string) => {
      const s = atob(b64);
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
      return out;
    });
  const toB64 =
    codec?.toB64 ??
    ((bytes: Uint8Array) => {
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
      return btoa(s);
    });
  const scope = () => {
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
  };
  const unscope = async (what: string) => {
    const a = await device.popErrorScope();
    const b = await device.popErrorScope();
    const e = a ?? b;
    if (e) throw new Error(`WebGPU ${what}: ${e.message}`);
  };
  scope();
  const module = device.createShaderModule({ code: plan.wgsl });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) throw new Error(`WGSL: ${errors.map((m) => `line ${m.lineNum}: ${m.message}`).join('; ')}`);
  const buffers = plan.buffers.map((b) => {
    const usage = (b.uniform ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const buf = device.createBuffer({ size: Math.max(16, Math.ceil(b.size / 4) * 4), usage });
    if (b.data) {
      const bytes = toBytes(b.data);
      device.queue.writeBuffer(buf, 0, bytes as Uint8Array<ArrayBuffer>);
    }
    return buf;
  });
  const layout = device.createBindGroupLayout({
    entries: plan.bindings.map((b) => ({ binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.type, hasDynamicOffset: Boolean(b.dynamic) } })),
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipelines = new Map<string, GPUComputePipeline>();
  const group = device.createBindGroup({
    layout,
    entries: plan.bindings.map((b) => ({ binding: b.binding, resource: { buffer: buffers[b.buffer], ...(b.size ? { size: b.size } : {}) } })),
  });
  await unscope('setup');
  for (const sub of plan.submissions) {
    scope();
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const d of sub) {
      let p = pipelines.get(d.entry);
      if (!p) {
        p = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: d.entry } });
        pipelines.set(d.entry, p);
      }
      pass.setPipeline(p);
      pass.setBindGroup(0, group, plan.bindings.some((b) => b.dynamic) ? [d.offset] : []);
      pass.dispatchWorkgroups(d.workgroups);
    }
    pass.end();
    device.queue.submit([enc.finish()]);
    await unscope('dispatch');
  }
  const out: string[] = [];
  for (const r of plan.reads) {
    const staging = device.createBuffer({ size: r.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(buffers[r.buffer], r.offset, staging, 0, r.size);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    out.push(toB64(new Uint8Array(staging.getMappedRange().slice(0))));
    staging.unmap();
    staging.destroy();
  }
  for (const b of buffers) b.destroy();
  return out;
}
