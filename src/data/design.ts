/**
 * The design of a linear model from a table: the features are the non-target columns in the table's order,
 * followed by a constant 1 (the intercept) unless it is turned off; standardizing z-scores each feature with the
 * training rows' mean and standard deviation (the same shift and scale applied to the test rows). A design is
 * refused when its least-squares problem has no unique minimiser: fewer rows than features, or a column that is
 * a linear combination of the columns before it (named in the message).
 */
import { Matrix } from '../matrix.ts';
import { ParameterError } from '../errors.ts';
import type { Table } from './table.ts';

/** The name of the constant feature a design appends unless the intercept is turned off. */
export const INTERCEPT = '(intercept)';

export interface DesignOptions {
  target: string;
  /** Append a constant-1 feature (default true). */
  intercept?: boolean;
  /** z-score the features with the training rows' mean and standard deviation (default false). */
  standardize?: boolean;
  /** Held-out rows with the training table's columns. */
  test?: Table;
  /** Names of the tables in messages. */
  names?: { data: string; test?: string };
}

export interface Design {
  /** Feature names, in the order of the model's coordinates. */
  readonly features: readonly string[];
  readonly target: string;
  /** n × k training features and the n targets. */
  readonly X: Matrix;
  readonly y: Float64Array;
  readonly testX?: Matrix;
  readonly testY?: Float64Array;
  /** The shift and scale of each standardized feature (the intercept keeps 0 and 1). */
  readonly center?: Float64Array;
  readonly scale?: Float64Array;
}

/** The design (X, y) of a linear model from training rows (and test rows when given); see this module's comment. */
export function designOf(train: Table, o: DesignOptions): Design {
  const dataName = o.names?.data ?? 'inline table';
  const testName = o.names?.test ?? 'inline table';
  const targetIndex = train.columns.indexOf(o.target);
  if (targetIndex < 0) throw new ParameterError('target', o.target, `a column of ${dataName} (its columns: ${train.columns.join(', ')})`);
  if (o.test) {
    const missing = train.columns.find((c) => !o.test!.columns.includes(c));
    if (missing !== undefined) throw new ParameterError('test', testName, `a table with the training columns (${train.columns.join(', ')})`, `it has no column '${missing}'`);
  }
  const intercept = o.intercept ?? true;
  const names = train.columns.filter((_, j) => j !== targetIndex);
  const features = intercept ? [...names, INTERCEPT] : names;
  const k = features.length;
  if (k === 0) throw new ParameterError('data', dataName, 'a table with at least one feature column besides the target, or an intercept', `only '${o.target}' is there and the intercept is off`);
  const n = train.rows.length;
  if (n < k) throw new ParameterError('data', dataName, `at least ${k} rows for ${k} features (${features.join(', ')})`, `it has ${n}: the least-squares problem has no unique minimiser`);
  const matrixOf = (t: Table) => {
    const cols = names.map((c) => t.columns.indexOf(c));
    return new Matrix(t.rows.map((r) => (intercept ? [...cols.map((j) => r[j]), 1] : cols.map((j) => r[j]))));
  };
  const targetOf = (t: Table) => {
    const j = t.columns.indexOf(o.target);
    return Float64Array.from(t.rows, (r) => r[j]);
  };
  const X = matrixOf(train);
  const testX = o.test ? matrixOf(o.test) : undefined;
  let center: Float64Array | undefined;
  let scale: Float64Array | undefined;
  if (o.standardize) {
    center = new Float64Array(k);
    scale = new Float64Array(k).fill(1);
    for (let j = 0; j < names.length; j++) {
      const col = X.getColumn(j);
      const mean = col.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
      if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) throw new ParameterError('standardize', true, 'features that vary over the training rows', `column '${names[j]}' of ${dataName} is constant (${mean})`);
      center[j] = mean;
      scale[j] = sd;
    }
    for (const M of testX ? [X, testX] : [X]) {
      for (let i = 0; i < M.rows; i++) for (let j = 0; j < names.length; j++) M.set(i, j, (M.get(i, j) - center[j]) / scale[j]);
    }
  }
  const dependent = firstDependentColumn(X);
  if (dependent >= 0) {
    throw new ParameterError('data', dataName, 'a design of full column rank (a unique least-squares minimiser)', `column '${features[dependent]}' is a linear combination of ${dependent === 0 ? 'nothing (it is zero)' : `the columns before it (${features.slice(0, dependent).join(', ')})`}: drop it`);
  }
  return { features, target: o.target, X, y: targetOf(train), testX, testY: o.test ? targetOf(o.test) : undefined, center, scale };
}

/**
 * The first column that lies in the span of the columns before it (relative residual below 1e-10 after
 * projecting it out, twice, by modified Gram–Schmidt), or −1 when the columns are independent.
 */
function firstDependentColumn(X: Matrix): number {
  const n = X.rows;
  const basis: Float64Array[] = [];
  for (let j = 0; j < X.columns; j++) {
    const v = Float64Array.from(X.getColumn(j));
    const norm0 = norm2(v);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= dot * q[i];
      }
    }
    const norm = norm2(v);
    if (!(norm > 1e-10 * norm0)) return j;
    basis.push(v.map((x) => x / norm));
  }
  return -1;
}

function norm2(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}
