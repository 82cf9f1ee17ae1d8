/** Report 5: every closed form checked in this build against its Monte-Carlo estimate (docs/theory.md §6). */
import type { ReportContext } from '../context.ts';
import { html } from '../html.ts';
import type { Section } from '../page.ts';

export function agreementSection(ctx: ReportContext): Section {
  const worst = ctx.checks.reduce((a, c) => Math.max(a, Math.abs(c.z)), 0);
  return {
    id: 'agreement',
    title: '5. Theory vs simulation',
    claim: 'Every closed form of the analysis agrees with simulation.',
    verdict: html`${ctx.checks.length} closed forms were checked in this build; the largest |z| is ${worst.toFixed(2)} (acceptance |z| < 4).`,
    blocks: [
      {
        kind: 'table',
        head: ['section', 'quantity', 'exact', 'Monte-Carlo', 'standard error', 'z'],
        rows: ctx.checks.map((c) => [c.section, c.quantity, c.exact, c.estimate, c.stderr, c.z]),
        caption: 'z = (Monte-Carlo − exact)/standard error.',
      },
    ],
  };
}
