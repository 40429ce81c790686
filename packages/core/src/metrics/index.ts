export { TASK_TYPES } from './task.js';
export type { TaskType } from './task.js';
export type { Labels, ScoreMatrix, Scores } from './input.js';
export { auc, aucPerProblem } from './auc.js';
export type { ProblemAuc } from './auc.js';
export { rocCurves } from './roc.js';
export type { RocCurve, RocOptions } from './roc.js';
export type { DecisionOptions } from './decisions.js';
export { accuracy, confusionMatrix, f1, precision, recall, specificity } from './classification.js';
export type { AveragedMetricOptions, Average } from './classification.js';
export { expectedCalibrationError, reliabilityBins } from './calibration.js';
export {
  applyTemperature,
  calibrateWithTemperature,
  fitTemperature,
  temperatureNll,
} from './temperature-scaling.js';
export type {
  CalibrationSide,
  ScoreKind,
  TemperatureCalibration,
  TemperatureFit,
  TemperatureFitOptions,
  TemperatureOptions,
} from './temperature-scaling.js';
export type { CalibrationOptions, ReliabilityBin } from './calibration.js';
export { chooseOperatingPoint, ratesAtThreshold } from './operating-point.js';
export type { OperatingPoint, OperatingPointRule, PositiveClassOptions } from './operating-point.js';
