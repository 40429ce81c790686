// Paired comparisons score two models on the same images against one ground truth.
import { ScoreShapeError } from '../errors.js';
import type { Labelled, Labels, Scores } from '../metrics/input.js';
import { readLabelled } from '../metrics/input.js';
import type { TaskType } from '../metrics/task.js';

/** Validates both models' scores against the shared ground truth; they must have the same columns. */
export function readPaired(
  operation: string,
  yTrue: Labels,
  yScoreA: Scores,
  yScoreB: Scores,
  task: TaskType,
): { a: Labelled; b: Labelled } {
  const a = readLabelled(operation, yTrue, yScoreA, task, 'yScoreA');
  const b = readLabelled(operation, yTrue, yScoreB, task, 'yScoreB');
  if (a.numColumns !== b.numColumns) {
    throw new ScoreShapeError(
      operation,
      'yScoreB',
      `has ${b.numColumns} columns but yScoreA has ${a.numColumns}`,
      'the same columns for both models',
    );
  }
  return { a, b };
}
