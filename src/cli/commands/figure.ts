/** `dropgrad figure`: one report figure as SVG, PNG or PDF through headless Chromium. */
import { ParameterError } from '../../errors.ts';
import { exportFigure } from '../../report/figure.ts';
import type { Command } from '../command.ts';
import { int } from '../flags.ts';

/** Largest width or height of an exported figure. */
const MAX_PX = 8000;

export const figureCommand: Command = {
  name: 'figure',
  usage: `dropgrad figure <section/figure-id> --format svg|png|pdf [--dir reports] [--file PATH] [--width W] [--height H]

Renders a figure written by \`dropgrad report\` (its data lives in <dir>/figures/<section>/<id>.json;
the figure ids are listed on each page and in \`dropgrad report --json\`) with the same plotly.js,
through Debian's chromium (apt-get install chromium; or set CHROMIUM_PATH).`,
  options: { format: { type: 'string', default: 'svg' }, dir: { type: 'string', default: 'reports' }, file: { type: 'string' }, width: { type: 'string' }, height: { type: 'string' } },
  positionals: { min: 1, max: 1, what: 'the figure id' },
  async run(values, positionals) {
    const format = String(values.format);
    if (format !== 'svg' && format !== 'png' && format !== 'pdf') throw new ParameterError('--format', format, 'svg, png or pdf');
    const id = positionals[0];
    if (!id) throw new ParameterError('figure', undefined, 'a figure id such as sgd/sgd-stability');
    const file = (values.file as string | undefined) ?? `${id.replace('/', '-')}.${format}`;
    const size = (key: string) => {
      const v = int(values, key, 100);
      // Chromium renders nothing (a 0-byte image) beyond its texture limits; 8000 px is far inside them.
      if (v !== undefined && v > MAX_PX) throw new ParameterError(`--${key}`, v, `an integer in [100, ${MAX_PX}] (pixels)`);
      return v;
    };
    return exportFigure({ dir: String(values.dir), id, format, file, width: size('width'), height: size('height') });
  },
  text(result) {
    const r = result as { file: string; bytes: number };
    return `${r.file} (${r.bytes} bytes)`;
  },
};
