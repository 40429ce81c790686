// Coverage of MedSweep's intervals measured against KNOWN truth: a generative model of seeds scoring a
// shared test set whose metric means have closed forms, so each replication knows exactly what each
// interval should contain. scripts/stats-coverage.ts prints the figures (npm run stats:coverage), and
// coverage-simulation.test.ts checks them.
//
// Model (binary task, BreastMNIST-like sizes). Image i has a label y_i (1 with probability
// `positiveRate`) and a difficulty z_i ~ N(0, 1) that every model sees (one test set for all seeds).
// Seed s of an arm has quality q_s ~ N(mu, seedSd^2) and scores image i as
// q_s (y_i - 1/2) + z_i + e_si with e_si ~ N(0, interactionSd^2), the model-by-image interaction. For
// the paired arms, seed s of the scratch arm shares `pairedShare` of the variance of both q_s and e_si
// with seed s of the pretrained arm (same data order and augmentation), which leaves each arm's marginal
// law, hence every truth below, unchanged. With v = seedSd^2 + 2 interactionSd^2 and
// w = seedSd^2 / 4 + interactionSd^2:
// - AUC: positive i outranks negative j when q_s + z_i - z_j + e_si - e_sj > 0, with q_s + e_si - e_sj
//   ~ N(mu, v). On THIS test set the mean over seeds is the mean over pairs of
//   Phi((mu + z_i - z_j) / sqrt(v)) (what seedMeanInterval and gainInterval target); for new patients
//   z_i - z_j ~ N(0, 2) as well, so it is Phi(mu / sqrt(v + 2)) (what the two-level intervals target).
// - ACC at threshold 0: image i is right when q_s/2 + (2y_i - 1)(z_i + e_si) > 0, so for new patients
//   the mean over seeds is Phi((mu/2) / sqrt(w + 1)), whatever the class mix.
// mu is chosen per arm so that its population AUC is the scenario's.
import { auc } from '../metrics/auc.js';
import type { ScoreMatrix } from '../metrics/input.js';
import { Rng } from '../random.js';
import { bootstrapMeanCi } from './bootstrap.js';
import { bootstrapMeanDifferenceCi } from './bootstrap-difference.js';
import type { IntervalResult, SeedValue } from './intervals.js';
import { gainInterval, seedMeanInterval } from './intervals.js';
import { normalCdf, normalQuantile } from './normal.js';
import type { SeedScores } from './two-level.js';
import { twoLevelGainInterval, twoLevelInterval } from './two-level.js';

/** Resamples of the percentile bootstrap the leaderboard used before the t intervals (seaborn's n_boot). */
const OLD_LEADERBOARD_RESAMPLES = 1_000;

export interface CoverageScenario {
  /** Test images, shared by every seed. */
  readonly testImages: number;
  /** Probability that an image is positive (label 1). */
  readonly positiveRate: number;
  /** Standard deviation of a seed's quality q_s. */
  readonly seedSd: number;
  /** Standard deviation of the model-by-image interaction e_si. */
  readonly interactionSd: number;
  /** Share of seed and interaction variance that the scratch arm's seed s shares with the pretrained's. */
  readonly pairedShare: number;
  /** Population AUC of each arm (the mean over seeds for new patients). */
  readonly pretrainedAuc: number;
  readonly scratchAuc: number;
}

/**
 * 156 test images, 27% in one class (BreastMNIST's test split: 42 malignant of 156); AUC 0.87 vs 0.82
 * for new patients; seed-to-seed AUC sd about 0.03-0.04 and test-sampling sd about 0.03.
 */
export const BREASTMNIST_LIKE: CoverageScenario = {
  testImages: 156,
  positiveRate: 0.27,
  seedSd: 0.25,
  interactionSd: 0.5,
  pairedShare: 0.5,
  pretrainedAuc: 0.87,
  scratchAuc: 0.82,
};

export interface CoverageOptions {
  /** Replications per number of seeds. */
  readonly replications: number;
  /** Seeds per configuration to study. Default 2, 3, 5, 10. */
  readonly seedCounts?: readonly number[];
  /** Seed of the simulation's Rng. Default 16 (issue 16). */
  readonly seed?: number;
  /** Nominal confidence of every interval. Default 0.95. */
  readonly confidence?: number;
  readonly scenario?: CoverageScenario;
}

/** What an interval is meant to contain: the mean over seeds on this test set, or for new patients. */
export type CoverageTarget = 'test set' | 'new patients';

