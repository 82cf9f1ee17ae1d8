/**
 * Base64 of bytes both ways, in Node (its native Buffer codec, fast) and in a browser (atob/btoa over chunks): the
 * WebGPU plans carry their buffers as base64 (src/gpu/execute.ts).
 */
type NodeBuffer = { from(data: ArrayBufferLike | string, offsetOrEncoding?: number | string, length?: number): Uint8Array & { toString(encoding: string): string } };
const NodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** The bytes of `v` as base64. */
export function toBase64(v: ArrayBufferView): string {
  if (NodeBuffer) return NodeBuffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The bytes base64 text `s` encodes, in a new ArrayBuffer. */
export function fromBase64(s: string): ArrayBuffer {
  if (NodeBuffer) {
    const b = NodeBuffer.from(s, 'base64');
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  const text = atob(s);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out.buffer;
}
