export * from './spec.ts';
export * from './stats.ts';
export * from './result.ts';
export * from './histogram.ts';
export * from './block.ts';
export * from './simulate.ts';
export { closePool, poolSize } from './pool.ts';
