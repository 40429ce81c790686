export { bestRun, compareByGoal } from './runs.js';
export type { ConfigurationLabel, MetricGoal, RunValue } from './runs.js';
export { LEADERBOARD_RESAMPLES, rankConfigurations } from './rank.js';
export type { ConfigurationRuns, LeaderboardEntry, RankOptions } from './rank.js';
export { scratchVsTransfer } from './scratch-vs-transfer.js';
export type {
  ArmConfiguration,
  ArmRun,
  ArmSelection,
  ArmSummary,
  Gain,
  ScratchVsTransferOptions,
  ScratchVsTransferRow,
} from './scratch-vs-transfer.js';
export { compareRuns } from './compare-runs.js';
export type { RunComparison, RunPredictions } from './compare-runs.js';
