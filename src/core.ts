/**
 * The API that the Node package (src/index.ts) and the browser build (src/browser.ts) share: optimizers and
 * DropGrad, surfaces, problems, the exact analysis, the Monte-Carlo engine, the WebGPU path and the figures' theme.
 */
// Errors: every invalid argument is a ParameterError naming the parameter, its value and the valid range.
export { ParameterError } from './errors.ts';

// Optimizers: PyTorch's update rules as composable links (optax-style GradientTransformations), DropGrad as a link.
export type { Vec, GradientTransformation, AnyTransformation, StepContext, DropSource, DropDescription } from './optimizers/transform.ts';
export { chain, applyUpdates } from './optimizers/transform.ts';
export {
  OPTIMIZER_NAMES,
  OPTIMIZER_DEFAULTS,
  DEFAULT_LR,
  sgd,
  adam,
  adamw,
  nadam,
  adagrad,
  rmsprop,
  adadelta,
  lion,
  makeOptimizer,
  resolveOptimizer,
} from './optimizers/optimizers.ts';
export type {
  OptimizerName,
  OptimizerSpec,
  OptionsOf,
  ResolvedOptimizer,
  SgdOptions,
  AdamOptions,
  NadamOptions,
  AdagradOptions,
  RmspropOptions,
  AdadeltaOptions,
  LionOptions,
} from './optimizers/optimizers.ts';
export { dropGrad, withDropGrad, skipUpdates } from './optimizers/dropgrad.ts';
export type { NoState } from './optimizers/transform.ts';
export type { DropGroup, DropGradOptions, DropGradLink, WithDropGradOptions } from './optimizers/dropgrad.ts';
export { randomSource, maskSource, givenSource, ALL_KEPT, ALL_DROPPED } from './optimizers/sources.ts';
export type { GivenDecisions } from './optimizers/sources.ts';
export { scaleByLearningRate, addWeightDecay, addDecayedWeights } from './optimizers/scale.ts';
export { trace } from './optimizers/momentum.ts';
export type { TraceOptions, TraceState } from './optimizers/momentum.ts';
export { scaleByAdam } from './optimizers/adam.ts';
export type { AdamState } from './optimizers/adam.ts';
export { scaleByNadam } from './optimizers/nadam.ts';
export type { NadamState } from './optimizers/nadam.ts';
export { scaleByAdagrad } from './optimizers/adagrad.ts';
export type { AdagradScaleOptions, AdagradState } from './optimizers/adagrad.ts';
export { scaleByRms } from './optimizers/rmsprop.ts';
export type { RmsState } from './optimizers/rmsprop.ts';
export { scaleByAdadelta } from './optimizers/adadelta.ts';
export type { AdadeltaState } from './optimizers/adadelta.ts';
export { scaleByLion } from './optimizers/lion.ts';
export type { LionState } from './optimizers/lion.ts';
export {
  ConstantSchedule,
  LinearSchedule,
  CosineAnnealingSchedule,
  StepSchedule,
  TriangularSchedule,
  ExponentialSchedule,
  LinearDropRateScheduler,
  CosineAnnealingDropRateScheduler,
  StepDropRateScheduler,
  CyclicalDropRateScheduler,
} from './optimizers/schedules.ts';
export type { Schedule, ScheduleLike } from './optimizers/schedules.ts';

// Surfaces: the loss landscapes, with exact gradients and Hessians.
export type { Surface, Term } from './surfaces/surface.ts';
export type { SurfaceProgram, ProgramGraph } from './surfaces/program.ts';
export type { WindowSum, WindowSumGraph } from './surfaces/windowsum.ts';
export type { RowSum, RowSumGraph } from './surfaces/rowsum.ts';
export type { CoordSum, CoordSumPiece } from './surfaces/coordsum.ts';
export { CALLS } from './ir/graph.ts';
export type { Node as GraphNode, BinaryOp, UnaryOp, CmpOp, CallFn } from './ir/graph.ts';
export { quadratic, diagonalQuadratic, conditionedQuadratic, logSpaced, rotatedValley, evaluateForm, isQuadratic } from './surfaces/quadratic.ts';
export type { QuadraticSurface, QuadraticOptions, QuadraticForm } from './surfaces/quadratic.ts';
export { rosenbrock } from './surfaces/rosenbrock.ts';
export type { RosenbrockSurface } from './surfaces/rosenbrock.ts';
export { rastrigin, ackley, beale } from './surfaces/benchmarks.ts';
export { doubleWell } from './surfaces/doublewell.ts';
export type { DoubleWellSurface } from './surfaces/doublewell.ts';
export { expressionSurface } from './surfaces/expression.ts';
export type { ExpressionSurface, ExpressionOptions } from './surfaces/expression.ts';
export { leastSquares } from './surfaces/leastsquares.ts';
export type { LeastSquaresSurface } from './surfaces/leastsquares.ts';
export { logisticRegression } from './surfaces/logistic.ts';
export type { LogisticSurface } from './surfaces/logistic.ts';

