import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanCi,
  bootstrapMeanDifferenceCi,
  compareRuns,
  delongTest,
  DifferentTestImagesError,
  LEADERBOARD_RESAMPLES,
  mcnemarTest,
  pairedBootstrapAucDifference,
  rankConfigurations,
  scratchVsTransfer,
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
  it('summarises each configuration over its seeds, by hand', () => {
    const [b, a, c] = rankConfigurations(configurations, { goal: 'maximize' });
    expect(b).toMatchObject({ rank: 1, groupKey: 'b', n: 1, mean: 0.875, std: null, ci: null });
    expect(a).toMatchObject({ rank: 2, groupKey: 'a', n: 3, mean: 0.75, std: 0.25 });
    expect(a!.runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(a!.best).toEqual({ trialId: 't-a3', seed: 3, value: 1.0 });
    expect(a!.ci).toEqual(bootstrapMeanCi([0.5, 0.75, 1.0], { resamples: LEADERBOARD_RESAMPLES, seed: 0 }));
    // Mean ties with a: more seeds rank first.
    expect(c).toMatchObject({ rank: 3, groupKey: 'c', n: 2, mean: 0.75, std: Math.sqrt(0.03125) });
    expect(c!.ci!.lower).toBe(0.625);
    expect(c!.ci!.upper).toBe(0.875);
  });

  it('orders by the goal, and numbers later pages from firstRank', () => {
    const ranked = rankConfigurations(configurations, { goal: 'minimize', firstRank: 51, seed: 4 });
    expect(ranked.map((e) => [e.rank, e.groupKey])).toEqual([
      [51, 'a'],
      [52, 'c'],
      [53, 'b'],
    ]);
    expect(ranked[0]!.best.trialId).toBe('t-a1');
    expect(ranked[0]!.ci!.seed).toBe(4);
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

  it('best-config: per architecture, the selected configurations and the gain with its interval', () => {
    const rows = scratchVsTransfer(arms, { goal: 'maximize', seed: 3, resamples: 4000 });
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
    const expected = bootstrapMeanDifferenceCi([0.88, 0.9, 0.92], [0.8, 0.82, 0.84], {
      seed: 3,
      resamples: 4000,
    });
    expect(resnet.gain).toEqual({
      estimate: expected.estimate,
      lower: expected.lower,
      upper: expected.upper,
      confidence: 0.95,
      resamples: 4000,
      seed: 3,
    });
    expect(resnet.gain!.estimate).toBeCloseTo(0.08, 14);
    // One run, or no scratch arm: no interval is claimed.
    expect(rows[0]!.gain).toBeNull();
    expect(rows[2]!.gain).toBeNull();
  });

  it('all-configs pools every configuration of an arm', () => {
    const resnet = scratchVsTransfer(arms, { goal: 'maximize', selection: 'all-configs' })[1]!;
    expect(resnet.scratch!.groupKeys).toEqual(['s1', 's2']);
    expect(resnet.scratch!.n).toBe(6);
    expect(resnet.scratch!.mean).toBeCloseTo((0.8 + 0.82 + 0.84 + 0.9 + 0.91 + 0.92) / 6, 15);
    expect(resnet.pretrained!.mean).toBeCloseTo((0.88 + 0.9 + 0.92 + 0.7 * 3) / 6, 15);
    expect(resnet.gain!.estimate).toBeCloseTo(resnet.pretrained!.mean - resnet.scratch!.mean, 15);
  });

  it('for a minimised metric the gain is scratch minus pretrained (positive = pretrained better)', () => {
    const losses = [
      arm('resnet50', 'scratch', 's', [0.5, 0.6], [0.5, 0.6]),
      arm('resnet50', 'imagenet', 'p', [0.3, 0.4], [0.3, 0.4]),
    ];
    const [row] = scratchVsTransfer(losses, { goal: 'minimize' });
    expect(row!.gain!.estimate).toBeCloseTo(0.2, 15);
    expect(row!.gain!.lower).toBeGreaterThan(0);
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
