// The paper table built from scratch-vs-transfer tables computed per metric with one selection (val AUC),
// as the database layer computes them, and rendered as CSV, Markdown and LaTeX.
import { describe, expect, it } from 'vitest';
import {
  buildPaperTable,
  exportPaperTable,
  InvalidOptionError,
  scratchVsTransfer,
  type ArmConfiguration,
  type PaperMetric,
  type PaperMetricTable,
} from '../index.js';

type Metrics = Record<string, number>;
/** [architecture, initialisation, lr, [seed, { 'split_name': value }][]] */
type Group = [string, string, number, [number, Metrics][]];

const m = (valAuc: number, acc: number, precision: number, auc: number): Metrics => ({
  val_auc: valAuc,
  test_acc: acc,
  test_precision: precision,
  test_auc: auc,
});

const GROUPS: Group[] = [
  [
    'vgg16',
    'scratch',
    0.001,
    [
      [1, m(0.7, 0.8, 0.75, 0.82)],
      [2, m(0.72, 0.82, 0.77, 0.84)],
    ],
  ],
  // Better on test, worse on validation: never selected.
  ['vgg16', 'scratch', 0.01, [[1, m(0.6, 0.99, 0.99, 0.99)]]],
  [
    'vgg16',
    'pretrained:pneumonia',
    0.001,
    [
      [1, m(0.8, 0.85, 0.8, 0.9)],
      [2, m(0.82, 0.87, 0.84, 0.92)],
    ],
  ],
  [
    'vgg16',
    'pretrained:imagenet',
    0.001,
    [
      [1, m(0.81, 0.86, 0.81, 0.91)],
      [2, m(0.83, 0.88, 0.83, 0.93)],
    ],
  ],
  // Seed 2 recorded no test precision: the row's precision cell would average other runs, so it is empty.
  [
    'resnet50',
    'scratch',
    0.001,
    [
      [1, m(0.75, 0.8, 0.7, 0.85)],
      [2, { val_auc: 0.77, test_acc: 0.84, test_auc: 0.87 }],
    ],
  ],
  ['logistic-regression', 'scratch', 0.01, [[1, m(0.78, 0.79, 0.6, 0.8)]]],
  [
    'hog-linear-svm',
    'scratch',
    0.01,
    [
      [1, m(0.7, 0.7, 0.5, 0.72)],
      [2, m(0.71, 0.72, 0.52, 0.74)],
    ],
  ],
];

const trialId = (g: Group, seed: number) => `${g[0]}/${g[1]}/${g[2]}/${seed}`;

/** What the database's scratchVsTransferTable returns: runs with both metrics, selected on val AUC. */
function table(metric: PaperMetric): PaperMetricTable {
  const configurations: ArmConfiguration[] = GROUPS.map((g) => ({
    architecture: g[0],
    initialisation: g[1],
    groupKey: `${g[0]}|${g[1]}|${g[2]}`,
    runs: g[3]
      .filter(([, metrics]) => `${metric.split}_${metric.name}` in metrics)
      .map(([seed, metrics]) => ({
        trialId: trialId(g, seed),
        seed,
        value: metrics[`${metric.split}_${metric.name}`]!,
        selectionValue: metrics.val_auc!,
      })),
  })).filter((c) => c.runs.length > 0);
  return { metric, rows: scratchVsTransfer(configurations, { goal: 'maximize' }) };
}

const valAuc = { split: 'val', name: 'auc' };
const reported = ['acc', 'precision', 'recall', 'auc'].map((name) => ({ split: 'test', name }));
const paper = buildPaperTable(table(valAuc), reported.map(table));

describe('buildPaperTable', () => {
  it('gives one row per model and initialisation in the paper order, each arm chosen on val AUC', () => {
    expect(paper.rows.map((r) => [r.architecture, r.initialisation, r.n])).toEqual([
      ['logistic-regression', 'scratch', 1],
      ['hog-linear-svm', 'scratch', 2],
      ['vgg16', 'scratch', 2],
      ['resnet50', 'scratch', 2],
      ['vgg16', 'pretrained:imagenet', 2],
      ['vgg16', 'pretrained:pneumonia', 2],
    ]);
    const vggScratch = paper.rows[2]!;
    // The lr=0.01 configuration has the best test values but the worse val AUC.
    expect(vggScratch.groupKeys).toEqual(['vgg16|scratch|0.001']);
    expect(vggScratch.runs).toEqual([
      { trialId: 'vgg16/scratch/0.001/1', seed: 1 },
      { trialId: 'vgg16/scratch/0.001/2', seed: 2 },
    ]);
    expect(paper.selectedBy).toEqual(valAuc);
    expect(paper.metrics).toEqual(reported);
  });

  it('fills each cell with the mean and std of the row runs, and leaves a cell empty when a run lacks it', () => {
    const [acc, precision, recall, auc] = paper.rows[2]!.cells;
    expect(acc!.mean).toBeCloseTo(0.81, 12);
    expect(acc!.std).toBeCloseTo(Math.SQRT2 * 0.01, 12);
    expect(precision!.mean).toBeCloseTo(0.76, 12);
    expect(auc!.mean).toBeCloseTo(0.83, 12);
    // No run recorded test recall.
    expect(recall).toBeNull();
    // A single run has no std.
    expect(paper.rows[0]!.cells[0]).toEqual({ mean: 0.79, std: null });
    // resnet50 scratch: seed 2 has no test precision, so only its precision cell is empty.
    expect(paper.rows[3]!.cells.map((c) => c?.mean ?? null)).toEqual([0.8200000000000001, null, null, 0.86]);
  });

  it('refuses a table without reported metrics', () => {
    expect(() => buildPaperTable(table(valAuc), [])).toThrow(InvalidOptionError);
  });
});

