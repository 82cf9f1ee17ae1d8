/**
 * The curated public API (src/index.ts): API Extractor reads the compiled declarations and must find nothing to
 * complain about (every type a public signature uses is exported, every doc comment is valid TSDoc), the API
 * report committed in docs/dropgrad-lab.api.md must be the current one (an API change shows in review; `npm run
 * docs` updates it), every public function, class and constant has a doc comment, and the engine's plumbing is
 * not exported.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXTRACTOR = fileURLToPath(new URL('../../node_modules/@microsoft/api-extractor/bin/api-extractor', import.meta.url));

interface ApiItem {
  kind: string;
  name: string;
  docComment?: string;
}

describe('public API', () => {
  it('API Extractor finds no forgotten export and no malformed doc comment, and the committed report is current', () => {
    const r = spawnSync(process.execPath, [EXTRACTOR, 'run'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    const warnings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /Warning|Error/.test(l));
    expect(warnings, warnings.join('\n')).toEqual([]);
    expect(r.status).toBe(0);
  }, 60_000);
  it('every exported function, class and constant is documented', () => {
    const model = JSON.parse(readFileSync(new URL('../../dist/api/dropgrad-lab.api.json', import.meta.url), 'utf8')) as { members: { members: ApiItem[] }[] };
    const items = model.members[0].members;
    const entryPoints = items.filter((x) => ['Function', 'Class', 'Variable'].includes(x.kind));
    expect(entryPoints.length).toBeGreaterThan(100);
    const undocumented = entryPoints.filter((x) => !x.docComment?.replace(/[/*\s]/g, '')).map((x) => x.name);
    expect(undocumented).toEqual([]);
  });
  it('the package exports the curated names and none of the engine internals', async () => {
    const api = await import(new URL('../../dist/index.js', import.meta.url).href);
    for (const name of ['sgd', 'adam', 'lion', 'withDropGrad', 'rosenbrock', 'expressionSurface', 'multiStepMoments', 'lrMax', 'simulate', 'simulateGpu', 'runSweep', 'buildReport', 'plot', 'Matrix']) {
      expect(api, name).toHaveProperty(name);
    }
    for (const name of ['BlockRecorder', 'runBlock', 'fastPathOf', 'packBands', 'halfOf', 'philox4x32', 'KeyedRandom', 'binOf', 'checkSpec', 'statsBuffers', 'mergeStats', 'emptyStats', 'requireFinite', 'eigh']) {
      expect(api, name).not.toHaveProperty(name);
    }
    expect(Object.keys(api).length).toBeLessThan(169);
  });
});
