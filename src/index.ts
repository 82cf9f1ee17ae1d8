/** dropgrad-lab's public API: optimizers and DropGrad, surfaces, the exact analysis, the Monte-Carlo engine, sweeps, figures. */
export * from './errors.ts';
export * from './optimizers/index.ts';
export { type Surface, type Term, checkPoint, quadratic, diagonalQuadratic, conditionedQuadratic, logSpaced, rotatedValley, rosenbrock, rastrigin, ackley, beale, doubleWell, type DoubleWellSurface, expressionSurface, type QuadraticSurface, type ExpressionSurface, leastSquares, type LeastSquaresSurface, logisticRegression, type LogisticSurface, type QuadraticForm, evaluateForm, isQuadratic } from './surfaces/index.ts';
export { type Table, parseCsv, readCsv, toCsv } from './data/table.ts';
export { type Design, type DesignOptions, designOf, INTERCEPT } from './data/design.ts';
export { type Dataset, type Split, DATASET_NAMES, dataset, splitRows } from './data/datasets.ts';
export * from './analysis/index.ts';
export * from './analysis/mc/index.ts';
export { prepareWasm } from './analysis/mc/wasm/kernel.ts';
export * from './problem.ts';
export * from './rng/philox.ts';
export * from './rng/keyed.ts';
export { loadSweep, tidyRows, parseSweepConfig, expandGrid, runSweep } from './sweep/index.ts';
export * from './report/theme.ts';
export { Matrix } from './matrix.ts';
export { plot, table } from './report/notebook.ts';
