export { parsePredictionsDocument, predictionsDocument, PREDICTIONS_FORMAT } from './document.js';
export type {
  PredictionsDocument,
  ReadPredictions,
  SplitScores,
  StoredCalibration,
  StoredSplitPredictions,
} from './document.js';
export { calibrationEffect, temperatureCalibration } from './calibration.js';
export type { CalibrationEffect } from './calibration.js';
