#!/usr/bin/env node
// The dropgrad CLI: runs its bundle (dist/node/, built by `npm run build`, which `npm ci` runs through `prepare`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/node/cli.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('dropgrad: dist/ is missing: run `npm run build` in the package folder first\n');
  process.exit(2);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
