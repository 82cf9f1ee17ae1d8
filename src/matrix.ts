/**
 * ml-matrix, the toolkit's dense linear algebra, loaded with `require`: its ES entry re-exports the CommonJS build,
 * which Node's ES loader scans for export names on every start of every thread (measured: 24–36 ms; `require`,
 * 6–7 ms). Import Matrix and its decompositions from here.
 */
import { createRequire } from 'node:module';
import type * as MlMatrix from 'ml-matrix';

const ml = createRequire(import.meta.url)('ml-matrix') as typeof MlMatrix;

/** ml-matrix's dense matrix (the same class whether imported from here or from ml-matrix). */
export const Matrix = ml.Matrix;
export const { CholeskyDecomposition, EigenvalueDecomposition, solve } = ml;
export type Matrix = MlMatrix.Matrix;
export type CholeskyDecomposition = MlMatrix.CholeskyDecomposition;
export type EigenvalueDecomposition = MlMatrix.EigenvalueDecomposition;
