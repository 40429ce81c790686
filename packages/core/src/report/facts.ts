// What a report is assembled from: plain facts the platform already holds, each a record with an id so
// every filled checklist item can cite the record (and field) its value came from. Nothing here is
// fetched or computed from I/O: the caller (API, CLI) reads the rows and passes them in.
import type { LeaderboardEntry } from '../leaderboard/rank.js';
import type { MetricGoal } from '../leaderboard/runs.js';
import type { SealedLineage } from '../lineage/record.js';
import type { JsonObject } from '../lineage/canonical-json.js';
import type { ReliabilityBin } from '../metrics/calibration.js';
import type { TaskType } from '../metrics/task.js';
import type { SingleModelMetrics, SubgroupReport, TestSetMetrics } from '../stats/single-model.js';
import type { SweepSpec } from '../sweep/spec.js';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitFact = (typeof SPLITS)[number];

/** One split's size and its class counts (index = label). */
export interface SplitCounts {
  readonly count: number;
  readonly perClass: readonly number[];
}

/** The dataset, as its manifest and data checks describe it. */
export interface DatasetFacts {
  /** The manifest hash (sha256, 64 hex): the dataset's identity. */
  readonly id: string;
  readonly name: string;
  /** Where the images come from, e.g. `MedMNIST v2 BreastMNIST (.npz)`. */
  readonly source: string;
  readonly citation: string | null;
  readonly licence: string | null;
  readonly task: TaskType;
  /** Class names, index = label. */
  readonly classNames: readonly string[];
  /** Binary-class: the label reported as positive (sensitivity, AUC). */
  readonly positiveClass: number | null;
  /** Stored image shape. */
  readonly image: { readonly height: number; readonly width: number; readonly channels: 1 | 3 };
  readonly splits: Readonly<Record<SplitFact, SplitCounts>>;
  /** How samples were assigned to splits, e.g. `the official MedMNIST splits`. */
  readonly splitMethod: string;
  /** The split-independence check (leakage report); null where none was run. */
  readonly independence: {
    /** The level at which splits are disjoint: image, patient, study, site; `unknown` without identifiers. */
    readonly level: 'image' | 'patient' | 'study' | 'site' | 'unknown';
    /** Pairs of images in different splits that are identical or near-duplicates (perceptual hash). */
    readonly duplicatesAcrossSplits: number;
    /** The reason recorded when leakage was acknowledged rather than fixed; null otherwise. */
    readonly acknowledgedLeakage: string | null;
  } | null;
  /** Per-sample attributes the manifest carries (sex, age band, site, ...). */
  readonly attributes: readonly string[];
}

/** The sweep: its spec (validated, defaults filled) and how many trials it ran. */
export interface SweepFacts {
  readonly id: string;
  readonly name: string;
  /** sha256 of the canonical spec (the lineage's specHash). */
  readonly specHash: string;
  readonly spec: SweepSpec;
  readonly trialsRun: number;
}

/** The configuration the report is about: chosen on validation, never on test. */
export interface SelectionFacts {
  /** The configuration's group key. */
  readonly id: string;
  /** The validation metric and its goal the leaderboard ranked by, e.g. val_auc, maximize. */
  readonly metric: string;
  readonly goal: MetricGoal;
  /** Configurations compared. */
  readonly candidates: number;
  /** The chosen configuration's leaderboard entry (on the validation metric): runs by seed, mean, interval. */
  readonly entry: LeaderboardEntry;
}

/** The trial whose weights the evaluation used (one seed of the chosen configuration). */
export interface TrialFacts {
  readonly id: string;
  readonly seed: number;
  readonly epochsTrained: number;
  /** The resolved config the trial ran, seed included. */
  readonly config: JsonObject;
  /**
   * How images were fed: input size, channels, normalisation, resampling. Null where no record holds it
   * (it is recorded when the trained weights are loaded again, by an evaluation of the trial).
   */
  readonly input: {
    readonly height: number;
    readonly width: number;
    readonly channels: 1 | 3;
    readonly preprocessing: string;
    readonly interpolation: string;
  } | null;
  /** Parameters of the network; null where no record holds them (as for input). */
  readonly parameters: number | null;
}

/** The trial's sealed lineage record; `id` is its record hash. */
export interface LineageFacts extends SealedLineage {
  readonly id: string;
  readonly trialId: string;
}

/** One model on one evaluation set, with intervals (testSetMetrics). */
export interface EvaluationFacts {
  /** Evaluation record id, e.g. `<trial>/test`. */
  readonly id: string;
  /** The dataset evaluated on: its name and manifest hash. */
  readonly datasetName: string;
  readonly datasetHash: string;
  readonly split: SplitFact;
  /** The decision threshold on the positive-class probability, and how it was chosen. */
  readonly threshold: number;
  readonly thresholdRule: string;
  readonly result: TestSetMetrics;
}

/** Temperature scaling fitted on validation, measured on test. */
export interface CalibrationFacts {
  readonly id: string;
  readonly temperature: number;
  readonly bins: number;
  readonly before: { readonly ece: number; readonly nll: number; readonly bins: readonly ReliabilityBin[] };
  readonly after: { readonly ece: number; readonly nll: number; readonly bins: readonly ReliabilityBin[] };
}

/** The test split under each corruption and severity, with the paired drop from clean. */
export interface RobustnessFacts {
  readonly id: string;
  /** Where the corruptions come from, e.g. `MedMNIST-C (medmnistc 0.1.0) list for breastmnist`. */
  readonly source: string;
  /** Seed of the random corruptions' draws. */
  readonly seed: number;
  readonly rows: readonly {
    readonly corruption: string;
    readonly severity: number;
    readonly metrics: SingleModelMetrics;
    /** Clean minus corrupted: positive is a loss. */
    readonly drop: SingleModelMetrics;
  }[];
}

/** Metrics per value of one per-sample attribute. */
export interface SubgroupFacts {
  readonly id: string;
  readonly attribute: string;
  readonly report: SubgroupReport;
}

/** Everything a report or model card is assembled from. Optional parts are absent when not evaluated. */
export interface ReportFacts {
  readonly dataset: DatasetFacts;
  readonly sweep: SweepFacts;
  readonly selection: SelectionFacts;
  readonly trial: TrialFacts;
  readonly lineage: LineageFacts;
  readonly testMetrics: EvaluationFacts;
  readonly calibration?: CalibrationFacts;
  /** Temperature scaling was asked for but no temperature could be fitted on validation, and why. */
  readonly calibrationRefused?: { readonly id: string; readonly reason: string };
  readonly robustness?: RobustnessFacts;
  /** Other registered datasets with the same classes. */
  readonly externalValidation?: readonly EvaluationFacts[];
  readonly subgroups?: readonly SubgroupFacts[];
}

/** The records a citation can point at: the parts of ReportFacts. */
export type RecordKind = keyof ReportFacts;
