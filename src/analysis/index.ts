export * from './linalg.ts';
export * from './quadrature.ts';
export * from './onestep.ts';
export * from './dynamics.ts';
export * from './moments.ts';
export * from './stability.ts';
export * from './adaptive.ts';
export * from './trajectory.ts';
