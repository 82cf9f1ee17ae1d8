/**
 * The browser build's entry (scripts/bundle.mjs bundles it): the public API of src/index.ts without what
 * needs Node — files and data sets, sweeps, HTML reports, notebooks and Node's Dawn — plus `browserRunner`, the
 * page's WebGPU device. `simulate` runs on Web Workers with the same WebAssembly kernels, and gives the same bits
 * as in Node for the same seed (test/browser/browser.test.ts).
 */
export * from './core.ts';

// WebGPU in a page: navigator.gpu as a GpuRunner for simulateGpu.
export { browserRunner } from './gpu/browser.ts';
