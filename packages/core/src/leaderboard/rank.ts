// Leaderboard ranking: each configuration summarised over its seeds (n, mean, sample std, the Student-t
// interval of the mean over seeds, best run), ordered by mean. The t interval replaces a percentile
// bootstrap over seeds, which with two or three seeds is the range of a few numbers: nominally 95%, it
// covered the true mean in 50% of simulated cases at two seeds, 75% at three and 84% at five
// (scripts/stats-coverage.ts); below MINIMUM_SEEDS the entry carries a
// refused interval ("n too small") with the mean, never a range. What a new sample of patients would
// score (the two-level interval) needs the runs' predictions, so the caller adds it (newPatients).
import { EmptyInputError } from '../errors.js';
import type { IntervalOptions, IntervalResult } from '../stats/intervals.js';
import { seedMeanInterval } from '../stats/intervals.js';
import { mean, sampleStd } from '../stats/summary.js';
import type { NewPatientsInterval } from './new-patients.js';
import type { ConfigurationLabel, MetricGoal, RunValue } from './runs.js';
import { bestRun, bySeed, compareByGoal } from './runs.js';

/** The runs of one configuration (trials with one groupKey). */
export interface ConfigurationRuns {
  groupKey: string;
  label: ConfigurationLabel;
  runs: readonly RunValue[];
}

export interface LeaderboardEntry {
  /** 1-based position (offset by `firstRank` for later pages). */
  rank: number;
  groupKey: string;
  label: ConfigurationLabel;
  /** Number of runs (seeds). */
  n: number;
  mean: number;
  /** Sample standard deviation over seeds; null for a single run. */
  std: number | null;
  /**
   * Student-t interval of the mean over seeds on this test set ("95% CI over seeds (t)"), with its method,
   * n and df; refused with the reason below MINIMUM_SEEDS seeds.
   */
  overSeeds: IntervalResult;
  /**
   * The two-level interval for new patients (seeds and test images resampled), where the caller had
   * every run's test predictions; absent when not computed.
   */
  newPatients?: NewPatientsInterval;
  best: RunValue;
  /** Every run, by seed: each cell of the entry traces back to these trials. */
  runs: RunValue[];
}

export interface RankOptions extends IntervalOptions {
  goal: MetricGoal;
  /** Rank of the first entry, for pages after the first; default 1. */
  firstRank?: number;
}

/** Summarises and orders configurations: better mean first, then more runs, then groupKey. */
export function rankConfigurations(
  configurations: readonly ConfigurationRuns[],
  options: RankOptions,
): LeaderboardEntry[] {
  const { goal, firstRank = 1, ...interval } = options;
  const entries = configurations.map((configuration) => {
    const runs = [...configuration.runs].sort(bySeed);
    const best = bestRun(runs, goal);
    if (best === undefined) {
      throw new EmptyInputError('rankConfigurations', `runs of ${configuration.groupKey}`);
    }
    const values = runs.map((r) => r.value);
    const entry: LeaderboardEntry = {
      rank: 0,
      groupKey: configuration.groupKey,
      label: configuration.label,
      n: values.length,
      mean: mean(values),
      std: values.length >= 2 ? sampleStd(values) : null,
      overSeeds: seedMeanInterval(values, interval),
      best,
      runs,
    };
    return entry;
  });
  entries.sort(
    (a, b) =>
      compareByGoal(goal, a.mean, b.mean) ||
      b.n - a.n ||
      (a.groupKey < b.groupKey ? -1 : a.groupKey > b.groupKey ? 1 : 0),
  );
  entries.forEach((entry, i) => (entry.rank = firstRank + i));
  return entries;
}
