// Temperature scaling of a trial's predictions (metrics/temperature-scaling.ts): fitted on val after
// training, stored in the predictions document beside the network's own scores, and read back as its
// effect on a split: ECE, NLL and the reliability diagram before and after. Temperature scaling keeps the
// sign of every binary logit and the argmax of every row, so AUC and the accuracy at 0.5 (or argmax) are
// the same before and after: only the probabilities, and so calibration, change.
import { DegenerateStatisticError, SingleClassError, TemperatureAtBoundaryError } from '../errors.js';
import { expectedCalibrationError, reliabilityBins } from '../metrics/calibration.js';
import type { TaskType } from '../metrics/task.js';
import type { CalibrationSide } from '../metrics/temperature-scaling.js';
import { applyTemperature, fitTemperature, temperatureNll } from '../metrics/temperature-scaling.js';
import type { ReadPredictions, SplitScores, StoredCalibration } from './document.js';

type StoredSplit = 'val' | 'test';

/**
 * Fits a temperature on the val predictions and gives both splits' probabilities at it; where the val
 * data admit no fit (one class, constant or perfectly separated scores) the refusal says why, and the
 * trial keeps its uncalibrated outputs.
 */
export function temperatureCalibration(
  predictions: Record<StoredSplit, SplitScores>,
  task: TaskType,
): StoredCalibration {
  const base = { method: 'temperature', fittedOn: 'val' } as const;
  try {
    const { temperature } = fitTemperature(predictions.val.labels, predictions.val.scores, task);
    const scaled = (split: StoredSplit) =>
      Array.from(applyTemperature(predictions[split].scores, task, temperature).values);
    return { ...base, temperature, splits: { val: scaled('val'), test: scaled('test') } };
  } catch (error) {
    const unfit =
      error instanceof TemperatureAtBoundaryError ||
      error instanceof SingleClassError ||
      error instanceof DegenerateStatisticError;
    if (!unfit) throw error;
    return { ...base, refused: error.message };
  }
}

/** A split's calibration as trained and at the stored temperature. */
export type CalibrationEffect =
  | { readonly temperature: number; readonly before: CalibrationSide; readonly after: CalibrationSide }
  | { readonly refused: string };

/**
 * The effect of the stored calibration on `split` (15 equal-width bins); undefined for predictions of a
 * trial that was not calibrated.
 */
export function calibrationEffect(
  predictions: ReadPredictions,
  task: TaskType,
  split: StoredSplit,
): CalibrationEffect | undefined {
  const { calibration } = predictions;
  if (calibration === undefined) return undefined;
  if ('refused' in calibration) return { refused: calibration.refused };
  const { labels, scores } = predictions[split];
  const calibrated = {
    values: calibration.splits[split],
    numColumns: task === 'binary-class' ? 2 : scores.numColumns,
  };
  const side = (probabilities: typeof scores | typeof calibrated, temperature: number): CalibrationSide => ({
    ece: expectedCalibrationError(labels, probabilities, task),
    nll: temperatureNll(labels, scores, task, temperature),
    bins: reliabilityBins(labels, probabilities, task),
  });
  return {
    temperature: calibration.temperature,
    before: side(scores, 1),
    after: side(calibrated, calibration.temperature),
  };
}
