/**
 * Errors for invalid input. Every message names the parameter, the value given and the valid range,
 * so that a CLI can print it as one line.
 */
export class ParameterError extends Error {
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly range: string,
    readonly hint?: string,
  ) {
    super(`${parameter} = ${formatValue(value)} is invalid: expected ${range}${hint ? ` (${hint})` : ''}`);
    this.name = 'ParameterError';
  }
}

/** Longest echo of a value in a message: a mistaken 5 MB matrix must not fill the terminal. */
const MAX_ECHO = 200;

function formatValue(v: unknown): string {
  const s = formatFull(v);
  return s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}… (${s.length.toLocaleString('en')} characters)` : s;
}

function formatFull(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as unknown as ArrayLike<number>).join(', ')}]`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Finite number check with a named error. */
export function requireFinite(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ParameterError(name, v, 'a finite number');
  return v;
}

/** lr-like quantities: finite and ≥ 0. */
export function requireNonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ParameterError(name, v, 'a finite number ≥ 0');
  return v;
}

/** Probabilities or decay factors in [0, 1). */
export function requireUnitInterval(name: string, v: number, hint?: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ParameterError(name, v, 'a number in [0, 1)', hint);
  return v;
}

export function requireVectorLength(name: string, v: ArrayLike<number>, expected: number): void {
  if (v.length !== expected) {
    throw new ParameterError(`${name}.length`, v.length, `${expected} (the dimension of the problem)`);
  }
}

export function requireFiniteVector(name: string, v: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new ParameterError(`${name}[${i}]`, v[i], 'a finite number');
  }
}

/** ε-like quantities: finite and > 0. */
export function requirePositive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ParameterError(name, v, 'a finite number > 0');
  return v;
}
