export * from './surface.ts';
export * from './quadratic.ts';
export * from './rosenbrock.ts';
export * from './benchmarks.ts';
export * from './doublewell.ts';
export * from './expression.ts';
export * from './program.ts';