// Problems: one plain-data description (surface, start, optimizer, drop) shared by the CLI, sweeps and the engine.
export { SURFACE_KINDS, buildSurface, buildProblem, divergenceLimit, DIVERGENCE_FACTOR, DIVERGENCE_RULE } from './problem.ts';
export type { SurfaceKind, SurfaceConfig, ScheduleSpec, DropConfig, ProblemConfig, Problem } from './problem.ts';

// The exact analysis: one-step laws, multi-step moments, stability limits, adaptive optimizers, minima.
export { oneStep, updateLaw, updateMoments, expectedLossExact, expectedLossSecondOrder, sgdStepBounds } from './analysis/onestep.ts';
export type { OneStepInput, OneStepResult, UpdateLaw, UpdateMoments, SgdStepBounds } from './analysis/onestep.ts';
export { multiStepMoments, stationaryMoments } from './analysis/moments.ts';
export type { QuadraticProblem, MomentsOptions, MomentsStep, MomentsResult, StationaryOptions, StationaryResult } from './analysis/moments.ts';
export { lrMax, contractionRate, msReductionRadius } from './analysis/stability.ts';
export type { StabilityOptions, StabilityResult } from './analysis/stability.ts';
export { lyapunovExponent, lyapunovIsExact, lrMaxAlmostSure } from './analysis/lyapunov.ts';
export type { LinearDynamics, LyapunovOptions, LyapunovResult, AlmostSureLimit } from './analysis/lyapunov.ts';
export { enumerateConstantGradient, lionExpectedSign, lionConstantGradientMean, adamDeltaMethod, MAX_ENUMERATION_STEPS } from './analysis/adaptive.ts';
export type { EnumerationResult } from './analysis/adaptive.ts';
export { runTrajectory } from './analysis/trajectory.ts';
export type { TrajectoryResult } from './analysis/trajectory.ts';
export { findMinima, assignBasins } from './analysis/minima.ts';
export type { Minimum, MinimaSearch } from './analysis/minima.ts';
export { minimaReport, basinShares, sharesOf } from './analysis/selection.ts';
export type { MinimumReport, MinimaReport, BasinShares } from './analysis/selection.ts';

// Monte-Carlo: seeded ensembles on worker threads (Web Workers in a page) with WebAssembly SIMD kernels; the same bits for any thread count.
export { simulate, simulateSync } from './analysis/mc/simulate.ts';
export type { SimulateOptions } from './analysis/mc/simulate.ts';
export type { SimulationSpec } from './analysis/mc/spec.ts';
export type { SimulationResult } from './analysis/mc/result.ts';
export { closePool } from './analysis/mc/pool.ts';
export { prepareWasm } from './analysis/mc/wasm/kernel.ts';

// WebGPU: the same ensembles on a GPU, through a runner (nodeRunner in Node, browserRunner in a page).
export { simulateGpu, simulateGpuBatch, GpuUnsupported } from './gpu/simulate.ts';
export type { GpuPlan, NodeBackend } from './gpu/types.ts';
export type { GpuRunner, GpuSimulateOptions, GpuSimulationResult } from './gpu/simulate.ts';

// Figures: the reports' Plotly theme.
export { PALETTE, layout, axis, color, line, band, medianPath, errorBars, lossDistribution, distributionLayout } from './report/theme.ts';
export type { Figure } from './report/theme.ts';

// Matrices (ml-matrix's, re-exported so that a Hessian built here and one passed in are the same class).
export { Matrix } from './matrix.ts';
