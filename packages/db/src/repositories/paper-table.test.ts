// The paper table served from a real Postgres: a classical baseline, CNNs from scratch and from a
// pretrained source, each arm's configuration chosen on val AUC, every cell of a row averaging the same
// runs, and the cells of a metric some runs lack left empty.
import type { FinalMetricValue } from '@medsweep/core';
import { exportPaperTable } from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import type { Trial } from '../generated/prisma/client.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { paperTable } from './paper-table.js';
import { completeTrial, createSweep, createTrial, type SweepContext } from './test-support/fixtures.js';

const dbs = throwawayDatabases();
let db: Db;
let sweep: SweepContext;
const trials = new Map<string, Trial>();

/** [val auc, test acc, precision, recall, f1, auc]; null leaves a metric unrecorded. */
type Values = [number, number, number | null, number, number, number];
const metricsOf = ([valAuc, acc, precision, recall, f1, auc]: Values): FinalMetricValue[] => [
  { split: 'val', name: 'auc', value: valAuc },
  { split: 'test', name: 'acc', value: acc },
  ...(precision === null ? [] : [{ split: 'test' as const, name: 'precision', value: precision }]),
  { split: 'test', name: 'recall', value: recall },
  { split: 'test', name: 'f1', value: f1 },
  { split: 'test', name: 'auc', value: auc },
];

// key: [architecture, initialisation, lr, [seed, values][]]
const RUNS: Record<string, [string, string, number, [number, Values][]]> = {
  lr: [
    'logistic-regression',
    'scratch',
    0.01,
    [
      [1, [0.8, 0.78, 0.6, 0.7, 0.65, 0.81]],
      [2, [0.82, 0.8, 0.62, 0.72, 0.67, 0.83]],
    ],
  ],
  vggScratch: [
    'vgg16',
    'scratch',
    0.001,
    [
      [1, [0.85, 0.8, 0.7, 0.8, 0.75, 0.86]],
      [2, [0.87, 0.82, 0.72, 0.84, 0.78, 0.88]],
    ],
  ],
  // Better on test but worse on validation: never selected.
  vggScratchWorse: [
    'vgg16',
    'scratch',
    0.01,
    [
      [1, [0.7, 0.95, 0.95, 0.95, 0.95, 0.97]],
      [2, [0.72, 0.95, 0.95, 0.95, 0.95, 0.97]],
    ],
  ],
  vggPneumonia: [
    'vgg16',
    'pretrained:pneumonia',
    0.001,
    [
      [1, [0.9, 0.86, 0.8, 0.85, 0.82, 0.91]],
      [2, [0.92, 0.88, 0.84, 0.87, 0.85, 0.93]],
    ],
  ],
  // Seed 2 recorded no test precision: the row's precision cell is left empty.
  resnetScratch: [
    'resnet50',
    'scratch',
    0.001,
    [
      [1, [0.84, 0.79, 0.69, 0.81, 0.74, 0.85]],
      [2, [0.86, 0.81, null, 0.83, 0.76, 0.87]],
    ],
  ],
};

beforeAll(async () => {
  db = await dbs.client();
  sweep = await createSweep(db, { sweep: 'table1' });
  let index = 0;
  for (const [group, [architecture, initialisation, lr, runs]] of Object.entries(RUNS)) {
    for (const [seed, values] of runs) {
      const trial = await createTrial(db, sweep, {
        key: `${group}-${seed}`,
        index: index++,
        architecture,
        initialisation,
        config: { lr },
        seed,
      });
      await completeTrial(db, sweep, trial, metricsOf(values));
      trials.set(`${group}-${seed}`, trial);
    }
  }
});

afterAll(() => dbs.dropAll());

const id = (key: string) => trials.get(key)!.id;

describe('paperTable', () => {
  it('gives one row per model and initialisation, selected on val AUC, test metrics as mean ± std', async () => {
    const table = await paperTable(db, { scope: { sweepId: sweep.sweepId } });
    expect(table.selectedBy).toEqual({ split: 'val', name: 'auc' });
    expect(table.metrics.map((m) => `${m.split} ${m.name}`)).toEqual([
      'test acc',
      'test precision',
      'test recall',
      'test f1',
      'test auc',
    ]);
    expect(table.rows.map((r) => [r.architecture, r.initialisation, r.n])).toEqual([
      ['logistic-regression', 'scratch', 2],
      ['vgg16', 'scratch', 2],
      ['resnet50', 'scratch', 2],
      ['vgg16', 'pretrained:pneumonia', 2],
    ]);
    const [, vgg] = table.rows;
    expect(vgg!.runs).toEqual([
      { trialId: id('vggScratch-1'), seed: 1 },
      { trialId: id('vggScratch-2'), seed: 2 },
    ]);
    expect(vgg!.cells[0]!.mean).toBeCloseTo(0.81, 12);
    expect(vgg!.cells[0]!.std).toBeCloseTo(Math.SQRT2 * 0.01, 12);
    const markdown = exportPaperTable(table, 'markdown');
    expect(markdown).toBe(
      '| Model | Initialisation | n | ACC | Precision | Recall | F1 | AUC |\n' +
        '| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        '| logistic-regression | scratch | 2 | 0.790 ± 0.014 | 0.610 ± 0.014 | 0.710 ± 0.014 | 0.660 ± 0.014 | 0.820 ± 0.014 |\n' +
        '| vgg16 | scratch | 2 | 0.810 ± 0.014 | 0.710 ± 0.014 | 0.820 ± 0.028 | 0.765 ± 0.021 | 0.870 ± 0.014 |\n' +
        '| resnet50 | scratch | 2 | 0.800 ± 0.014 | — | 0.820 ± 0.014 | 0.750 ± 0.014 | 0.860 ± 0.014 |\n' +
        '| vgg16 | pretrained:pneumonia | 2 | 0.870 ± 0.014 | 0.820 ± 0.028 | 0.860 ± 0.014 | 0.835 ± 0.021 | 0.920 ± 0.014 |\n',
    );
    const csv = exportPaperTable(table, 'csv').split('\r\n');
    // Full precision, the empty precision cell, the selection rule and the runs behind the row (and an
    // empty positive class: none was passed).
    expect(csv[3]).toBe(
      'resnet50,scratch,2,0.8,0.014142135623730963,,,0.8200000000000001,0.014142135623730885,0.75,' +
        `0.014142135623730963,0.86,0.014142135623730963,val_auc,${trials.get('resnetScratch-1')!.groupKey},1 2,` +
        `${id('resnetScratch-1')} ${id('resnetScratch-2')},`,
    );
  });

  it('takes other columns and another selection metric, and leaves a metric nobody recorded empty', async () => {
    const table = await paperTable(db, {
      scope: { datasetId: sweep.datasetId },
      metrics: [
        { split: 'test', name: 'auc' },
        { split: 'test', name: 'f1_macro' },
      ],
      selectBy: { split: 'test', name: 'acc' },
    });
    // Selected on test ACC, vgg16 scratch is now the configuration that is better on test.
    expect(table.rows[1]!.runs.map((r) => r.trialId)).toEqual([
      id('vggScratchWorse-1'),
      id('vggScratchWorse-2'),
    ]);
    expect(table.rows.map((r) => Number(r.cells[0]!.mean.toFixed(12)))).toEqual([0.82, 0.97, 0.86, 0.92]);
    expect(table.rows.every((r) => r.cells[1] === null)).toBe(true);
  });
});
