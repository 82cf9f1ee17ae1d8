/**
 * Assembly of report pages: thin. A page is a title, a claim, and blocks (prose with equations, figures, tables).
 * Figures are embedded as JSON data and drawn by the plotly.js bundle written once beside the pages.
 */
import { html, page, type Raw, raw } from './html.ts';
import { type Figure, clean } from './theme.ts';

export type Block = { kind: 'html'; html: Raw } | { kind: 'figure'; figure: Figure } | { kind: 'table'; head: string[]; rows: (string | number)[][]; caption: string };

export interface Section {
  id: string;
  title: string;
  /** The claim of the analysis document, in one sentence. */
  claim: string;
  /** What the exact analysis and the simulation say, in brief. */
  verdict: Raw;
  blocks: Block[];
}

const fmt = (v: string | number) => (typeof v === 'number' ? (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : Number(v.toPrecision(5)).toString()) : '—') : v);

export function renderBlock(b: Block): Raw {
  if (b.kind === 'html') return b.html;
  if (b.kind === 'table') {
    return html`<figure class="table"><table><thead><tr>${b.head.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${b.rows.map((r) => html`<tr>${r.map((c, i) => html`<td class="${i === 0 ? 'l' : ''}">${fmt(c)}</td>`)}</tr>`)}</tbody></table>
<figcaption>${b.caption}</figcaption></figure>`;
  }
  const { value, replaced } = clean({ data: b.figure.data, layout: b.figure.layout });
  // JSON inside <script> must not contain "</": escape "<" so no string can close the tag.
  const json = JSON.stringify(value).replace(/</g, '\\u003c');
  // A figure that sets its own height (the loss-and-survival figures: 600 px) gets a box that tall; others 440 px.
  const height = Number((b.figure.layout as { height?: number }).height) || 440;
  return html`<figure class="plot"><div class="plotly" id="fig-${b.figure.id}" data-figure="${b.figure.id}" style="height:${height}px"></div>
<script type="application/json" id="data-${b.figure.id}">${raw(json)}</script>
<figcaption>${b.figure.caption}${replaced ? ` (${replaced} non-finite values — diverged runs — are left out as gaps.)` : ''}</figcaption></figure>`;
}

const DRAW = `<script>
for (const el of document.querySelectorAll('.plotly')) {
  const f = JSON.parse(document.getElementById('data-' + el.dataset.figure).textContent);
  Plotly.newPlot(el, f.data, f.layout, { responsive: true, displaylogo: false });
}
</script>`;

export function sectionPage(s: Section, nav: { id: string; title: string }[]): string {
  const body = html`<nav><a href="index.html">index</a> · ${nav.map((n, i) => html`${i ? ' · ' : ''}<a href="${n.id}.html">${n.title}</a>`)}</nav>
<h1>${s.title}</h1>
<p class="claim"><strong>Claim (analysis document):</strong> ${s.claim}</p>
<div class="verdict"><strong>What the mathematics and the simulation say:</strong> ${s.verdict}</div>
${s.blocks.map(renderBlock)}
${raw(DRAW)}`;
  return page(s.title, body, raw('<script src="plotly.js"></script><style>figure{margin:1.5em 0}figcaption{color:#555;font-size:.9em;max-width:900px}.plotly{width:100%;height:440px}.claim,.verdict{background:#f7f9fc;padding:.6em .9em;border-left:3px solid #0072B2}nav{font-size:.9em;margin-bottom:1em}</style>'));
}
