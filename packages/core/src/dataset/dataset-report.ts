// Everything the dataset checks say about one dataset, as `medsweep data inspect` prints it: counts per
// split and class, duplicates, shared patients and studies, and whether the dataset is leaky.
import type { TaskType } from '../metrics/task.js';
import type { DuplicateReport } from './duplicates.js';
import { duplicateReport } from './duplicates.js';
import type { SharedGroup } from './leakage.js';
import { leakageReport } from './leakage.js';
import { splitAssignmentHash } from './split-assignment.js';
import type { SampleRecord, SplitName } from './splits.js';
import { SPLIT_NAMES } from './splits.js';

export interface SplitSummary {
  count: number;
  /** Samples per class, index = class; for multi-label, positive samples per label. */
  perClass: number[];
  /** Distinct patient ids in the split (0 when the source names none). */
  patients: number;
}

export interface DatasetLeakage {
  patientsInSeveralSplits: number;
  studiesInSeveralSplits: number;
  /** Samples that name a patient: 0 means patient leakage could not be checked. */
  samplesWithPatientId: number;
  crossSplitExactDuplicates: number;
  crossSplitNearDuplicates: number;
  /** True when any of the four counts above is not zero. */
  leaky: boolean;
  /** One line per reason the dataset is leaky. */
  reasons: string[];
  patients: SharedGroup[];
  studies: SharedGroup[];
}

export interface DatasetReport {
  task: TaskType;
  numClasses: number;
  classNames: string[];
  splits: Record<SplitName, SplitSummary>;
  duplicates: DuplicateReport;
  leakage: DatasetLeakage;
  /** sha256 of the (sample key -> split) assignment (splitAssignmentHash). */
  splitAssignmentSha256: string;
}

/**
 * A dataset's report as import stores it with the dataset row and the dataset page reads it: the report
 * on its samples plus the image shape and how its samples were assigned to splits.
 */
export interface StoredDatasetReport extends DatasetReport {
  image: { height: number; width: number; channels: 1 | 3 };
  /** Absent for a dataset without per-sample records. */
  splitAssignment?: { method: 'official' | 'given' | 'generated'; sha256: string } | undefined;
}

export interface DatasetReportInput {
  task: TaskType;
  numClasses: number;
  classNames: readonly string[];
  samples: readonly SampleRecord[];
  /** Hamming distance for near-duplicates (default NEAR_DUPLICATE_MAX_DISTANCE). */
  maxDistance?: number;
  /** How many pairs, patients and studies to list (default 20). */
  maxListed?: number;
}

/** The report on a dataset's samples. Pure: the same samples always give the same report. */
export function datasetReport(input: DatasetReportInput): DatasetReport {
  const { samples, numClasses } = input;
  const splits = Object.fromEntries(
    SPLIT_NAMES.map((split) => [
      split,
      { count: 0, perClass: new Array<number>(numClasses).fill(0), patients: 0 },
    ]),
  ) as Record<SplitName, SplitSummary>;
  const patients = Object.fromEntries(SPLIT_NAMES.map((s) => [s, new Set<string>()])) as Record<
    SplitName,
    Set<string>
  >;
  for (const sample of samples) {
    const summary = splits[sample.split];
    summary.count += 1;
    for (const label of sample.labels) summary.perClass[label] = (summary.perClass[label] ?? 0) + 1;
    if (sample.patientId !== undefined) patients[sample.split].add(sample.patientId);
  }
  for (const split of SPLIT_NAMES) splits[split].patients = patients[split].size;

  const duplicates = duplicateReport(samples, {
    ...(input.maxDistance === undefined ? {} : { maxDistance: input.maxDistance }),
    ...(input.maxListed === undefined ? {} : { maxListed: input.maxListed }),
  });
  const shared = leakageReport(samples, input.maxListed);
  const counts = {
    patientsInSeveralSplits: shared.patients.inSeveralSplits,
    studiesInSeveralSplits: shared.studies.inSeveralSplits,
    crossSplitExactDuplicates: duplicates.exact.crossSplit,
    crossSplitNearDuplicates: duplicates.near.crossSplit,
  };
  const reasons = [
    counts.patientsInSeveralSplits > 0
      ? `${counts.patientsInSeveralSplits} patient(s) in more than one split`
      : '',
    counts.studiesInSeveralSplits > 0
      ? `${counts.studiesInSeveralSplits} study(ies) in more than one split`
      : '',
    counts.crossSplitExactDuplicates > 0
      ? `${counts.crossSplitExactDuplicates} identical image pair(s) across splits`
      : '',
    counts.crossSplitNearDuplicates > 0
      ? `${counts.crossSplitNearDuplicates} near-duplicate image pair(s) across splits (Hamming distance <= ${duplicates.maxDistance})`
      : '',
  ].filter((r) => r !== '');
  return {
    task: input.task,
    numClasses,
    classNames: [...input.classNames],
    splits,
    duplicates,
    leakage: {
      ...counts,
      samplesWithPatientId: shared.patients.samplesWithId,
      leaky: reasons.length > 0,
      reasons,
      patients: shared.patients.listed,
      studies: shared.studies.listed,
    },
    splitAssignmentSha256: splitAssignmentHash(samples),
  };
}
