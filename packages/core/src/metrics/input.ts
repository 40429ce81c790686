// How metrics receive predictions, and the one place they are validated: every public metric calls
// readLabelled() first, so a bad split fails the same way whichever metric sees it first.
import {
  EmptyInputError,
  LabelOutOfRangeError,
  LengthMismatchError,
  NonFiniteValueError,
  ScoreShapeError,
} from '../errors.js';
import type { TaskType } from './task.js';
import { unknownTask } from './task.js';

/**
 * Predicted scores for numSamples x numColumns, stored row-major: the score of sample i for column c is
 * `values[i * numColumns + c]`. This is exactly the layout of `model.predict(x).dataSync()` for an
 * [n, k] output, so tfjs predictions are used without a copy. Float32Array, Float64Array and number[]
 * all work; Float32 scores are compared as the float32 values they are.
 */
export interface ScoreMatrix {
  readonly values: ArrayLike<number>;
  readonly numColumns: number;
}

/** A ScoreMatrix, or one array of scores per sample (e.g. parsed JSON), all of the same length. */
export type Scores = ScoreMatrix | readonly ArrayLike<number>[];

/**
 * Ground truth: for single-label tasks one class index per sample; for `multi-label, binary-class`
 * numSamples x numLabels 0/1 indicators, row-major like the scores.
 */
export type Labels = ArrayLike<number>;

/** Validated predictions of one split: what every metric computes from. */
export interface Labelled {
  readonly task: TaskType;
  readonly numSamples: number;
  readonly numColumns: number;
  readonly labels: Labels;
  /** Row-major, numSamples * numColumns. */
  readonly scores: ArrayLike<number>;
}

function isScoreMatrix(scores: Scores): scores is ScoreMatrix {
  return !Array.isArray(scores);
}

/** Row-major copy of per-sample score rows; all rows must have the same length. */
function rowsToMatrix(operation: string, input: string, rows: readonly ArrayLike<number>[]): ScoreMatrix {
  const first = rows[0];
  if (first === undefined) throw new EmptyInputError(operation, input);
  const numColumns = first.length;
  const values = new Float64Array(rows.length * numColumns);
  rows.forEach((row, i) => {
    if (row.length !== numColumns) {
      throw new ScoreShapeError(
        operation,
        input,
        `row ${i} has ${row.length} scores but row 0 has ${numColumns}`,
        'rows of equal length',
      );
    }
    for (let c = 0; c < numColumns; c++) values[i * numColumns + c] = row[c] as number;
  });
  return { values, numColumns };
}

function asScoreMatrix(operation: string, input: string, scores: Scores): ScoreMatrix {
  if (!isScoreMatrix(scores)) return rowsToMatrix(operation, input, scores);
  const { values, numColumns } = scores;
  if (!Number.isInteger(numColumns) || numColumns < 1) {
    throw new ScoreShapeError(
      operation,
      input,
      `has numColumns ${numColumns}`,
      'a positive integer numColumns',
    );
  }
  if (values.length % numColumns !== 0) {
    throw new ScoreShapeError(
      operation,
      input,
      `has ${values.length} values, not a multiple of numColumns ${numColumns}`,
      'numSamples * numColumns values, row-major',
    );
  }
  return scores;
}

/** What a task accepts: its score columns, its label values and the yTrue length per sample. */
interface TaskShape {
  columnsOk: boolean;
  columnsAccepted: string;
  numClasses: number;
  labelsAccepted: string;
  labelsPerSample: number;
}

function taskShape(task: TaskType, numColumns: number): TaskShape {
  switch (task) {
    case 'binary-class':
      return {
        columnsOk: numColumns === 1 || numColumns === 2,
        columnsAccepted: '1 column (positive-class score) or 2 (last column is the positive class)',
        numClasses: 2,
        labelsAccepted: '0 or 1',
        labelsPerSample: 1,
      };
    case 'multi-class':
    case 'ordinal-regression':
      return {
        columnsOk: numColumns >= 2,
        columnsAccepted: 'one column per class, at least 2',
        numClasses: numColumns,
        labelsAccepted: `an integer class index in [0, ${numColumns}) (one per score column)`,
        labelsPerSample: 1,
      };
    case 'multi-label, binary-class':
      return {
        columnsOk: true,
        columnsAccepted: 'one column per label',
        numClasses: 2,
        labelsAccepted: '0 or 1',
        labelsPerSample: numColumns,
      };
    default:
      return unknownTask(task);
  }
}

/**
 * Validates one split's ground truth and scores for a task and returns them as a Labelled.
 * Throws UnknownTaskError, EmptyInputError, ScoreShapeError, LengthMismatchError, LabelOutOfRangeError
 * or NonFiniteValueError, naming `operation`, the score argument (`input`) and the offending position.
 */
export function readLabelled(
  operation: string,
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  input = 'yScore',
): Labelled {
  const { values, numColumns } = asScoreMatrix(operation, input, yScore);
  const shape = taskShape(task, numColumns);
  if (!shape.columnsOk) {
    throw new ScoreShapeError(
      operation,
      input,
      `has ${numColumns} columns for task '${task}'`,
      shape.columnsAccepted,
    );
  }
  const numSamples = values.length / numColumns;
  if (numSamples === 0) throw new EmptyInputError(operation, input);
  const expectedLabels = numSamples * shape.labelsPerSample;
  if (yTrue.length !== expectedLabels) {
    const rule =
      shape.labelsPerSample === 1
        ? `one label per score row; ${input} has ${numSamples} rows`
        : `numSamples x numLabels 0/1 indicators, row-major; ${input} has ${numSamples} rows of ${numColumns} labels`;
    throw new LengthMismatchError(operation, 'yTrue', expectedLabels, yTrue.length, rule);
  }
  for (let i = 0; i < yTrue.length; i++) {
    const label = yTrue[i] as number;
    if (!(Number.isInteger(label) && label >= 0 && label < shape.numClasses)) {
      throw new LabelOutOfRangeError(operation, i, label, shape.labelsAccepted);
    }
  }
  for (let i = 0; i < values.length; i++) {
    const score = values[i] as number;
    if (!Number.isFinite(score)) {
      const location = `row ${Math.floor(i / numColumns)}, column ${i % numColumns}`;
      throw new NonFiniteValueError(operation, input, i, score, location);
    }
  }
  return { task, numSamples, numColumns, labels: yTrue, scores: values };
}
