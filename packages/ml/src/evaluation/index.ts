export { evaluateModel, predictEvaluatedSplits } from './evaluate-model.js';
export type { PredictEvaluatedSplitsArgs } from './evaluate-model.js';
export { evaluatePredictions, evaluationRules } from './evaluate-predictions.js';
export type {
  EvaluatedDataset,
  EvaluatedSplit,
  EvaluationReport,
  EvaluationRules,
} from './evaluate-predictions.js';
export { buildTrialClassifier, loadTrainedModel } from './trained-model.js';
export type { LoadTrainedModelArgs, TrialClassifierArgs } from './trained-model.js';
export {
  applyCorruption,
  CORRUPTION_KINDS,
  corruptSplit,
  drawCorruption,
  validateCorruption,
} from './corruptions.js';
export type { Corruption, CorruptionDraw, CorruptionKind, ImageBatch } from './corruptions.js';
export {
  atSeverity,
  corruptionsFor,
  DEFAULT_CORRUPTIONS,
  MEDMNIST_C_CORRUPTIONS,
  SEVERITIES,
} from './corruption-registry.js';
export type { RegisteredCorruption, Severity } from './corruption-registry.js';
