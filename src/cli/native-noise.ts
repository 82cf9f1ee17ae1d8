/**
 * Dawn (npm `webgpu`, Node's WebGPU) writes "Warning: …" lines straight to the process's stderr from native code,
 * where JavaScript cannot filter them: on lavapipe, two about adapter limits on every run. A command that will
 * load Dawn therefore runs in a child process whose stderr this process reads: Dawn's lines are dropped (shown
 * with --verbose, which runs in one process as before); everything else — the command's own messages, the
 * progress bar, stdout and the exit status — passes through unchanged, and SIGINT and SIGTERM reach the child.
 */
import { spawn } from 'node:child_process';

/** A native library's line: Dawn's "Warning: …"/"Info: …" and the source frames it sometimes adds. */
export const NATIVE_NOISE = /^(Warning|Info): |^\s+at \S+ \([^)]*\.(cc|cpp|h|mm):\d+\)$/;

/** Set in the child, so that it runs the command itself. */
const CHILD = 'DROPGRAD_NATIVE_FILTERED';

/**
 * Whether this command will load Dawn here (and is not already the filtered child): a WebGPU backend (`backend` as
 * given on the command line; simulate's default is auto, the others' cpu) and an adapter route on this machine.
 */
export async function loadsDawn(command: string, backend: string | undefined): Promise<boolean> {
  if (process.env[CHILD]) return false;
  const chosen = backend ?? (command === 'simulate' ? 'auto' : 'cpu');
  if (!['simulate', 'sweep', 'report'].includes(command) || !['auto', 'webgpu'].includes(chosen)) return false;
  try {
    const known = (await import('../gpu/device.ts')).nodeBackend();
    // auto starts Dawn only where a Vulkan driver may be a GPU (gpu/runners.ts: Mesa's routes are known software).
    return chosen === 'webgpu' ? known !== null : known === 'vulkan' || (known !== null && Boolean(process.env.DROPGRAD_WEBGPU_BACKEND));
  } catch {
    return false; // a bad DROPGRAD_WEBGPU_BACKEND: the command itself names it
  }
}

/** Runs the CLI with `argv` in a child process, filtering its stderr; resolves to its exit status. */
export function runFiltered(argv: string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, [CHILD]: '1', ...(process.stderr.isTTY ? { DROPGRAD_STDERR_TTY: '1' } : {}) },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    const kept = lines.filter((l) => !NATIVE_NOISE.test(l));
    if (kept.length) process.stderr.write(`${kept.join('\n')}\n`);
    // A progress bar redraws with \r and no newline: pass it on at once.
    if (pending.startsWith('\r')) {
      process.stderr.write(pending);
      pending = '';
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      if (pending && !NATIVE_NOISE.test(pending)) process.stderr.write(pending);
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}
