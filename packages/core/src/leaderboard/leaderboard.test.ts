import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  delongTest,
  DifferentTestImagesError,
  gainInterval,
  holmAdjust,
  holmComparisonFamily,
  mcnemarTest,
  newPatientsGain,
  newPatientsInterval,
  pairedBootstrapAucDifference,
  rankConfigurations,
  scratchVsTransfer,
  seedMeanInterval,
  twoLevelGainInterval,
  twoLevelInterval,
  twoLevelMetricOf,
  UnsupportedTaskError,
  type ArmConfiguration,
  type ConfigurationRuns,
} from '../index.js';
import { loadReference, scoresOf } from '../test-support/reference-fixture.js';

const label = (architecture: string) => ({
  architecture,
  initialisation: 'scratch',
  transferMode: 'full',
  config: { lr: 0.001 },
});
// Binary fractions, so means and ties are exact.
const configurations: ConfigurationRuns[] = [
  {
    groupKey: 'a',
    label: label('resnet50'),
    runs: [
      { trialId: 't-a3', seed: 3, value: 1.0 },
      { trialId: 't-a1', seed: 1, value: 0.5 },
      { trialId: 't-a2', seed: 2, value: 0.75 },
    ],
  },
  { groupKey: 'b', label: label('vgg16'), runs: [{ trialId: 't-b1', seed: 1, value: 0.875 }] },
  {
    groupKey: 'c',
    label: label('densenet121'),
    runs: [
      { trialId: 't-c1', seed: 1, value: 0.625 },
      { trialId: 't-c2', seed: 2, value: 0.875 },
    ],
  },
];

