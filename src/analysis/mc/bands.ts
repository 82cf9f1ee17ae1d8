/**
 * Where one job's loss-band histograms accumulate in one thread. Counts are integers, so they need no block
 * order: a thread adds up all its blocks' counts and hands them over once (`flush`), instead of packing and
 * merging a few hundred kilobytes per block (measured: 8% of a Rosenbrock run). A holder keeps counts for a sink
 * in its own memory (the WebAssembly kernel's histogram area) until the sink is flushed or another sink takes the
 * holder over (`release`), so jobs that interleave on one thread never mix their counts.
 */
import { type BandHistograms, addBands, emptyBands } from './histogram.ts';

export interface BandHolder {
  /** Returns the counts held (packed) and clears them. */
  drain(): BandHistograms;
}

export class BandSink {
  private acc: BandHistograms;
  private readonly holders = new Set<BandHolder>();

  constructor(readonly bands: number) {
    this.acc = emptyBands(bands);
  }

  add(h: BandHistograms): void {
    this.acc = addBands(this.acc, h);
  }

  /** `h` keeps counts for this sink from now on. */
  hold(h: BandHolder): void {
    this.holders.add(h);
  }

  /** `h` is about to serve another sink: take the counts it keeps for this one. */
  release(h: BandHolder): void {
    if (this.holders.delete(h)) this.add(h.drain());
  }

  /** Everything added or held so far; the sink is empty afterwards. */
  flush(): BandHistograms {
    for (const h of this.holders) this.add(h.drain());
    this.holders.clear();
    const out = this.acc;
    this.acc = emptyBands(this.bands);
    return out;
  }
}
