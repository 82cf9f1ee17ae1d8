/**
 * Equations rendered at build time with KaTeX to MathML, which browsers display natively: no fonts, scripts or
 * network at view time. The TeX source is ours (never user input); KaTeX escapes its own output.
 */
import { type Raw, raw } from './html.ts';
import { lazy } from '../lazy.ts';

type Katex = { renderToString(tex: string, o: object): string };
const katex = lazy<Katex>('katex');

export function tex(source: string, display = false): Raw {
  return raw(katex().renderToString(source, { output: 'mathml', displayMode: display, throwOnError: true }));
}
