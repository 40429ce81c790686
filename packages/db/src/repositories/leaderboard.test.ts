// Leaderboards, the scratch-vs-transfer table and paired comparisons, served from a real Postgres and
// checked against values computed by hand on a small fixture.
import {
  compareRuns,
  gainInterval,
  holmAdjust,
  scratchVsTransfer,
  seedMeanInterval,
  type ArmConfiguration,
  type FinalMetricValue,
} from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { DifferentDatasetsError, MissingPredictionsError } from '../errors.js';
import type { Trial } from '../generated/prisma/client.js';
import { throwawayDatabases } from '../test-support/databases.js';
import {
  compareEntries,
  compareEntryFamily,
  comparisonTargets,
  predictionsTargets,
} from './compare-entries.js';
import { recordFinalResult } from './final-result.js';
import { leaderboard, scopeEvaluations } from './leaderboard.js';
import { scratchVsTransferTable } from './scratch-vs-transfer.js';
import { completeTrial, createSweep, createTrial, type SweepContext } from './test-support/fixtures.js';

const dbs = throwawayDatabases();
let db: Db;
let s1: SweepContext;
let s2: SweepContext;
const trials = new Map<string, Trial>();

const metrics = (test: number, val: number): FinalMetricValue[] => [
  { split: 'test', name: 'auc', value: test },
  { split: 'val', name: 'auc', value: val },
];

// group: [architecture, initialisation, lr, [seed, test auc, val auc][]]
const SWEEP_1 = {
  A: [
    'resnet50',
    'scratch',
    0.001,
    [
      [1, 0.8, 0.7],
      [2, 0.82, 0.71],
      [3, 0.84, 0.72],
    ],
  ],
  B: [
    'resnet50',
    'scratch',
    0.01,
    [
      [1, 0.86, 0.6],
      [2, 0.9, 0.62],
    ],
  ],
  C: [
    'resnet50',
    'imagenet',
    0.001,
    [
      [1, 0.88, 0.8],
      [2, 0.9, 0.81],
      [3, 0.92, 0.82],
    ],
  ],
  D: ['vgg16', 'scratch', 0.001, [[1, 0.75, 0.65]]],
} as const;

beforeAll(async () => {
  db = await dbs.client();
  s1 = await createSweep(db, { sweep: 's1' });
  s2 = await createSweep(db, { sweep: 's2' });
  let index = 0;
  for (const [group, [architecture, initialisation, lr, runs]] of Object.entries(SWEEP_1)) {
    for (const [seed, test, val] of runs) {
      const key = `${group}${seed}`;
      const trial = await createTrial(db, s1, {
        key,
        index: index++,
        architecture,
        initialisation,
        config: { lr },
        seed,
      });
      await completeTrial(db, s1, trial, metrics(test, val));
      trials.set(key, trial);
    }
  }
  // Not ranked: a failed run, and a completed run without a test AUC.
  const failed = await createTrial(db, s1, { key: 'A4', index: index++, config: { lr: 0.001 }, seed: 4 });
  await recordFinalResult(db, {
    trialId: failed.id,
    status: 'failed',
    finalMetrics: [],
    artifacts: [],
    lineage: null,
    actor: 'system:test',
  });
  trials.set('A4', failed);
  const valOnly = await createTrial(db, s1, { key: 'A5', index, config: { lr: 0.001 }, seed: 5 });
  await completeTrial(db, s1, valOnly, [{ split: 'val', name: 'auc', value: 0.99 }]);
  // Sweep 2 repeats configuration C with a fourth seed on the same dataset.
  const c4 = await createTrial(db, s2, {
    key: 'C4',
    index: 0,
    initialisation: 'imagenet',
    config: { lr: 0.001 },
    seed: 4,
  });
  await completeTrial(db, s2, c4, metrics(0.94, 0.83));
  trials.set('C4', c4);
});

afterAll(() => dbs.dropAll());

const testAuc = { split: 'test', name: 'auc' } as const;
const valAuc = { split: 'val', name: 'auc' } as const;
const id = (key: string) => trials.get(key)!.id;

