/**
 * Equations rendered at build time with KaTeX to MathML, which browsers display natively: no fonts, scripts or
 * network at view time. The TeX source is ours (never user input); KaTeX escapes its own output.
 */
import { createRequire } from 'node:module';
import { type Raw, raw } from './html.ts';

type Katex = { renderToString(tex: string, o: object): string };
let katex: Katex | null = null;

export function tex(source: string, display = false): Raw {
  katex ??= createRequire(import.meta.url)('katex') as Katex;
  return raw(katex.renderToString(source, { output: 'mathml', displayMode: display, throwOnError: true }));
}
