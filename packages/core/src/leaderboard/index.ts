export { bestRun, compareByGoal } from './runs.js';
export type { ConfigurationLabel, MetricGoal, RunValue } from './runs.js';
export { rankConfigurations } from './rank.js';
export type { ConfigurationRuns, LeaderboardEntry, RankOptions } from './rank.js';
export { scratchVsTransfer } from './scratch-vs-transfer.js';
export type {
  ArmConfiguration,
  ArmRun,
  ArmSelection,
  ArmSummary,
  ScratchVsTransferOptions,
  ScratchVsTransferRow,
} from './scratch-vs-transfer.js';
export { compareRuns, holmComparisonFamily, testImagesDiffer } from './compare-runs.js';
export type { ComparisonFamily, HolmAdjustedPValues, RunComparison, RunPredictions } from './compare-runs.js';
export { newPatientsGain, newPatientsInterval, orientGain, twoLevelMetricOf } from './new-patients.js';
export type {
  FinalMetricRef,
  NewPatientsGain,
  NewPatientsInterval,
  RunTestPredictions,
  TwoLevelUnavailable,
} from './new-patients.js';
