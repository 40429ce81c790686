export { mean, sampleStd } from './summary.js';
export { bootstrapMeanCi } from './bootstrap.js';
export type { BootstrapOptions, ConfidenceInterval, MeanBootstrapOptions } from './bootstrap.js';
export { mcnemarFromCounts, mcnemarTest } from './mcnemar.js';
export type { McNemarMethod, McNemarResult } from './mcnemar.js';
export { delongTest } from './delong.js';
export type { DelongResult } from './delong.js';
export { pairedBootstrapAucDifference } from './paired-bootstrap.js';
export type { PairedAucDifference } from './paired-bootstrap.js';
export { chiSquare1Survival, erfc, normalCdf, normalQuantile } from './normal.js';
export { bootstrapMeanDifferenceCi } from './bootstrap-difference.js';
export type { MeanDifferenceInterval } from './bootstrap-difference.js';
export { studentTCdf, studentTQuantile } from './student-t.js';
export { gainInterval, MINIMUM_SEEDS, seedMeanInterval } from './intervals.js';
export type {
  GainFacts,
  GainInterval,
  Interval,
  IntervalMethod,
  IntervalOptions,
  IntervalResult,
  RefusedInterval,
  SeedValue,
} from './intervals.js';
export { TWO_LEVEL_METRICS, twoLevelGainInterval, twoLevelInterval } from './two-level.js';
export type {
  SeedScores,
  TwoLevelFacts,
  TwoLevelGainInterval,
  TwoLevelInterval,
  TwoLevelMetric,
  TwoLevelOptions,
  TwoLevelVariances,
} from './two-level.js';
export { holmAdjust, holmFamily } from './holm.js';
export type { AdjustedPValue, PValueFamily } from './holm.js';
export {
  dropFromClean,
  MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL,
  SINGLE_MODEL_METRICS,
  subgroupMetrics,
  testSetMetrics,
  wilsonInterval,
} from './single-model.js';
export type {
  GapFacts,
  MetricInterval,
  SampleCounts,
  SingleModelMetric,
  SingleModelMetrics,
  SingleModelOptions,
  SubgroupGap,
  SubgroupMetrics,
  SubgroupOptions,
  SubgroupReport,
  TestSetMetrics,
} from './single-model.js';
export { singleModelCoverage } from './single-model-coverage.js';
export type { CoverageCheck, CoverageOptions, SingleModelCoverage } from './single-model-coverage.js';
