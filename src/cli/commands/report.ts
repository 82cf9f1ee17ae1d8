/** `dropgrad report`: the research reports as self-contained HTML. */
import { ParameterError } from '../../errors.ts';
import { SECTIONS, SECTION_STAGES, buildReport } from '../../report/build.ts';
import { progressReporter } from '../progress.ts';
import { runnerFor } from '../../gpu/runners.ts';
import type { Command } from '../command.ts';
import { int } from '../flags.ts';

export const reportCommand: Command = {
  name: 'report',
  usage: `dropgrad report [--quick] [--section sgd|adaptive|lion|benchmarks|tuned|regularization|regression]… [--out DIR] [--seed S] [--backend auto|cpu|webgpu|chromium] [--quiet] [--json]

One page per section of the DropGrad mathematical analysis (SGD, adaptive optimizers, Lion), the benchmark
visualizations, fair comparisons at tuned learning rates, and a theory-vs-simulation table, with an index that opens with the findings. Pages open from disk with no network:
plotly.js is written once beside them and equations are rendered to MathML at build time.
--quick builds every section at small sizes (tests, CI). With a WebGPU backend (auto: Node's adapter when there is
one) the hyperparameter grids run in one batch on the device; everything else runs on the CPU engine. Default cpu.`,
  options: {
    quick: { type: 'boolean' },
    section: { type: 'string', multiple: true },
    out: { type: 'string', default: 'reports' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'cpu' },
    quiet: { type: 'boolean' },
  },
  async run(values) {
    const sections = (values.section as string[] | undefined) ?? [];
    for (const s of sections) if (!(s in SECTIONS)) throw new ParameterError('--section', s, Object.keys(SECTIONS).join(' | '));
    const backend = String(values.backend);
    const gpu = await runnerFor(backend, 'report', true);
    const quiet = Boolean(values.quiet);
    const chosen = sections.length ? sections : Object.keys(SECTIONS);
    const total = chosen.reduce((a, s) => a + SECTION_STAGES[s], 0);
    const bar = progressReporter('report', quiet);
    let done = 0;
    bar(0, total);
    const r = await buildReport({
      out: String(values.out),
      quick: Boolean(values.quick),
      sections,
      seed: int(values, 'seed', 0) ?? 1,
      gpu: gpu ?? undefined,
      // Each stage reports when it starts: the bar counts the stages finished before it.
      progress: (label) => {
        if (!quiet && !process.stderr.isTTY) process.stderr.write(`report: ${label}\n`);
        bar(Math.min(done++, total), total);
      },
    });
    bar(total, total);
    await gpu?.close();
    return { ...r, backend: gpu ? `webgpu (${gpu.adapter}) for the sensitivity grids; cpu elsewhere` : 'cpu' };
  },
  text(result) {
    const r = result as { out: string; pages: string[]; checks: number; worstZ: number; seconds: number };
    return `${r.pages.length} pages in ${r.out}/ (open ${r.out}/index.html) in ${r.seconds.toFixed(1)} s; ${r.checks} closed forms checked, largest |z| = ${r.worstZ.toFixed(2)}`;
  },
};
