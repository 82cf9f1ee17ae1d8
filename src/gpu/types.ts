/**
 * The GPU modules' plain-data types, free of WebGPU's own types, so that the package's declarations type-check in
 * a project without WebGPU typings (lib.dom of TypeScript ≥ 6 has them; Node projects without DOM do not).
 */

export interface GpuPlan {
  wgsl: string;
  /** Bindings of group 0, in order; `buffer` indexes `buffers`. */
  bindings: { binding: number; type: 'uniform' | 'storage' | 'read-only-storage'; buffer: number; dynamic?: boolean; size?: number }[];
  buffers: { size: number; data?: string; uniform?: boolean }[];
  /** Submissions, each a list of dispatches (entry point, dynamic uniform offset, workgroups). */
  submissions: { entry: string; offset: number; workgroups: number }[][];
  reads: { buffer: number; offset: number; size: number }[];
}

/** Base64 both ways; Node passes its native Buffer codec (the page's defaults are plain loops over atob/btoa). */
export interface Codec {
  toBytes(b64: string): Uint8Array;
  toB64(bytes: Uint8Array): string;
}

/** Dawn's backends in Node: a registered Vulkan driver, the project's unpacked lavapipe, OpenGL ES on llvmpipe. */
export type NodeBackend = 'vulkan' | 'lavapipe' | 'opengles';
