// Coverage of the single-model intervals (single-model.ts) by simulation with known truth: an interval is
// only shown where its coverage has been checked. Scores follow the binormal model (negatives N(0, 1),
// positives N(mu, 1), so AUC = Phi(mu / sqrt 2) and every rate at a threshold is known exactly); labels are
// drawn at the stated prevalence, as a test set sampled from a population is. A corrupted copy of each
// test set adds noise and pulls positives towards negatives, so its AUC and accuracy drops are known too.
// Sizes are MedSweep's: BreastMNIST's 156 and PneumoniaMNIST's 624 test images (at their prevalences), and
// subgroups of 30 to 80 images.
import { Rng } from '../random.js';
import { normalCdf, normalQuantile } from './normal.js';
import type { MetricInterval, SingleModelMetric, SubgroupGap } from './single-model.js';
import { dropFromClean, subgroupMetrics } from './single-model.js';

export interface CoverageCheck {
  /** What is checked, e.g. `test set 156 images, 27% positive, AUC 0.85`. */
  readonly scenario: string;
  readonly replications: number;
  /** Replications that gave an interval (the rest were refused, e.g. a subgroup with too few of a class). */
  readonly intervals: number;
  /** Share of those intervals that contain the true value. */
  readonly coverage: number;
  readonly nominal: number;
}

/** One entry per interval the evaluation panels show, each checked in every scenario it is used in. */
export interface SingleModelCoverage {
  readonly aucDelong: readonly CoverageCheck[];
  readonly accWilson: readonly CoverageCheck[];
  readonly sensitivityWilson: readonly CoverageCheck[];
  readonly specificityWilson: readonly CoverageCheck[];
  readonly aucDropDelongPaired: readonly CoverageCheck[];
  readonly accDropNewcombePaired: readonly CoverageCheck[];
  readonly sensitivityDropNewcombePaired: readonly CoverageCheck[];
  readonly specificityDropNewcombePaired: readonly CoverageCheck[];
  /** Per subgroup (30 to 80 images): the same intervals as a test set's, at subgroup sizes. */
  readonly subgroupAucDelong: readonly CoverageCheck[];
  readonly subgroupAccWilson: readonly CoverageCheck[];
  readonly subgroupAucGapMover: readonly CoverageCheck[];
  readonly subgroupAccGapMover: readonly CoverageCheck[];
}

export interface CoverageOptions {
  /** Simulated test sets per scenario. Default 2000 (Monte Carlo standard error ~0.005 at 95%). */
  readonly replications?: number;
  readonly seed?: number;
  readonly confidence?: number;
}

/** A population: prevalence and binormal separation; `threshold` is the model's decision threshold on its score. */
interface Population {
  readonly prevalence: number;
  readonly auc: number;
  readonly threshold: number;
}

/** How the corrupted copy differs: score noise and a pull of positives towards negatives. */
const CORRUPTION = { noise: 0.6, pull: 0.5 };

const separation = (auc: number) => Math.SQRT2 * normalQuantile(auc);

/** True metrics of a binormal population with positives ~ N(mu - shift, spread^2), negatives ~ N(0, spread^2). */
function truth(population: Population, shift = 0, spread = 1): Record<SingleModelMetric, number> {
  const mu = separation(population.auc) - shift;
  const sensitivity = 1 - normalCdf((population.threshold - mu) / spread);
  const specificity = normalCdf(population.threshold / spread);
  return {
    auc: normalCdf(mu / (spread * Math.SQRT2)),
    sensitivity,
    specificity,
    accuracy: population.prevalence * sensitivity + (1 - population.prevalence) * specificity,
  };
}

const corruptedSpread = Math.hypot(1, CORRUPTION.noise);
const corruptedTruth = (population: Population) => truth(population, CORRUPTION.pull, corruptedSpread);

function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

interface SimulatedSet {
  labels: Uint8Array;
  /** One column: the model's score (any real; a threshold decides). */
  clean: { values: Float64Array; numColumns: 1 };
  corrupted: { values: Float64Array; numColumns: 1 };
}

