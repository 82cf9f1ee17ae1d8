/**
 * Vitest global set-up: builds the package (`npm run build`: dist/ from tsc, dist/browser/ from esbuild) before any
 * test runs, so that the CLI tests (bin/dropgrad.js runs dist/), the package tests and the browser-build test
 * exercise the sources as they are now.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STEPS = [
  [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'],
  [fileURLToPath(new URL('../../scripts/bundle.mjs', import.meta.url))],
];

export default function setup(): void {
  for (const args of STEPS) {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed (${args.join(' ')}):\n${r.stdout}${r.stderr}`);
  }
}
