export { parsePredictionsDocument, predictionsDocument, PREDICTIONS_FORMAT } from './document.js';
export type {
  PredictionsDocument,
  ReadPredictions,
  SplitScores,
  StoredSplitPredictions,
} from './document.js';