function simulate(rng: Rng, population: Population, samples: number): SimulatedSet {
  const mu = separation(population.auc);
  const labels = new Uint8Array(samples);
  const clean = new Float64Array(samples);
  const corrupted = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    labels[i] = rng.nextFloat() < population.prevalence ? 1 : 0;
    clean[i] = mu * (labels[i] as number) + standardNormal(rng);
    corrupted[i] =
      clean[i]! + CORRUPTION.noise * standardNormal(rng) - CORRUPTION.pull * (labels[i] as number);
  }
  return { labels, clean: { values: clean, numColumns: 1 }, corrupted: { values: corrupted, numColumns: 1 } };
}

/** Tallies intervals and hits for one check. */
class Tally {
  intervals = 0;
  hits = 0;
  constructor(
    readonly scenario: string,
    readonly replications: number,
    readonly nominal: number,
  ) {}

  add(interval: MetricInterval | SubgroupGap, trueValue: number): void {
    if (interval.outcome !== 'interval') return;
    this.intervals++;
    if (interval.lower <= trueValue && trueValue <= interval.upper) this.hits++;
  }

  result(): CoverageCheck {
    return {
      scenario: this.scenario,
      replications: this.replications,
      intervals: this.intervals,
      coverage: this.intervals === 0 ? NaN : this.hits / this.intervals,
      nominal: this.nominal,
    };
  }
}

const percent = (p: number) => `${Math.round(p * 100)}% positive`;

/** Test sets as MedSweep evaluates them: BreastMNIST-sized and PneumoniaMNIST-sized. */
const TEST_SETS: readonly { samples: number; population: Population }[] = [
  { samples: 156, population: { prevalence: 42 / 156, auc: 0.85, threshold: 0.8 } },
  { samples: 624, population: { prevalence: 390 / 624, auc: 0.9, threshold: 0.9 } },
];

/** Two subgroups of one test set: sizes, and populations that differ. */
const SUBGROUP_PAIRS: readonly { sizes: [number, number]; populations: [Population, Population] }[] = [
  {
    sizes: [30, 80],
    populations: [
      { prevalence: 0.5, auc: 0.85, threshold: 0.7 },
      { prevalence: 0.4, auc: 0.75, threshold: 0.7 },
    ],
  },
  {
    sizes: [50, 60],
    populations: [
      { prevalence: 0.45, auc: 0.8, threshold: 0.7 },
      { prevalence: 0.45, auc: 0.8, threshold: 0.7 },
    ],
  },
];

/**
 * Coverage of every single-model interval at realistic sizes, from seeded simulations: a pure function, so
 * the coverage script prints it and a test asserts it lies within [0.93, 0.97] for 95% intervals.
 */
