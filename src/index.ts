/**
 * dropgrad-lab's public API, curated: what `import … from 'dropgrad-lab'` offers and what the API reference
 * (docs/api, `npm run docs`) documents — src/core.ts (shared with the browser build) and, below, what needs Node.
 * Everything else (the engine's blocks and kernels, histogram bins, RNG streams, sweep bookkeeping) is internal:
 * importable from its own module inside the repository, not from the package, and free to change. The theory each
 * entry implements is cited by section of docs/theory.md.
 *
 * @packageDocumentation
 */

export * from './core.ts';

// Data: CSV tables, design matrices and the bundled real data sets.
export { parseCsv, readCsv, toCsv } from './data/table.ts';
export type { Table, TableSource } from './data/table.ts';
export { designOf, INTERCEPT } from './data/design.ts';
export type { Design, DesignOptions } from './data/design.ts';
export { DATASET_NAMES, dataset, splitRows } from './data/datasets.ts';
export type { Dataset, DatasetName, Split } from './data/datasets.ts';

// Held-out data: test loss and accuracy of an ensemble's final points.
export { summarizeSample, heldOutValues, heldOutStats } from './analysis/heldout.ts';
export type { Summary, HeldOutStats, HeldOutSurface } from './analysis/heldout.ts';

// WebGPU in Node: Dawn (npm `webgpu`) as a GpuRunner for simulateGpu.
export { nodeRunner } from './gpu/runners.ts';

// Sweeps: grids of problems from a YAML/JSON config, sharded, resumable, exported as tidy rows.
export { parseSweepConfig, expandGrid } from './sweep/config.ts';
export type { SweepConfig, Cell, CellParams } from './sweep/config.ts';
export { runSweep } from './sweep/runner.ts';
export type { SweepRunOptions, SweepRunSummary, Shard } from './sweep/runner.ts';
export { loadSweep } from './sweep/store.ts';
export type { LoadedSweep, Manifest, ManifestCell, CellResult } from './sweep/store.ts';
export { tidyRows } from './sweep/export.ts';
export type { TidyRow } from './sweep/export.ts';

// Reports: the HTML reports, and figures as notebook output.
export { buildReport } from './report/lazy.ts';
export type { ReportOptions, ReportSummary } from './report/lazy.ts';
export { plot, table } from './report/notebook.ts';
export type { Displayable } from './report/notebook.ts';