export interface CoverageCell {
  readonly seeds: number;
  /** Replications whose interval contained the truth. */
  readonly covered: number;
  /** Replications that gave an interval (the rest were refused). */
  readonly intervals: number;
  readonly refused: number;
  /** A refusal's reason, as the interval gave it. */
  readonly refusal?: string;
}

export interface CoverageSeries {
  /** Key in the JSON summary, e.g. `twoLevel`. */
  readonly key: string;
  /** What was computed, for the table. */
  readonly label: string;
  readonly target: CoverageTarget;
  /**
   * True for the honest intervals, whose coverage must be near nominal; false for context rows (the old
   * percentile bootstrap, an interval held against the wrong target).
   */
  readonly checked: boolean;
  readonly cells: readonly CoverageCell[];
}

export interface CoverageStudy {
  readonly replications: number;
  readonly seed: number;
  readonly confidence: number;
  readonly scenario: CoverageScenario;
  /** Population truths (new patients) of both arms. */
  readonly truths: {
    readonly pretrained: { readonly auc: number; readonly acc: number };
    readonly scratch: { readonly auc: number; readonly acc: number };
  };
  readonly bootstrapResamples: number;
  readonly series: readonly CoverageSeries[];
}

/** A standard normal draw: Box–Muller from two uniforms (1 - u keeps the logarithm finite). */
function standardNormal(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

interface TestSet {
  readonly labels: Uint8Array;
  readonly difficulty: Float64Array;
}

interface ArmModel {
  readonly mu: number;
}

interface Geometry {
  /** seedSd^2 + 2 interactionSd^2: the variance of a positive-minus-negative score gap given the images. */
  readonly pairVariance: number;
  /** seedSd^2 / 4 + interactionSd^2: the variance of an image's signed margin given the image. */
  readonly marginVariance: number;
}

function geometry(scenario: CoverageScenario): Geometry {
  return {
    pairVariance: scenario.seedSd ** 2 + 2 * scenario.interactionSd ** 2,
    marginVariance: scenario.seedSd ** 2 / 4 + scenario.interactionSd ** 2,
  };
}

/** The mu whose population AUC is `auc`. */
function muForAuc(auc: number, g: Geometry): number {
  return normalQuantile(auc) * Math.sqrt(g.pairVariance + 2);
}

function populationAcc(mu: number, g: Geometry): number {
  return normalCdf(mu / 2 / Math.sqrt(g.marginVariance + 1));
}

/** Mean over seeds of the AUC on this test set: the mean over (positive, negative) pairs. */
function conditionalAuc(mu: number, test: TestSet, g: Geometry): number {
  const positives: number[] = [];
  const negatives: number[] = [];
  test.labels.forEach((label, i) => (label === 1 ? positives : negatives).push(test.difficulty[i] as number));
  const scale = 1 / Math.sqrt(g.pairVariance);
  let sum = 0;
  for (const zi of positives) for (const zj of negatives) sum += normalCdf((mu + zi - zj) * scale);
  return sum / (positives.length * negatives.length);
}

function drawTestSet(rng: Rng, scenario: CoverageScenario): TestSet {
  for (;;) {
    const labels = Uint8Array.from({ length: scenario.testImages }, () =>
      rng.nextFloat() < scenario.positiveRate ? 1 : 0,
    );
    const difficulty = Float64Array.from({ length: scenario.testImages }, () => standardNormal(rng));
    const positives = labels.reduce((sum, y) => sum + y, 0);
    // AUC needs two of each class; at 156 images a redraw is astronomically rare.
    if (positives >= 2 && scenario.testImages - positives >= 2) return { labels, difficulty };
  }
}

/** One seed's scores: quality and interaction noise from `qualityNoise` and `imageNoise` (both N(0, 1)). */
function scoreRun(
  arm: ArmModel,
  test: TestSet,
  scenario: CoverageScenario,
  qualityNoise: number,
  imageNoise: (i: number) => number,
): ScoreMatrix {
  const quality = arm.mu + scenario.seedSd * qualityNoise;
  const values = Float64Array.from(
    test.labels,
    (y, i) => quality * (y - 0.5) + (test.difficulty[i] as number) + scenario.interactionSd * imageNoise(i),
  );
  return { values, numColumns: 1 };
}

interface Replication {
  readonly test: TestSet;
  /** Seeds 0.. of the pretrained arm and of the scratch arm paired with it. */
  readonly pretrained: readonly ScoreMatrix[];
  readonly scratch: readonly ScoreMatrix[];
  /** Scratch runs with seeds of their own (100..), independent of the pretrained arm. */
  readonly otherScratch: readonly ScoreMatrix[];
}

function drawReplication(
  rng: Rng,
  scenario: CoverageScenario,
  arms: { pretrained: ArmModel; scratch: ArmModel },
  seeds: number,
): Replication {
  const test = drawTestSet(rng, scenario);
  const shared = Math.sqrt(scenario.pairedShare);
  const own = Math.sqrt(1 - scenario.pairedShare);
  const pretrained: ScoreMatrix[] = [];
  const scratch: ScoreMatrix[] = [];
  const otherScratch: ScoreMatrix[] = [];
  const noise = () => Float64Array.from({ length: scenario.testImages }, () => standardNormal(rng));
  for (let s = 0; s < seeds; s++) {
    const seedShared = standardNormal(rng);
    const imageShared = noise();
    for (const [arm, runs] of [
      [arms.pretrained, pretrained],
      [arms.scratch, scratch],
    ] as const) {
      const imageOwn = noise();
      const quality = shared * seedShared + own * standardNormal(rng);
      runs.push(
        scoreRun(
          arm,
          test,
          scenario,
          quality,
          (i) => shared * (imageShared[i] as number) + own * (imageOwn[i] as number),
        ),
      );
    }
    const independent = noise();
    otherScratch.push(
      scoreRun(arms.scratch, test, scenario, standardNormal(rng), (i) => independent[i] as number),
    );
  }
  return { test, pretrained, scratch, otherScratch };
}

/** Tallies of one series: per number of seeds, covered / intervals / refused. */
class Tally {
  private readonly cells = new Map<
    number,
    { covered: number; intervals: number; refused: number; refusal?: string }
  >();

  constructor(
    readonly key: string,
    readonly label: string,
    readonly target: CoverageTarget,
    readonly checked: boolean,
  ) {}

  add(seeds: number, interval: IntervalResult | { lower: number; upper: number }, truth: number): void {
    let cell = this.cells.get(seeds);
    if (!cell) this.cells.set(seeds, (cell = { covered: 0, intervals: 0, refused: 0 }));
    if ('outcome' in interval && interval.outcome === 'refused') {
      cell.refused++;
      cell.refusal ??= interval.reason;
      return;
    }
    cell.intervals++;
    if (interval.lower <= truth && truth <= interval.upper) cell.covered++;
  }

  series(): CoverageSeries {
    const cells = [...this.cells].map(([seeds, cell]) => ({ seeds, ...cell }));
    return { key: this.key, label: this.label, target: this.target, checked: this.checked, cells };
  }
}

/**
 * Runs the study: per replication one test set and up to max(seedCounts) seeds per arm; each number of
 * seeds n uses the first n. Each cell is an unbiased coverage estimate with Monte Carlo SE
 * sqrt(p (1 - p) / replications); cells of one replication are correlated, which does not bias them.
 */
export function simulateCoverage(options: CoverageOptions): CoverageStudy {
  const {
    replications,
    seedCounts = [2, 3, 5, 10],
    seed = 16,
    confidence = 0.95,
    scenario = BREASTMNIST_LIKE,
  } = options;
  const g = geometry(scenario);
  const pretrained = { mu: muForAuc(scenario.pretrainedAuc, g) };
  const scratch = { mu: muForAuc(scenario.scratchAuc, g) };
  const truths = {
    pretrained: { auc: scenario.pretrainedAuc, acc: populationAcc(pretrained.mu, g) },
    scratch: { auc: scenario.scratchAuc, acc: populationAcc(scratch.mu, g) },
  };
  const maxSeeds = Math.max(...seedCounts);
  const tallies = {
    seedMean: new Tally('seedMean', 'seedMeanInterval, AUC', 'test set', true),
    gain: new Tally('gain', 'gainInterval, AUC, seeds match (paired-t)', 'test set', true),
    gainWelch: new Tally('gainWelch', 'gainInterval, AUC, seeds differ (welch-t)', 'test set', true),
    twoLevel: new Tally('twoLevel', 'twoLevelInterval, AUC', 'new patients', true),
    twoLevelAcc: new Tally('twoLevelAcc', 'twoLevelInterval, ACC', 'new patients', true),
    twoLevelGain: new Tally('twoLevelGain', 'twoLevelGainInterval, AUC, paired', 'new patients', true),
    twoLevelGainAcc: new Tally('twoLevelGainAcc', 'twoLevelGainInterval, ACC, paired', 'new patients', true),
    twoLevelGainWelch: new Tally(
      'twoLevelGainWelch',
      'twoLevelGainInterval, AUC, seeds differ',
      'new patients',
      true,
    ),
    bootstrap: new Tally(
      'bootstrap',
      `bootstrapMeanCi percentile (the old leaderboard), AUC`,
      'test set',
      false,
    ),
    bootstrapPopulation: new Tally(
      'bootstrapPopulation',
      'bootstrapMeanCi percentile, AUC',
      'new patients',
      false,
    ),
    bootstrapGain: new Tally(
      'bootstrapGain',
      `bootstrapMeanDifferenceCi (the old scratch vs transfer), AUC`,
      'test set',
      false,
    ),
    seedMeanPopulation: new Tally('seedMeanPopulation', 'seedMeanInterval, AUC', 'new patients', false),
  };
  const rng = Rng.fromSeed(seed);
  const acc = { confidence, threshold: 0 };
  for (let r = 0; r < replications; r++) {
    const rep = drawReplication(rng, scenario, { pretrained, scratch }, maxSeeds);
    const { labels } = rep.test;
    const aucOf = (runs: readonly ScoreMatrix[]) =>
      runs.map((scores, s): SeedValue => ({ seed: s, value: auc(labels, scores, 'binary-class') }));
    const aucA = aucOf(rep.pretrained);
    const aucB = aucOf(rep.scratch);
    const aucOther = aucOf(rep.otherScratch).map((run) => ({ ...run, seed: 100 + run.seed }));
    const conditionalA = conditionalAuc(pretrained.mu, rep.test, g);
    const conditionalGain = conditionalA - conditionalAuc(scratch.mu, rep.test, g);
    const populationGain = truths.pretrained.auc - truths.scratch.auc;
    const accGain = truths.pretrained.acc - truths.scratch.acc;
    for (const n of seedCounts) {
      const values = aucA.slice(0, n).map((run) => run.value);
      const seeded = (runs: readonly ScoreMatrix[], first = 0): SeedScores[] =>
        runs.slice(0, n).map((scores, s) => ({ seed: first + s, scores }));
      const runsA = seeded(rep.pretrained);
      const runsB = seeded(rep.scratch);
      const runsOther = seeded(rep.otherScratch, 100);
      const seedMean = seedMeanInterval(values, { confidence });
      tallies.seedMean.add(n, seedMean, conditionalA);
      tallies.seedMeanPopulation.add(n, seedMean, truths.pretrained.auc);
      const percentile = bootstrapMeanCi(values, {
        confidence,
        resamples: OLD_LEADERBOARD_RESAMPLES,
        seed: r,
      });
      tallies.bootstrap.add(n, percentile, conditionalA);
      tallies.bootstrapPopulation.add(n, percentile, truths.pretrained.auc);
      tallies.bootstrapGain.add(
        n,
        bootstrapMeanDifferenceCi(
          values,
          aucB.slice(0, n).map((run) => run.value),
          { confidence, resamples: OLD_LEADERBOARD_RESAMPLES, seed: r },
        ),
        conditionalGain,
      );
      tallies.gain.add(n, gainInterval(aucA.slice(0, n), aucB.slice(0, n), { confidence }), conditionalGain);
      tallies.gainWelch.add(
        n,
        gainInterval(aucA.slice(0, n), aucOther.slice(0, n), { confidence }),
        conditionalGain,
      );
      const scoresA = runsA.map((run) => run.scores);
      tallies.twoLevel.add(
        n,
        twoLevelInterval(labels, scoresA, 'binary-class', 'auc', { confidence }),
        truths.pretrained.auc,
      );
      tallies.twoLevelAcc.add(
        n,
        twoLevelInterval(labels, scoresA, 'binary-class', 'acc', acc),
        truths.pretrained.acc,
      );
      tallies.twoLevelGain.add(
        n,
        twoLevelGainInterval(labels, runsA, runsB, 'binary-class', 'auc', { confidence }),
        populationGain,
      );
      tallies.twoLevelGainAcc.add(
        n,
        twoLevelGainInterval(labels, runsA, runsB, 'binary-class', 'acc', acc),
        accGain,
      );
      tallies.twoLevelGainWelch.add(
        n,
        twoLevelGainInterval(labels, runsA, runsOther, 'binary-class', 'auc', { confidence }),
        populationGain,
      );
    }
  }
  return {
    replications,
    seed,
    confidence,
    scenario,
    truths,
    bootstrapResamples: OLD_LEADERBOARD_RESAMPLES,
    series: Object.values(tallies).map((tally) => tally.series()),
  };
}

/** Coverage of a cell that gave intervals, to 4 decimals (the table and the JSON print the same). */
export function coverageOf(cell: CoverageCell): number {
  return Math.round((cell.covered / cell.intervals) * 1e4) / 1e4;
}

/**
 * The JSON summary: coverage fractions of the checked series, keyed by series and number of
 * seeds; cells where the interval refused are left out.
 */
export function coverageFractions(study: CoverageStudy): Record<string, Record<string, number>> {
  return Object.fromEntries(
    study.series
      .filter((s) => s.checked)
      .map((s) => [
        s.key,
        Object.fromEntries(
          s.cells.filter((cell) => cell.intervals > 0).map((cell) => [String(cell.seeds), coverageOf(cell)]),
        ),
      ]),
  );
}

/** The Monte Carlo standard error of a coverage estimate p from `replications` replications. */
export function monteCarloSe(p: number, replications: number): number {
  return Math.sqrt((p * (1 - p)) / replications);
}

/** The study as a text table: scenario, one row per series, refusals named, context rows apart. */
export function coverageTable(study: CoverageStudy): string[] {
  const { scenario, truths, replications, confidence } = study;
  const seedCounts = [...new Set(study.series.flatMap((s) => s.cells.map((c) => c.seeds)))];
  const nominalSe = monteCarloSe(confidence, replications);
  const cellText = (cell: CoverageCell | undefined) => {
    if (!cell) return '';
    if (cell.intervals === 0) return 'refused';
    const p = coverageOf(cell);
    return `${p.toFixed(4)} ±${monteCarloSe(p, cell.intervals).toFixed(4)}`;
  };
  const header = ['interval (key)', 'truth', ...seedCounts.map((n) => `n=${n}`)];
  const row = (s: CoverageSeries) => [
    `${s.label} (${s.key})`,
    s.target,
    ...seedCounts.map((n) => cellText(s.cells.find((c) => c.seeds === n))),
  ];
  const checked = study.series.filter((s) => s.checked);
  const context = study.series.filter((s) => !s.checked);
  const rows = [header, ...checked.map(row), ...context.map(row)];
  const widths = header.map((_, k) => Math.max(...rows.map((r) => (r[k] as string).length)));
  const format = (r: string[]) =>
    r
      .map((text, k) => text.padEnd(widths[k] as number))
      .join('  ')
      .trimEnd();
  const refusals = [
    ...new Set(
      checked.flatMap((s) => s.cells.filter((c) => c.refusal).map((c) => `n=${c.seeds}: ${c.refusal}`)),
    ),
  ];
  const percent = (x: number) => `${(100 * x).toFixed(0)}%`;
  return [
    `Coverage of nominal ${percent(confidence)} intervals against known truth: ${replications} replications per cell (seed ${study.seed}).`,
    `Monte Carlo SE of a coverage near ${percent(confidence)}: ${nominalSe.toFixed(4)}; each cell shows its own (±1 SE). Checked rows must lie in [0.93, 0.97].`,
    `Scenario: ${scenario.testImages} test images, ${percent(scenario.positiveRate)} positive; seed quality sd ${scenario.seedSd}, model-by-image sd ${scenario.interactionSd}, paired arms share ${percent(scenario.pairedShare)} of the seed noise.`,
    `Truth for new patients: pretrained AUC ${truths.pretrained.auc.toFixed(4)}, ACC ${truths.pretrained.acc.toFixed(4)}; scratch AUC ${truths.scratch.auc.toFixed(4)}, ACC ${truths.scratch.acc.toFixed(4)}. Truth on the test set: the mean over seeds on that replication's images (exact).`,
    '',
    format(header),
    ...checked.map((s) => format(row(s))),
    '',
    `Context (not checked): the old percentile bootstrap over seeds (${study.bootstrapResamples} resamples), and the seed-only interval held against new patients:`,
    ...context.map((s) => format(row(s))),
    '',
    ...refusals.map((line) => `Refused: ${line}`),
  ];
}
