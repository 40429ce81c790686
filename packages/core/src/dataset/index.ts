export { SPLIT_NAMES, checkSplitFractions } from './splits.js';
export type {
  SampleAttributes,
  SampleProvenance,
  SampleRecord,
  SplitFractions,
  SplitName,
} from './splits.js';
export { MEDMNIST_DATASETS, medmnistInfoFor } from './medmnist-info.js';
export type { MedmnistInfo, MedmnistName } from './medmnist-info.js';
export {
  CLINICAL_FINDING,
  clinicalFindingOf,
  CONVENTIONAL_POSITIVE_CLASS,
  describePositiveClass,
  resolvePositiveClass,
} from './positive-class.js';
export type {
  PositiveClass,
  PositiveClassBasis,
  PositiveClassChoice,
  PositiveClassDataset,
} from './positive-class.js';
export { resolveLabelTask } from './task-inference.js';
export type { LabelMatrix, LabelTask, LabelTaskArgs } from './task-inference.js';
export { generateSplit, splitAssignmentHash } from './split-assignment.js';
export type {
  GenerateSplitArgs,
  SplitCandidate,
  SplitGrouping,
  SplitProvenance,
} from './split-assignment.js';
export { leakageReport } from './leakage.js';
export type { GroupLeakage, LeakageReport, SharedGroup } from './leakage.js';
export {
  NEAR_DUPLICATE_MAX_DISTANCE,
  duplicateLinks,
  duplicateReport,
  findDuplicates,
} from './duplicates.js';
export type {
  DuplicateCounts,
  DuplicatePair,
  DuplicateReport,
  DuplicateSample,
  DuplicateStructure,
} from './duplicates.js';
export { datasetReport } from './dataset-report.js';
export type {
  DatasetLeakage,
  DatasetReport,
  DatasetReportInput,
  SplitSummary,
  StoredDatasetReport,
} from './dataset-report.js';
