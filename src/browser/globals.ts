/**
 * What the browser build injects where the sources use Node's globals: `process` (the engine reads
 * process.env.DROPGRAD_NO_WASM; no `versions.node`, so bundled libraries take their browser branches) and
 * `setImmediate` (a MessageChannel turn: setTimeout(0) is clamped to 4 ms after a few nested calls).
 */
export const process = { env: {} as Record<string, string | undefined>, platform: 'browser', versions: {} as Record<string, string>, pid: 0 };

const queue: (() => void)[] = [];
let channel: MessageChannel | null = null;
export function setImmediate(f: () => void): void {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => queue.shift()?.();
  }
  queue.push(f);
  channel.port2.postMessage(0);
}