describe('leaderboard', () => {
  it('ranks the configurations of a sweep by mean over seeds, with hand-checked statistics', async () => {
    const page = await leaderboard(db, { scope: { sweepId: s1.sweepId }, metric: testAuc });
    expect(page.totalConfigurations).toBe(4);
    const [c, b, a, d] = page.entries;
    expect(page.entries.map((e) => [e.rank, e.label.architecture, e.label.initialisation, e.n])).toEqual([
      [1, 'resnet50', 'imagenet', 3],
      [2, 'resnet50', 'scratch', 2],
      [3, 'resnet50', 'scratch', 3],
      [4, 'vgg16', 'scratch', 1],
    ]);
    expect(c!.mean).toBeCloseTo(0.9, 12);
    expect(c!.std).toBeCloseTo(0.02, 12);
    // 0.9 +- t(0.975; 2) x 0.02 / sqrt(3) = 0.9 +- 0.049683.
    expect(c!.overSeeds).toEqual(seedMeanInterval([0.88, 0.9, 0.92]));
    expect(c!.overSeeds).toMatchObject({ outcome: 'interval', method: 'student-t', n: 3, df: 2 });
    if (c!.overSeeds.outcome !== 'interval') throw new Error('expected an interval');
    expect(c!.overSeeds.lower).toBeCloseTo(0.9 - 0.049683, 5);
    expect(c!.best).toEqual({ trialId: id('C3'), seed: 3, value: 0.92 });
    expect(c!.runs.map((r) => r.trialId)).toEqual([id('C1'), id('C2'), id('C3')]);
    expect(c!.label.config).toEqual({ lr: 0.001 });
    expect(c!.groupKey).toBe(trials.get('C1')!.groupKey);
    expect(b!.mean).toBeCloseTo(0.88, 12);
    expect(b!.std).toBeCloseTo(Math.SQRT2 * 0.02, 12);
    expect(b!.label.config).toEqual({ lr: 0.01 });
    // The failed run and the run without a test AUC are not counted.
    expect(a!.mean).toBeCloseTo(0.82, 12);
    expect(a!.runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(d).toMatchObject({ n: 1, mean: 0.75, std: null, overSeeds: { outcome: 'refused', n: 1 } });
    expect(b!.overSeeds).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/^n too small: 2 seeds/),
    });
  });

  it('pages, filters by seeds, and follows the goal', async () => {
    const scope = { sweepId: s1.sweepId };
    const page = await leaderboard(db, { scope, metric: testAuc, limit: 2, offset: 1 });
    expect(page.entries.map((e) => [e.rank, e.n])).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(page.totalConfigurations).toBe(4);
    expect(await leaderboard(db, { scope, metric: testAuc, offset: 10 })).toEqual({
      entries: [],
      totalConfigurations: 4,
    });
    expect((await leaderboard(db, { scope, metric: testAuc, minRuns: 2 })).totalConfigurations).toBe(3);
    const worstFirst = await leaderboard(db, { scope, metric: testAuc, goal: 'minimize' });
    expect(worstFirst.entries.map((e) => e.mean.toFixed(2))).toEqual(['0.75', '0.82', '0.88', '0.90']);
    // A metric nobody recorded: an empty board.
    expect(await leaderboard(db, { scope, metric: { split: 'test', name: 'f1' } })).toEqual({
      entries: [],
      totalConfigurations: 0,
    });
    await expect(leaderboard(db, { scope, metric: testAuc, limit: 0 })).rejects.toThrow(
      'leaderboard: limit is 0; expected an integer in [1, 500]',
    );
  });

  it('pools repeats of a configuration across the sweeps of a dataset', async () => {
    const page = await leaderboard(db, { scope: { datasetId: s1.datasetId }, metric: testAuc, limit: 1 });
    expect(page.totalConfigurations).toBe(4);
    expect(page.entries[0]).toMatchObject({ n: 4, best: { trialId: id('C4'), seed: 4, value: 0.94 } });
    expect(page.entries[0]!.mean).toBeCloseTo(0.91, 12);
  });
});

