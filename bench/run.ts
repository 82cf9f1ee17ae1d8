/**
 * `npm run bench [-- section…] [--quick] [--no-peers]`: prints figures, never asserts. Sections: analysis, engine, gpu, startup, explorer.
 */
import os from 'node:os';
import { benchAnalysis } from './analysis.ts';
import { benchEngine } from './engine.ts';
import { benchGpu } from './gpu.ts';
import { benchExplorer } from './explorer.ts';
import { benchStartup } from './startup.ts';

const sections: Record<string, () => void | Promise<void>> = { analysis: benchAnalysis, engine: benchEngine, gpu: benchGpu, startup: benchStartup, explorer: benchExplorer };
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
console.log(`# dropgrad-lab bench — ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
for (const [name, run] of Object.entries(sections)) {
  if (wanted.length && !wanted.includes(name)) continue;
  await run();
}
