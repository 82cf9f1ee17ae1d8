/** `dropgrad dataset`: a shipped real data set written as training and test CSV files (src/data/datasets.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_NAMES, dataset, splitRows } from '../../data/datasets.ts';
import { toCsv } from '../../data/table.ts';
import { ParameterError } from '../../errors.ts';
import type { Command } from '../command.ts';
import { int } from '../flags.ts';

export const datasetCommand: Command = {
  name: 'dataset',
  usage: `dropgrad dataset ${DATASET_NAMES.join('|')} --out DIR [--train-rows N] [--seed S] [--json]

Writes DIR/train.csv, DIR/test.csv (numeric columns, header row) and DIR/README.txt (source, licence, encoding)
for use with --surface least-squares|logistic --data DIR/train.csv --test DIR/test.csv --target COLUMN.
The rows are split by a seeded shuffle (@stdlib/random, MT19937): the first N train, the rest test.
  cps-1985  534 workers, CPS May 1985; target log_wage; default 60 training rows, seed 1985
  iris      100 versicolor and virginica flowers; target virginica (0/1); default 60 training rows, seed 1936`,
  options: { out: { type: 'string' }, 'train-rows': { type: 'string' }, seed: { type: 'string' } },
  positionals: { min: 1, max: 1, what: 'the data set name' },
  run(values, positionals) {
    const ds = dataset(positionals[0]);
    if (values.out === undefined) throw new ParameterError('--out', undefined, 'a directory to write train.csv and test.csv into');
    const trainRows = int(values, 'train-rows', 1) ?? ds.trainRows;
    if (trainRows >= ds.table.rows.length) throw new ParameterError('--train-rows', trainRows, `an integer in [1, ${ds.table.rows.length - 1}] (${ds.name} has ${ds.table.rows.length} rows)`);
    const seed = int(values, 'seed', 1) ?? ds.seed;
    if (seed > 2 ** 32 - 1) throw new ParameterError('--seed', seed, 'an integer in [1, 4294967295]');
    const { train, test } = splitRows(ds.table, trainRows, seed);
    const out = String(values.out);
    try {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'train.csv'), toCsv(train));
      writeFileSync(join(out, 'test.csv'), toCsv(test));
      writeFileSync(join(out, 'README.txt'), `${ds.description}\n\nSplit: ${trainRows} training rows (train.csv) and ${test.rows.length} test rows (test.csv), shuffled with seed ${seed}.\n`);
    } catch (e) {
      throw new ParameterError('--out', out, 'a writable directory', (e as NodeJS.ErrnoException).code ?? 'unwritable');
    }
    return { dataset: ds.name, target: ds.target, columns: train.columns, trainRows, testRows: test.rows.length, seed, files: ['train.csv', 'test.csv', 'README.txt'].map((f) => join(out, f)) };
  },
  text(result) {
    const r = result as { dataset: string; target: string; trainRows: number; testRows: number; files: string[] };
    return `${r.dataset}: ${r.trainRows} training and ${r.testRows} test rows, target ${r.target}\n${r.files.join('\n')}`;
  },
};