export function singleModelCoverage(options: CoverageOptions = {}): SingleModelCoverage {
  const { replications = 2000, seed = 0, confidence = 0.95 } = options;
  const rng = Rng.fromSeed(seed);
  const tallies = (scenario: string) => new Tally(scenario, replications, confidence);

  const testSets = TEST_SETS.map(({ samples, population }) => {
    const scenario = `test set ${samples} images, ${percent(population.prevalence)}, AUC ${population.auc}`;
    const checks = {
      auc: tallies(scenario),
      accuracy: tallies(scenario),
      sensitivity: tallies(scenario),
      specificity: tallies(scenario),
      aucDrop: tallies(`${scenario}, corrupted copy`),
      accuracyDrop: tallies(`${scenario}, corrupted copy`),
      sensitivityDrop: tallies(`${scenario}, corrupted copy`),
      specificityDrop: tallies(`${scenario}, corrupted copy`),
    };
    const clean = truth(population);
    const corrupted = corruptedTruth(population);
    const options = { confidence, threshold: population.threshold };
    for (let r = 0; r < replications; r++) {
      const set = simulate(rng, population, samples);
      // dropFromClean also returns the clean metrics, i.e. testSetMetrics of the clean scores.
      const { clean: cleanMetrics, drop } = dropFromClean(
        set.labels,
        set.clean,
        set.corrupted,
        'binary-class',
        options,
      );
      for (const metric of ['auc', 'accuracy', 'sensitivity', 'specificity'] as const) {
        checks[metric].add(cleanMetrics.metrics[metric], clean[metric]);
      }
      checks.aucDrop.add(drop.auc, clean.auc - corrupted.auc);
      checks.accuracyDrop.add(drop.accuracy, clean.accuracy - corrupted.accuracy);
      checks.sensitivityDrop.add(drop.sensitivity, clean.sensitivity - corrupted.sensitivity);
      checks.specificityDrop.add(drop.specificity, clean.specificity - corrupted.specificity);
    }
    return checks;
  });

  const subgroups = SUBGROUP_PAIRS.map(({ sizes, populations }) => {
    const describe = (i: 0 | 1) =>
      `${sizes[i]} (${percent(populations[i].prevalence)}, AUC ${populations[i].auc})`;
    const scenario = `subgroups of ${describe(0)} and ${describe(1)} images`;
    const perGroup = ([0, 1] as const).map((i) => ({
      auc: tallies(`subgroup of ${describe(i)} images`),
      accuracy: tallies(`subgroup of ${describe(i)} images`),
    }));
    const checks = { perGroup, aucGap: tallies(scenario), accuracyGap: tallies(scenario) };
    const truths = populations.map((p) => truth(p));
    for (let r = 0; r < replications; r++) {
      const [a, b] = [simulate(rng, populations[0], sizes[0]), simulate(rng, populations[1], sizes[1])];
      const labels = new Uint8Array([...a.labels, ...b.labels]);
      const scores = { values: new Float64Array([...a.clean.values, ...b.clean.values]), numColumns: 1 };
      const attribute = labels.map((_, i) => (i < sizes[0] ? 1 : 0));
      const report = subgroupMetrics(
        labels,
        scores,
        'binary-class',
        Array.from(attribute, (inFirst) => (inFirst ? 'A' : 'B')),
        { confidence, threshold: populations[0].threshold },
      );
      report.groups.forEach((group) => {
        const i = group.value === 'A' ? 0 : 1;
        perGroup[i]!.auc.add(group.metrics.auc, truths[i]!.auc);
        perGroup[i]!.accuracy.add(group.metrics.accuracy, truths[i]!.accuracy);
      });
      for (const [metric, tally] of [
        ['auc', checks.aucGap],
        ['accuracy', checks.accuracyGap],
      ] as const) {
        const gap = report.largestGap[metric];
        if (gap.outcome !== 'interval') continue;
        const trueOf = (group: string) =>
          (truths[group === 'A' ? 0 : 1] as Record<SingleModelMetric, number>)[metric];
        tally.add(gap, trueOf(gap.highest) - trueOf(gap.lowest));
      }
    }
    return checks;
  });

  return {
    aucDelong: testSets.map((c) => c.auc.result()),
    accWilson: testSets.map((c) => c.accuracy.result()),
    sensitivityWilson: testSets.map((c) => c.sensitivity.result()),
    specificityWilson: testSets.map((c) => c.specificity.result()),
    aucDropDelongPaired: testSets.map((c) => c.aucDrop.result()),
    accDropNewcombePaired: testSets.map((c) => c.accuracyDrop.result()),
    sensitivityDropNewcombePaired: testSets.map((c) => c.sensitivityDrop.result()),
    specificityDropNewcombePaired: testSets.map((c) => c.specificityDrop.result()),
    subgroupAucDelong: subgroups.flatMap((c) => c.perGroup.map((g) => g.auc.result())),
    subgroupAccWilson: subgroups.flatMap((c) => c.perGroup.map((g) => g.accuracy.result())),
    subgroupAucGapMover: subgroups.map((c) => c.aucGap.result()),
    subgroupAccGapMover: subgroups.map((c) => c.accuracyGap.result()),
  };
}
