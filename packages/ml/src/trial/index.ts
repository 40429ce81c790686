export type { SweepTrial } from './sweep-trial.js';
export { trialTrainingSettings } from './training-settings.js';
export type { TrialTrainingSettings } from './training-settings.js';
export { buildTrialModel } from './trial-model.js';
export type { BuildTrialModelArgs, TrialModel } from './trial-model.js';
export { runTrialSegment } from './trial-segment.js';
export type {
  EpochEnd,
  EpochRow,
  Trainer,
  TrialSegmentArgs,
  TrialSegmentObserver,
  TrialSegmentResult,
} from './trial-segment.js';
export type { TrialEvaluationArgs, TrialEvaluationRecord, TrialProvenance } from './trial-evaluation.js';
export type { ArtifactSink, StoredArtifact, TrialArtifact, TrialArtifactKind } from './trial-outputs.js';
