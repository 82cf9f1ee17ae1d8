/**
 * Progress on stderr: a redrawn bar with ETA on a terminal, plain periodic lines otherwise (at most one per
 * 10 s), nothing when quiet.
 */
export function progressReporter(label: string, quiet = false): (done: number, total: number) => void {
  if (quiet) return () => {};
  // A child whose stderr its parent filters for a terminal (native-noise.ts) draws the bar as on a terminal.
  const tty = Boolean(process.stderr.isTTY) || process.env.DROPGRAD_STDERR_TTY === '1';
  const t0 = Date.now();
  let lastLine = 0;
  return (done, total) => {
    const elapsed = (Date.now() - t0) / 1000;
    const eta = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
    const pct = total > 0 ? (100 * done) / total : 100;
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(0)} s left` : '';
    if (tty) {
      const width = 30;
      const filled = Math.round((width * done) / Math.max(1, total));
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct.toFixed(0)}% ${etaText}   `);
      if (done === total) process.stderr.write('\n');
    } else if (done === total || Date.now() - lastLine > 10_000) {
      lastLine = Date.now();
      process.stderr.write(`${label}: ${done}/${total} (${pct.toFixed(0)}%) ${etaText}\n`);
    }
  };
}
