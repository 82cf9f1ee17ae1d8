import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/dropgrad.js', import.meta.url));

export function cli(args: string[], env?: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: env ? { ...process.env, ...env } : undefined });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliJson<T = Record<string, unknown>>(args: string[], env?: Record<string, string>): T {
  const r = cli([...args, '--json'], env);
  if (r.status !== 0) throw new Error(`dropgrad ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
