export * from './config.ts';
export * from './store.ts';
export * from './cell.ts';
export * from './runner.ts';
export * from './merge.ts';
export * from './export.ts';
export * from './summary.ts';
