/**
 * node:worker_threads in the browser build, over Web Workers: the engine's pool (src/analysis/mc/pool.ts) and its
 * worker (src/analysis/mc/worker.ts) run unchanged. Workers are started from a Blob of the worker bundle's source,
 * embedded in the main bundle at build time: a page opened from disk (file://) may start Blob workers but not
 * workers from files. `ref`/`unref` have no meaning in a page.
 */
import WORKER_SOURCE from 'dropgrad:worker-source';

type Listener = (value: never) => void;
let blobUrl: string | null = null;

export class Worker {
  private readonly worker: globalThis.Worker;
  private readonly listeners: Record<'message' | 'error' | 'exit', Listener[]> = { message: [], error: [], exit: [] };

  constructor(_script: URL | string) {
    blobUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    this.worker = new globalThis.Worker(blobUrl, { name: 'dropgrad-lab engine' });
    this.worker.onmessage = (e) => this.emit('message', e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.emit('error', new Error(e.message || 'engine worker failed to start'));
    };
  }
  private emit(event: 'message' | 'error' | 'exit', value: unknown): void {
    for (const f of this.listeners[event]) (f as (v: unknown) => void)(value);
  }
  on(event: 'message' | 'error' | 'exit', f: (value: never) => void): this {
    this.listeners[event].push(f);
    return this;
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }
  ref(): void {}
  unref(): void {}
  async terminate(): Promise<number> {
    this.worker.terminate();
    this.emit('exit', 1);
    return 1;
  }
}

interface Scope {
  addEventListener(type: 'message', f: (e: MessageEvent) => void): void;
  postMessage(message: unknown, transfer: Transferable[]): void;
}
const scope = globalThis as unknown as Scope & { WorkerGlobalScope?: unknown; document?: unknown };

/** Inside a Web Worker, the page's end of the channel; null on the page itself. */
export const parentPort =
  scope.WorkerGlobalScope !== undefined && scope.document === undefined
    ? {
        on(_event: 'message', f: (data: never) => void) {
          scope.addEventListener('message', (e) => f(e.data as never));
        },
        postMessage(message: unknown, transfer: Transferable[] = []) {
          scope.postMessage(message, transfer);
        },
      }
    : null;

export default { Worker, parentPort };
