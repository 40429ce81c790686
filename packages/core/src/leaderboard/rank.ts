// Leaderboard ranking: each configuration summarised over its seeds (n, mean, sample std, bootstrap
// confidence interval of the mean, best run), ordered by mean. With few seeds the percentile bootstrap
// is narrow (three values have only ten distinct resamples), so entries carry n and every run, and the
// interval is absent below two seeds rather than pretending to certainty.
import { EmptyInputError } from '../errors.js';
import type { BootstrapOptions, ConfidenceInterval } from '../stats/bootstrap.js';
import { bootstrapMeanCi } from '../stats/bootstrap.js';
import { mean, sampleStd } from '../stats/summary.js';
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
  /** Bootstrap interval of the mean over seeds; null for a single run. */
  ci: ConfidenceInterval | null;
  best: RunValue;
  /** Every run, by seed: each cell of the entry traces back to these trials. */
  runs: RunValue[];
}

export interface RankOptions extends BootstrapOptions {
  goal: MetricGoal;
  /** Rank of the first entry, for pages after the first; default 1. */
  firstRank?: number;
}

/** Leaderboard resamples: seaborn's default (n_boot=1000); a page of 50 entries costs ~10 ms of CPU. */
export const LEADERBOARD_RESAMPLES = 1_000;

/**
 * Summarises and orders configurations: better mean first, then more runs, then groupKey. The bootstrap
 * uses `seed` (default 0) for every entry, so a leaderboard is reproducible.
 */
export function rankConfigurations(
  configurations: readonly ConfigurationRuns[],
  options: RankOptions,
): LeaderboardEntry[] {
  const { goal, firstRank = 1, resamples = LEADERBOARD_RESAMPLES, ...bootstrap } = options;
  const entries = configurations.map((configuration) => {
    const runs = [...configuration.runs].sort(bySeed);
    const best = bestRun(runs, goal);
    if (best === undefined) {
      throw new EmptyInputError('rankConfigurations', `runs of ${configuration.groupKey}`);
    }
    const values = runs.map((r) => r.value);
    const several = values.length >= 2;
    return {
      rank: 0,
      groupKey: configuration.groupKey,
      label: configuration.label,
      n: values.length,
      mean: mean(values),
      std: several ? sampleStd(values) : null,
      ci: several ? bootstrapMeanCi(values, { ...bootstrap, resamples }) : null,
      best,
      runs,
    };
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
