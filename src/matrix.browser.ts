/** src/matrix.ts in the browser build: ml-matrix imported as an ES module (the bundler resolves it). */
export { Matrix, CholeskyDecomposition, EigenvalueDecomposition, solve } from 'ml-matrix';