describe('scratchVsTransferTable', () => {
  it('selects each arm on validation AUC and reports test AUC with the gain and its t interval', async () => {
    const rows = await scratchVsTransferTable(db, {
      scope: { sweepId: s1.sweepId },
      metric: testAuc,
      selectBy: valAuc,
    });
    expect(rows.map((r) => [r.architecture, r.pretrained?.groupKeys, r.scratch?.groupKeys])).toEqual([
      ['resnet50', [trials.get('C1')!.groupKey], [trials.get('A1')!.groupKey]],
      ['vgg16', undefined, [trials.get('D1')!.groupKey]],
    ]);
    const resnet = rows[0]!;
    // Configuration B has the better test AUC but the worse validation AUC: A is selected.
    expect(resnet.scratch!.mean).toBeCloseTo(0.82, 12);
    expect(resnet.pretrained!.mean).toBeCloseTo(0.9, 12);
    // Both arms ran seeds 1-3: paired by seed (each seed gained exactly 0.08).
    expect(resnet.gain).toEqual(
      gainInterval(
        [0.88, 0.9, 0.92].map((value, i) => ({ seed: i + 1, value })),
        [0.8, 0.82, 0.84].map((value, i) => ({ seed: i + 1, value })),
      ),
    );
    expect(resnet.gain).toMatchObject({ outcome: 'interval', method: 'paired-t', n: 3 });
    expect(resnet.gain!.estimate).toBeCloseTo(0.08, 12);
    expect(rows[1]!.gain).toBeNull();
  });

  it('pools all configurations of each arm when asked', async () => {
    const [resnet] = await scratchVsTransferTable(db, {
      scope: { sweepId: s1.sweepId },
      metric: testAuc,
      selection: 'all-configs',
    });
    expect(resnet!.scratch!.n).toBe(5);
    expect(resnet!.scratch!.mean).toBeCloseTo((0.8 + 0.82 + 0.84 + 0.86 + 0.9) / 5, 12);
    expect(resnet!.gain!.estimate).toBeCloseTo(0.9 - 0.844, 12);
    // Pooled seeds repeat (1, 2 in two configurations): two samples, Welch.
    expect(resnet!.gain!.method).toBe('welch-t');
  });

  it('keeps the configuration core would select from all of them, ties and rounding included', async () => {
    const sweep = await createSweep(db, { sweep: 'ties' });
    // [initialisation, lr, validation AUC by seed 1, 2, 3]. Scratch: Q and S tie exactly (same values in
    // the same seed order, same run count: the group key decides); P holds Q's values in another order,
    // so its mean is one rounding step lower; R's mean is exactly 0.7 with fewer runs. Pretrained: T and
    // U differ in the last bit only, so maximising and minimising pick different ones.
    const fixture = [
      ['scratch', 0.001, [0.6, 0.7, 0.8]],
      ['scratch', 0.002, [0.8, 0.7, 0.6]],
      ['scratch', 0.003, [0.7, 0.7]],
      ['scratch', 0.004, [0.8, 0.7, 0.6]],
      ['imagenet', 0.001, [0.9, 0.5]],
      ['imagenet', 0.002, [0.7, 0.7, 0.7]],
    ] as const;
    const configurations: ArmConfiguration[] = [];
    let index = 0;
    for (const [initialisation, lr, vals] of fixture) {
      const runs: ArmConfiguration['runs'][number][] = [];
      for (const [i, val] of vals.entries()) {
        const seed = i + 1;
        const test = val + 0.05 * seed;
        const trial = await createTrial(db, sweep, {
          key: `${initialisation}-${lr}-${seed}`,
          index: index++,
          initialisation,
          config: { lr },
          seed,
        });
        await completeTrial(db, sweep, trial, metrics(test, val));
        runs.push({ trialId: trial.id, seed, value: test, selectionValue: val });
      }
      const groupKey = (await db.trial.findUniqueOrThrow({ where: { id: runs[0]!.trialId } })).groupKey;
      configurations.push({ architecture: 'resnet50', initialisation, groupKey, runs });
    }
    for (const goal of ['maximize', 'minimize'] as const) {
      const fromSql = await scratchVsTransferTable(db, {
        scope: { sweepId: sweep.sweepId },
        metric: testAuc,
        selectBy: valAuc,
        goal,
        confidence: 0.9,
      });
      expect(fromSql).toEqual(scratchVsTransfer(configurations, { goal, confidence: 0.9 }));
    }
  });
});

describe('scopeEvaluations', () => {
  it("names each dataset of a scope with its trials' positive-class choices", async () => {
    const evaluations = await scopeEvaluations(db, { sweepId: s1.sweepId });
    expect(evaluations).toEqual([
      {
        dataset: {
          id: s1.datasetId,
          name: expect.any(String),
          task: 'binary-class',
          manifestUri: expect.any(String),
          contentHash: s1.manifestHash,
        },
        positiveClass: undefined,
      },
    ]);
    const clinical = await createSweep(db, { dataset: 'breastmnist', sweep: 'clinical' });
    const trial = await createTrial(db, clinical, {
      key: 'clinical-1',
      index: 0,
      config: { lr: 0.001, evaluation: { operatingPoint: 'youden', positiveClass: 'clinical' } },
      seed: 1,
    });
    await completeTrial(db, clinical, trial, metrics(0.8, 0.8));
    const [one] = await scopeEvaluations(db, { sweepId: clinical.sweepId });
    expect(one!.positiveClass).toBe('clinical');
  });
});

