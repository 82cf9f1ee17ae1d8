/**
 * A numeric table: named columns, one row of numbers per record. Read from CSV text (a header row of names,
 * then one record per line; RFC 4180 quoting, parsed by papaparse) or given inline, as a sweep config or a
 * notebook does. Every cell must be a finite decimal number: a data set with categories is encoded first
 * (src/data/datasets.ts shows how).
 */
import { readFileSync } from 'node:fs';
import type Papa from 'papaparse';
import { ParameterError } from '../errors.ts';
import { lazy } from '../lazy.ts';

const papa = lazy<typeof Papa>('papaparse');

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly number[])[];
}

/** Where a table came from, for messages: the flag or field and the file (or "inline"). */
export interface TableSource {
  parameter: string;
  name: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The table in CSV text; every problem is one line naming the row (the file's line number) and column. */
export function parseCsv(text: string, source: TableSource): Table {
  const parsed = papa().parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const bad = (why: string) => new ParameterError(source.parameter, source.name, 'a CSV file with a header row of column names and a number in every other cell', why);
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) throw bad(`line ${(quoteError.row ?? 0) + 1}: ${quoteError.message.toLowerCase()}`);
  const [header, ...records] = parsed.data;
  if (!header) throw bad('the file is empty');
  const columns = header.map((c) => c.trim());
  columns.forEach((c, j) => {
    if (c === '') throw bad(`column ${j + 1} of the header has no name`);
    const first = columns.indexOf(c);
    if (first !== j) throw bad(`column name '${c}' appears twice (columns ${first + 1} and ${j + 1})`);
  });
  if (records.length === 0) throw bad('the header has no rows after it');
  const rows = records.map((r, i) => {
    const line = i + 2;
    if (r.length !== columns.length) throw bad(`line ${line} has ${r.length} cells, the header ${columns.length}`);
    return r.map((cell, j) => {
      const s = cell.trim();
      if (!NUMBER.test(s)) throw bad(`line ${line}, column '${columns[j]}': ${s === '' ? 'the cell is empty' : `${JSON.stringify(s)} is not a number`}`);
      return Number(s);
    });
  });
  return { columns, rows };
}

/** The table in a CSV file. */
export function readCsv(path: string, parameter: string): Table {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ParameterError(parameter, path, 'a readable CSV file', (e as NodeJS.ErrnoException).code ?? 'unreadable');
  }
  return parseCsv(text, { parameter, name: path });
}

/** An inline table (JSON) checked like a file: names, equal row lengths, finite numbers. */
export function checkTable(t: unknown, parameter: string): Table {
  const bad = (why: string) => new ParameterError(parameter, 'inline table', 'a path to a CSV file, or { columns: string[], rows: number[][] }', why);
  const o = t as Partial<Table>;
  if (!o || !Array.isArray(o.columns) || !Array.isArray(o.rows)) throw bad('columns or rows missing');
  if (!o.columns.every((c) => typeof c === 'string' && c !== '')) throw bad('every column needs a non-empty name');
  if (new Set(o.columns).size !== o.columns.length) throw bad('column names repeat');
  if (o.rows.length === 0) throw bad('no rows');
  o.rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== o.columns!.length) throw bad(`row ${i} has ${Array.isArray(r) ? r.length : 0} cells, the header ${o.columns!.length}`);
    r.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`row ${i}, column '${o.columns![j]}': ${JSON.stringify(v)} is not a finite number`);
    });
  });
  return o as Table;
}

/** A table as CSV text (header, then one line per row; numbers in JavaScript's shortest round-trip form). */
export function toCsv(t: Table): string {
  return `${papa().unparse({ fields: [...t.columns], data: t.rows.map((r) => [...r]) }, { newline: '\n' })}\n`;
}
