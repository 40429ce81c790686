export { evaluateModel, predictEvaluatedSplits } from './evaluate-model.js';
export type { PredictEvaluatedSplitsArgs } from './evaluate-model.js';
export { evaluatePredictions, operatingPointRule } from './evaluate-predictions.js';
export type { EvaluatedSplit, EvaluationReport } from './evaluate-predictions.js';
export { buildTrialClassifier, loadTrainedModel } from './trained-model.js';
export type { LoadTrainedModelArgs, TrialClassifierArgs } from './trained-model.js';