describe('exportPaperTable', () => {
  it('as CSV: full precision, the selection rule, seeds, trial ids and positive class of every row', () => {
    const csv = exportPaperTable(paper, 'csv', {
      positiveClass: 'malignant (label 0, clinical finding)',
    }).split('\r\n');
    expect(csv[0]).toBe(
      'architecture,initialisation,n,test_acc_mean,test_acc_std,test_precision_mean,test_precision_std,' +
        'test_recall_mean,test_recall_std,test_auc_mean,test_auc_std,selected_by,group_keys,seeds,trial_ids,' +
        'positive_class',
    );
    expect(csv[1]).toBe(
      'logistic-regression,scratch,1,0.79,,0.6,,,,0.8,,val_auc,logistic-regression|scratch|0.01,1,' +
        'logistic-regression/scratch/0.01/1,"malignant (label 0, clinical finding)"',
    );
    expect(csv[4]).toBe(
      'resnet50,scratch,2,0.8200000000000001,0.02828427124746185,,,,,0.86,0.014142135623730963,val_auc,' +
        'resnet50|scratch|0.001,1 2,resnet50/scratch/0.001/1 resnet50/scratch/0.001/2,' +
        '"malignant (label 0, clinical finding)"',
    );
    expect(csv).toHaveLength(paper.rows.length + 2);
  });

  it('as Markdown: mean ± std rounded, missing cells as a dash', () => {
    expect(exportPaperTable(paper, 'markdown', { digits: 2 })).toBe(
      '| Model | Initialisation | n | ACC | Precision | Recall | AUC |\n' +
        '| :--- | :--- | ---: | ---: | ---: | ---: | ---: |\n' +
        '| logistic-regression | scratch | 1 | 0.79 | 0.60 | — | 0.80 |\n' +
        '| hog-linear-svm | scratch | 2 | 0.71 ± 0.01 | 0.51 ± 0.01 | — | 0.73 ± 0.01 |\n' +
        '| vgg16 | scratch | 2 | 0.81 ± 0.01 | 0.76 ± 0.01 | — | 0.83 ± 0.01 |\n' +
        '| resnet50 | scratch | 2 | 0.82 ± 0.03 | — | — | 0.86 ± 0.01 |\n' +
        '| vgg16 | pretrained:imagenet | 2 | 0.87 ± 0.01 | 0.82 ± 0.01 | — | 0.92 ± 0.01 |\n' +
        '| vgg16 | pretrained:pneumonia | 2 | 0.86 ± 0.01 | 0.82 ± 0.03 | — | 0.91 ± 0.01 |\n',
    );
    expect(
      exportPaperTable(paper, 'markdown', { positiveClass: 'normal, benign (label 1, MedMNIST convention)' }),
    ).toMatch(/\|\n\nPositive class: normal, benign \(label 1, MedMNIST convention\)\.\n$/);
  });

  it('as LaTeX in a captioned table, other splits named in the header', () => {
    const small = buildPaperTable(table(valAuc), [table({ split: 'test', name: 'auc' }), table(valAuc)]);
    expect(
      exportPaperTable({ ...small, rows: small.rows.slice(0, 2) }, 'latex', {
        caption: 'Table 1 (mean ± std over seeds)',
        label: 'tab:paper',
      }),
    ).toBe(
      '\\begin{table}[ht]\n' +
        '\\centering\n' +
        '\\caption{Table 1 (mean $\\pm$ std over seeds)}\n' +
        '\\label{tab:paper}\n' +
        '\\begin{tabular}{llrrr}\n' +
        '\\toprule\n' +
        'Model & Initialisation & n & AUC & val AUC \\\\\n' +
        '\\midrule\n' +
        'logistic-regression & scratch & 1 & $0.800$ & $0.780$ \\\\\n' +
        'hog-linear-svm & scratch & 2 & $0.730 \\pm 0.014$ & $0.705 \\pm 0.007$ \\\\\n' +
        '\\bottomrule\n' +
        '\\end{tabular}\n' +
        '\\end{table}\n',
    );
  });
});
