/** `dropgrad explore`: writes the DropGrad Explorer, a self-contained page (src/explorer/), and prints its path. */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ParameterError } from '../../errors.ts';
import { explorerPage } from '../../explorer/page.ts';
import type { Command } from '../command.ts';

/** The package's root: the nearest folder above this module holding dropgrad-lab's package.json (sources, dist/ or the CLI bundle). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dropgrad-lab') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("dropgrad-lab's package.json was not found above the CLI");
    dir = up;
  }
}

/** A command that opens a file in the desktop's browser, or null where there is none. */
function opener(): string | null {
  const candidates = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? [] : ['xdg-open'];
  for (const c of candidates) if (spawnSync('sh', ['-c', `command -v ${c}`]).status === 0) return c;
  return null;
}

export const exploreCommand: Command = {
  name: 'explore',
  usage: `dropgrad explore [--out DIR] [--open] [--json]

Writes the DropGrad Explorer to DIR (default explorer/): index.html with plotly.js, the library's browser build
and the page's script beside it. It opens from disk with no network: move a control and the exact analysis and a
seeded Monte-Carlo ensemble (Web Workers, WebAssembly; WebGPU on a hardware GPU) redraw; the settings live in the
URL, and the page shows the dropgrad simulate command that gives the same numbers.
--open also opens it in the desktop's browser (xdg-open or open) when there is one.`,
  options: { out: { type: 'string', default: 'explorer' }, open: { type: 'boolean' } },
  run(values) {
    const root = packageRoot();
    const browser = join(root, 'dist', 'browser');
    const files = ['dropgrad-lab.global.js', 'explorer.js'];
    for (const f of files) if (!existsSync(join(browser, f))) throw new ParameterError('dist/browser', join(browser, f), 'the browser build (run `npm run build` in the package folder)');
    const out = resolve(String(values.out));
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    try {
      mkdirSync(out, { recursive: true });
      for (const f of files) copyFileSync(join(browser, f), join(out, f));
      copyFileSync(createRequire(import.meta.url).resolve('plotly.js-dist'), join(out, 'plotly.js'));
      writeFileSync(join(out, 'index.html'), explorerPage(version));
    } catch (e) {
      throw new ParameterError('--out', out, 'a writable directory', (e as NodeJS.ErrnoException).code ?? 'unwritable');
    }
    const page = join(out, 'index.html');
    let opened: string | null = null;
    if (values.open) {
      const cmd = opener();
      if (cmd) {
        spawn(cmd, [page], { detached: true, stdio: 'ignore' }).unref();
        opened = cmd;
      }
    }
    return { page, url: pathToFileURL(page).href, files: ['index.html', 'plotly.js', ...files], opened };
  },
  text(result) {
    const r = result as { page: string; url: string; opened: string | null };
    return `${r.page}\n${r.opened ? `opened with ${r.opened}` : `open ${r.url} in a browser`}`;
  },
};
