/**
 * Vitest global set-up: runs `npm run build` (dist/ from tsc, dist/node/ and dist/browser/ from esbuild) before any
 * test, so that the CLI tests (bin/dropgrad.js runs dist/node/), the package tests and the browser tests exercise
 * the sources as they are now.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}