describe('compareEntries', () => {
  const yTrue = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0];
  const scoresA = [0.1, 0.9, 0.8, 0.3, 0.7, 0.2, 0.4, 0.6, 0.9, 0.1, 0.55, 0.35].map((p) => [p]);
  const scoresB = [0.4, 0.6, 0.45, 0.5, 0.52, 0.3, 0.6, 0.4, 0.7, 0.2, 0.3, 0.5].map((p) => [p]);

  it('names the predictions artifacts and compares the best runs of two entries', async () => {
    const { a, b } = await comparisonTargets(db, id('C3'), id('A3'));
    expect(a).toMatchObject({
      task: 'binary-class',
      testSetHash: s1.manifestHash,
      initialisation: 'imagenet',
    });
    expect(a.predictions.uri).toBe(`s3://medsweep/trials/${id('C3')}/predictions.json`);
    expect(b.architecture).toBe('resnet50');
    const result = await compareEntries(db, {
      trialIdA: id('C3'),
      trialIdB: id('A3'),
      predictionsA: { yTrue, yScore: scoresA },
      predictionsB: { yTrue, yScore: scoresB },
      resamples: 500,
      seed: 2,
    });
    expect(result.comparison).toEqual(
      compareRuns(
        { yTrue, yScore: scoresA, testSetHash: s1.manifestHash },
        { yTrue, yScore: scoresB, testSetHash: s1.manifestHash },
        'binary-class',
        { resamples: 500, seed: 2 },
      ),
    );
    expect(result.comparison.auc.delong!.pValue).toBeGreaterThan(0);
    expect(result.comparison.accuracy.mcnemar.pValue).toBeLessThanOrEqual(1);
    // One comparison is a family of one: its adjusted p-values are the raw ones.
    expect(result.familySize).toBe(1);
    expect(result.holm).toEqual({
      mcnemar: result.comparison.accuracy.mcnemar.pValue,
      delong: result.comparison.auc.delong!.pValue,
      pairedBootstrap: result.comparison.auc.pairedBootstrap.pValue,
    });
  });

  it('compares one run with several and Holm-adjusts each test over that family', async () => {
    const scoresC = scoresB.map(([p]) => [1 - p!]);
    const { a, family } = await compareEntryFamily(db, {
      trialIdA: id('C3'),
      predictionsA: { yTrue, yScore: scoresA },
      others: [
        { trialId: id('A3'), predictions: { yTrue, yScore: scoresB } },
        { trialId: id('B2'), predictions: { yTrue, yScore: scoresC } },
      ],
      resamples: 300,
    });
    expect(a.trialId).toBe(id('C3'));
    expect(family.size).toBe(2);
    expect(family.members.map((m) => m.member.trialId)).toEqual([id('A3'), id('B2')]);
    const raw = family.members.map((m) => m.comparison.accuracy.mcnemar.pValue);
    expect(family.members.map((m) => m.holm.mcnemar)).toEqual(holmAdjust(raw));
    expect(family.members.map((m) => m.holm.delong)).toEqual(
      holmAdjust(family.members.map((m) => m.comparison.auc.delong!.pValue)),
    );
  });

  it('names the predictions of many runs at once, leaving out runs without them', async () => {
    const targets = await predictionsTargets(db, [id('C1'), id('A4'), id('C3')]);
    expect([...targets.keys()].sort()).toEqual([id('C1'), id('C3')].sort());
    expect(targets.get(id('C1'))).toMatchObject({
      seed: 1,
      task: 'binary-class',
      testSetHash: s1.manifestHash,
    });
  });

  it('refuses runs on different datasets, and runs without predictions', async () => {
    const elsewhere = await createSweep(db, { dataset: 'pathmnist', sweep: 'p' });
    const other = await createTrial(db, elsewhere, { key: 'p1', index: 0, seed: 1 });
    await completeTrial(db, elsewhere, other, metrics(0.7, 0.7));
    await expect(comparisonTargets(db, id('C3'), other.id)).rejects.toThrow(DifferentDatasetsError);
    await expect(comparisonTargets(db, id('C3'), id('A4'))).rejects.toThrow(MissingPredictionsError);
  });
});