describe('rankConfigurations', () => {
  it('summarises each configuration over its seeds, by hand, with the Student-t interval over seeds', () => {
    const [b, a, c] = rankConfigurations(configurations, { goal: 'maximize' });
    expect(b).toMatchObject({ rank: 1, groupKey: 'b', n: 1, mean: 0.875, std: null });
    expect(a).toMatchObject({ rank: 2, groupKey: 'a', n: 3, mean: 0.75, std: 0.25 });
    expect(a!.runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(a!.best).toEqual({ trialId: 't-a3', seed: 3, value: 1.0 });
    // mean 0.75 +- t(0.975; 2) x 0.25 / sqrt(3) = 0.75 +- 4.302653 x 0.144338.
    expect(a!.overSeeds).toEqual(seedMeanInterval([0.5, 0.75, 1.0]));
    expect(a!.overSeeds).toMatchObject({ outcome: 'interval', method: 'student-t', n: 3, df: 2 });
    if (a!.overSeeds.outcome !== 'interval') throw new Error('expected an interval');
    expect(a!.overSeeds.lower).toBeCloseTo(0.75 - 0.621034, 5);
    expect(a!.overSeeds.upper).toBeCloseTo(0.75 + 0.621034, 5);
    // Mean ties with a: more seeds rank first.
    expect(c).toMatchObject({ rank: 3, groupKey: 'c', n: 2, mean: 0.75, std: Math.sqrt(0.03125) });
    // Two seeds (or one) get the mean and the reason, never a range.
    expect(c!.overSeeds).toEqual({
      outcome: 'refused',
      method: 'student-t',
      estimate: 0.75,
      confidence: 0.95,
      n: 2,
      reason: 'n too small: 2 seeds; at least 3 are needed for an interval',
    });
    expect(b!.overSeeds).toMatchObject({ outcome: 'refused', n: 1, estimate: 0.875 });
    expect(a!.newPatients).toBeUndefined();
  });

  it('orders by the goal, numbers later pages from firstRank, and takes the confidence level', () => {
    const ranked = rankConfigurations(configurations, { goal: 'minimize', firstRank: 51, confidence: 0.9 });
    expect(ranked.map((e) => [e.rank, e.groupKey])).toEqual([
      [51, 'a'],
      [52, 'c'],
      [53, 'b'],
    ]);
    expect(ranked[0]!.best.trialId).toBe('t-a1');
    expect(ranked[0]!.overSeeds).toEqual(seedMeanInterval([0.5, 0.75, 1.0], { confidence: 0.9 }));
  });

  it('picks the lower seed among equally good runs', () => {
    const tied = [
      { ...configurations[0]!, runs: [...configurations[0]!.runs, { trialId: 't-a0', seed: 0, value: 1 }] },
    ];
    expect(rankConfigurations(tied, { goal: 'maximize' })[0]!.best.trialId).toBe('t-a0');
  });

  it('refuses a configuration without runs', () => {
    expect(() => rankConfigurations([{ ...configurations[0]!, runs: [] }], { goal: 'maximize' })).toThrow(
      'rankConfigurations: runs of a is empty',
    );
  });
});

function arm(
  architecture: string,
  initialisation: string,
  groupKey: string,
  test: number[],
  val: number[],
): ArmConfiguration {
  return {
    architecture,
    initialisation,
    groupKey,
    runs: test.map((value, i) => ({ trialId: `${groupKey}-${i}`, seed: i, value, selectionValue: val[i]! })),
  };
}

describe('scratchVsTransfer', () => {
  const arms = [
    // Scratch s2 is best on test but s1 on validation: best-config must select on validation.
    arm('resnet50', 'scratch', 's1', [0.8, 0.82, 0.84], [0.7, 0.7, 0.7]),
    arm('resnet50', 'scratch', 's2', [0.9, 0.91, 0.92], [0.6, 0.6, 0.6]),
    arm('resnet50', 'imagenet', 'p1', [0.88, 0.9, 0.92], [0.8, 0.8, 0.8]),
    arm('resnet50', 'imagenet', 'p2', [0.7, 0.7, 0.7], [0.5, 0.5, 0.5]),
    arm('vgg16', 'scratch', 'v1', [0.75, 0.77], [0.7, 0.72]),
    arm('densenet121', 'imagenet', 'd1', [0.93], [0.9]),
  ];

  it('best-config: per architecture, the selected configurations and the gain with its t interval', () => {
    const rows = scratchVsTransfer(arms, { goal: 'maximize' });
    expect(rows.map((r) => [r.architecture, r.pretrained?.groupKeys, r.scratch?.groupKeys])).toEqual([
      ['densenet121', ['d1'], undefined],
      ['resnet50', ['p1'], ['s1']],
      ['vgg16', undefined, ['v1']],
    ]);
    const resnet = rows[1]!;
    expect(resnet.scratch).toMatchObject({ initialisation: 'scratch', n: 3 });
    expect(resnet.scratch!.mean).toBeCloseTo(0.82, 15);
    expect(resnet.pretrained!.mean).toBeCloseTo(0.9, 15);
    expect(resnet.pretrained!.std).toBeCloseTo(0.02, 15);
    // Both arms ran seeds 0, 1, 2: paired by seed, and every seed gained 0.08, so the interval is the point.
    expect(resnet.gain).toEqual(gainInterval(resnet.pretrained!.runs, resnet.scratch!.runs));
    expect(resnet.gain).toMatchObject({ outcome: 'interval', method: 'paired-t', n: 3, df: 2 });
    expect(resnet.gain!.estimate).toBeCloseTo(0.08, 14);
    if (resnet.gain!.outcome !== 'interval') throw new Error('expected an interval');
    expect(resnet.gain!.upper - resnet.gain!.lower).toBeCloseTo(0, 12);
    // No scratch arm, or no pretrained arm: no gain.
    expect(rows[0]!.gain).toBeNull();
    expect(rows[2]!.gain).toBeNull();
  });

  it('pairs by seed when the seeds match, by hand; two samples (Welch) when they do not', () => {
    const paired = [
      arm('vgg16', 'scratch', 's', [0.8, 0.85, 0.83], [0.7, 0.7, 0.7]),
      arm('vgg16', 'imagenet', 'p', [0.88, 0.9, 0.95], [0.8, 0.8, 0.8]),
    ];
    const [row] = scratchVsTransfer(paired, { goal: 'maximize' });
    // Differences 0.08, 0.05, 0.12: mean 0.08333, sd 0.035119, se 0.020276, t(0.975; 2) = 4.302653.
    expect(row!.gain).toMatchObject({ outcome: 'interval', method: 'paired-t', n: 3, df: 2 });
    if (row!.gain!.outcome !== 'interval') throw new Error('expected an interval');
    expect(row!.gain!.estimate).toBeCloseTo(0.083333, 5);
    expect(row!.gain!.lower).toBeCloseTo(0.083333 - 0.087241, 5);
    expect(row!.gain!.upper).toBeCloseTo(0.083333 + 0.087241, 5);
    const shifted = [
      paired[0]!,
      { ...paired[1]!, runs: paired[1]!.runs.map((r) => ({ ...r, seed: r.seed + 10 })) },
    ];
    const [welch] = scratchVsTransfer(shifted, { goal: 'maximize' });
    expect(welch!.gain).toEqual(gainInterval(welch!.pretrained!.runs, welch!.scratch!.runs));
    expect(welch!.gain).toMatchObject({ outcome: 'interval', method: 'welch-t', n: 3 });
  });

  it('all-configs pools every configuration of an arm (repeated seeds: Welch)', () => {
    const resnet = scratchVsTransfer(arms, { goal: 'maximize', selection: 'all-configs' })[1]!;
    expect(resnet.scratch!.groupKeys).toEqual(['s1', 's2']);
    expect(resnet.scratch!.n).toBe(6);
    expect(resnet.scratch!.mean).toBeCloseTo((0.8 + 0.82 + 0.84 + 0.9 + 0.91 + 0.92) / 6, 15);
    expect(resnet.pretrained!.mean).toBeCloseTo((0.88 + 0.9 + 0.92 + 0.7 * 3) / 6, 15);
    expect(resnet.gain!.estimate).toBeCloseTo(resnet.pretrained!.mean - resnet.scratch!.mean, 15);
    expect(resnet.gain!.method).toBe('welch-t');
  });

  it('for a minimised metric the gain is scratch minus pretrained (positive = pretrained better)', () => {
    const losses = [
      arm('resnet50', 'scratch', 's', [0.5, 0.6, 0.55], [0.5, 0.6, 0.55]),
      arm('resnet50', 'imagenet', 'p', [0.3, 0.4, 0.32], [0.3, 0.4, 0.32]),
    ];
    const [row] = scratchVsTransfer(losses, { goal: 'minimize' });
    expect(row!.gain!.estimate).toBeCloseTo(0.21, 15);
    if (row!.gain!.outcome !== 'interval') throw new Error('expected an interval');
    expect(row!.gain!.lower).toBeGreaterThan(0);
    expect(row!.gain!.upper).toBeGreaterThan(row!.gain!.lower);
    // The arms' means stay as measured.
    expect(row!.gain!.pretrainedMean).toBeCloseTo(0.34, 15);
    // Two seeds: the estimate, and no interval.
    const [few] = scratchVsTransfer(
      losses.map((c) => ({ ...c, runs: c.runs.slice(0, 2) })),
      { goal: 'minimize' },
    );
    expect(few!.gain).toMatchObject({ outcome: 'refused', method: 'paired-t', n: 2 });
    expect(few!.gain!.estimate).toBeCloseTo(0.2, 15);
  });
});

describe('compareRuns', () => {
  const reference = loadReference();
  const binary = reference.datasets['binary-500']!;
  const multi = reference.datasets['multi-class-3']!;

  it('runs McNemar, DeLong and the paired bootstrap on the same images', () => {
    const a = { yTrue: binary.yTrue, yScore: scoresOf(binary, 'A'), testSetHash: 'x' };
    const b = { yTrue: [...binary.yTrue], yScore: scoresOf(binary, 'B'), testSetHash: 'x' };
    const result = compareRuns(a, b, 'binary-class', { seed: 2, resamples: 300 });
    expect(result.numImages).toBe(500);
    expect(result.accuracy.mcnemar).toEqual(mcnemarTest(binary.yTrue, a.yScore, b.yScore, 'binary-class'));
    expect(result.auc.delong).toEqual(delongTest(binary.yTrue, a.yScore, b.yScore, 'binary-class'));
    expect(result.auc.pairedBootstrap).toEqual(
      pairedBootstrapAucDifference(binary.yTrue, a.yScore, b.yScore, 'binary-class', {
        seed: 2,
        resamples: 300,
      }),
    );
    expect(result.auc.difference).toBeCloseTo(result.auc.delong!.difference, 15);
    expect(result.accuracy.difference).toBeCloseTo(result.accuracy.a - result.accuracy.b, 15);
  });

  it('has no DeLong test for multi-class, and refuses multi-label', () => {
    const a = { yTrue: multi.yTrue, yScore: scoresOf(multi, 'A') };
    const b = { yTrue: multi.yTrue, yScore: scoresOf(multi, 'B') };
    expect(compareRuns(a, b, 'multi-class', { resamples: 50 }).auc.delong).toBeNull();
    const labels = {
      yTrue: [1, 0, 0, 1],
      yScore: [
        [0.9, 0.1],
        [0.2, 0.3],
      ],
    };
    expect(() => compareRuns(labels, labels, 'multi-label, binary-class')).toThrow(UnsupportedTaskError);
  });

  it('refuses predictions on different test images', () => {
    const a = { yTrue: [0, 1, 1, 0], yScore: [[0.2], [0.8], [0.6], [0.4]] };
    expect(() => compareRuns(a, { ...a, yTrue: [0, 1, 0, 0] }, 'binary-class')).toThrow(
      'compareRuns: the two runs were not evaluated on the same test images: label 2 is 1 vs 0',
    );
    expect(() => compareRuns(a, { ...a, yTrue: [0, 1, 1] }, 'binary-class')).toThrow(
      DifferentTestImagesError,
    );
    expect(() => compareRuns({ ...a, testSetHash: 'x' }, { ...a, testSetHash: 'y' }, 'binary-class')).toThrow(
      'test set x vs y',
    );
  });
});

describe('holmComparisonFamily', () => {
  const reference = loadReference();
  const binary = reference.datasets['binary-500']!;
  const run = (model: 'A' | 'B') => ({ yTrue: binary.yTrue, yScore: scoresOf(binary, model) });

  it('adjusts each test over the family, the raw p-values kept beside', () => {
    const leader = run('A');
    const others = (['B', 'A', 'B'] as const).map((model, i) => ({
      member: `entry ${i + 2}`,
      comparison: compareRuns(leader, run(model), 'binary-class', { resamples: 200, seed: i }),
    }));
    const family = holmComparisonFamily(others);
    expect(family).toMatchObject({ method: 'holm', size: 3 });
    expect(family.members.map((m) => m.member)).toEqual(['entry 2', 'entry 3', 'entry 4']);
    const raw = (pick: (c: (typeof others)[number]['comparison']) => number) =>
      others.map((o) => pick(o.comparison));
    expect(family.members.map((m) => m.holm.mcnemar)).toEqual(
      holmAdjust(raw((c) => c.accuracy.mcnemar.pValue)),
    );
    expect(family.members.map((m) => m.holm.delong)).toEqual(holmAdjust(raw((c) => c.auc.delong!.pValue)));
    expect(family.members.map((m) => m.holm.pairedBootstrap)).toEqual(
      holmAdjust(raw((c) => c.auc.pairedBootstrap.pValue)),
    );
    family.members.forEach((m) => {
      expect(m.holm.mcnemar).toBeGreaterThanOrEqual(m.comparison.accuracy.mcnemar.pValue);
      expect(m.holm.delong!).toBeGreaterThanOrEqual(m.comparison.auc.delong!.pValue);
    });
  });

  it('leaves a family of one as it is, and has no DeLong family without DeLong', () => {
    const one = holmComparisonFamily([
      { member: 1, comparison: compareRuns(run('A'), run('B'), 'binary-class', { resamples: 50 }) },
    ]);
    expect(one.members[0]!.holm.mcnemar).toBe(one.members[0]!.comparison.accuracy.mcnemar.pValue);
    const multi = reference.datasets['multi-class-3']!;
    const multiRun = (model: 'A' | 'B') => ({ yTrue: multi.yTrue, yScore: scoresOf(multi, model) });
    const family = holmComparisonFamily([
      { member: 1, comparison: compareRuns(multiRun('A'), multiRun('B'), 'multi-class', { resamples: 50 }) },
    ]);
    expect(family.members[0]!.holm.delong).toBeNull();
  });
});

describe('two-level intervals for new patients', () => {
  const reference = loadReference();
  const binary = reference.datasets['binary-500']!;
  const predictions = (model: 'A' | 'B') => ({ yTrue: binary.yTrue, yScore: scoresOf(binary, model) });
  const runs = (models: ('A' | 'B')[], offset = 0) =>
    models.map((model, i) => ({ trialId: `t${offset + i}`, seed: i, predictions: predictions(model) }));
  const testAuc = { split: 'test', name: 'auc' };

  it('names the two-level metric of test auc and test acc only', () => {
    expect(twoLevelMetricOf(testAuc)).toBe('auc');
    expect(twoLevelMetricOf({ split: 'test', name: 'acc' })).toBe('acc');
    expect(twoLevelMetricOf({ split: 'val', name: 'auc' })).toBeUndefined();
    expect(twoLevelMetricOf({ split: 'test', name: 'f1' })).toBeUndefined();
  });

  it("is core's twoLevelInterval over the runs' test predictions", () => {
    const result = newPatientsInterval(runs(['A', 'B', 'A']), 'binary-class', testAuc);
    expect(result).toEqual(
      twoLevelInterval(
        binary.yTrue,
        (['A', 'B', 'A'] as const).map((m) => scoresOf(binary, m)),
        'binary-class',
        'auc',
      ),
    );
    expect(result).toMatchObject({ outcome: 'interval', method: 'two-level', n: 3, testImages: 500 });
  });

  it('says why there is none: another metric, a run without predictions, other test images, too few seeds', () => {
    expect(newPatientsInterval(runs(['A', 'B', 'A']), 'binary-class', { split: 'val', name: 'auc' })).toEqual(
      {
        outcome: 'unavailable',
        reason: 'two-level intervals exist for test auc and test acc, not val auc',
      },
    );
    const [first, second, third] = runs(['A', 'B', 'A']);
    expect(
      newPatientsInterval([first!, { ...second!, predictions: undefined }, third!], 'binary-class', testAuc),
    ).toEqual({ outcome: 'unavailable', reason: 'no stored test predictions for trial t1' });
    const flipped = {
      yTrue: binary.yTrue.map((y, i) => (i === 3 ? 1 - y : y)),
      yScore: scoresOf(binary, 'B'),
    };
    expect(
      newPatientsInterval([first!, { ...second!, predictions: flipped }, third!], 'binary-class', testAuc),
    ).toMatchObject({
      outcome: 'unavailable',
      reason: expect.stringMatching(/^trials t0 and t1 were evaluated on different test images \(label 3/),
    });
    expect(newPatientsInterval(runs(['A', 'B']), 'binary-class', testAuc)).toMatchObject({
      outcome: 'refused',
      reason: 'n too small: 2 seeds; at least 3 are needed for an interval',
    });
  });

  it('gains: paired by seed when the seeds match, oriented by the goal', () => {
    const pretrained = runs(['A', 'A', 'A']);
    const scratch = runs(['B', 'B', 'B'], 3);
    const gain = newPatientsGain(pretrained, scratch, 'binary-class', testAuc, 'maximize');
    const seedScores = (list: typeof pretrained) =>
      list.map((r) => ({ seed: r.seed, scores: r.predictions.yScore }));
    expect(gain).toEqual(
      twoLevelGainInterval(binary.yTrue, seedScores(pretrained), seedScores(scratch), 'binary-class', 'auc'),
    );
    expect(gain).toMatchObject({ outcome: 'interval', method: 'two-level-paired' });
    const minimised = newPatientsGain(pretrained, scratch, 'binary-class', testAuc, 'minimize');
    if (gain.outcome !== 'interval' || minimised.outcome !== 'interval')
      throw new Error('expected intervals');
    expect(minimised.estimate).toBe(-gain.estimate);
    expect(minimised.lower).toBe(-gain.upper);
    expect(minimised.upper).toBe(-gain.lower);
  });
});
