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
export {
  dropFromClean,
  MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL,
  SINGLE_MODEL_METRICS,
  subgroupMetrics,
  testSetMetrics,
  wilsonInterval,
} from './single-model.js';
export type {
  EstimatedInterval,
  IntervalMethod,
  MetricInterval,
  RefusedInterval,
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
