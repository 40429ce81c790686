// The predictions artifact of a trial: labels and scores of its val and test splits, in split order, as
// canonical JSON. The train activity writes it; `medsweep verify` and the API read it back (to compare a
// re-evaluation of the stored weights with what was recorded, and to compute metrics on demand).
import { z } from 'zod';
import { PredictionsDocumentError } from '../errors.js';
import type { FinalMetricValue } from '../lineage/configuration.js';

export const PREDICTIONS_FORMAT = 'medsweep.predictions/1';

/** The splits a trial's predictions are stored for. */
type StoredSplit = FinalMetricValue['split'];

/**
 * A model's outputs for every sample of a split, in split order: the labels, and the scores row-major
 * [count, numColumns] (the float32 values the model produced), the layout the metrics take as a ScoreMatrix.
 */
export interface SplitScores {
  labels: Uint8Array;
  scores: { values: Float32Array; numColumns: number };
}

/** One split's predictions as stored: plain JSON arrays. */
export interface StoredSplitPredictions {
  count: number;
  numColumns: number;
  /** One class index per sample; for multi-label, numColumns 0/1 values per sample, row-major. */
  labels: number[];
  scores: number[];
}

const MULTI_LABEL = 'multi-label, binary-class';

export interface PredictionsDocument {
  format: typeof PREDICTIONS_FORMAT;
  task: string;
  classNames: readonly string[];
  splits: Record<StoredSplit, StoredSplitPredictions>;
}

/** Predictions as read back: the labels and scores of each split, and the class names. */
export type ReadPredictions = Record<StoredSplit, SplitScores> & {
  /** Label i's name, from the dataset's manifest. */
  classNames: readonly string[];
};

/** The document the train activity stores for `predictions` (the last score column of a binary task is the positive class). */
export function predictionsDocument(
  predictions: Record<StoredSplit, SplitScores>,
  task: string,
  classNames: readonly string[],
): PredictionsDocument {
  const split = (p: SplitScores): StoredSplitPredictions => ({
    count: p.scores.values.length / p.scores.numColumns,
    numColumns: p.scores.numColumns,
    labels: Array.from(p.labels),
    scores: Array.from(p.scores.values),
  });
  return {
    format: PREDICTIONS_FORMAT,
    task,
    classNames,
    splits: { val: split(predictions.val), test: split(predictions.test) },
  };
}

const splitSchema = z
  .object({
    count: z.number().int().nonnegative(),
    numColumns: z.number().int().positive(),
    labels: z.array(z.number().int().min(0).max(255)),
    scores: z.array(z.number()),
  })
  .refine((s) => s.scores.length === s.count * s.numColumns, {
    message: 'scores.length differs from count × numColumns',
  });

const documentSchema = z
  .object({
    format: z.literal(PREDICTIONS_FORMAT),
    task: z.string(),
    classNames: z.array(z.string()),
    splits: z.object({ val: splitSchema, test: splitSchema }),
  })
  .superRefine((d, ctx) => {
    const multiLabel = d.task === MULTI_LABEL;
    for (const name of ['val', 'test'] as const) {
      const s = d.splits[name];
      if (s.labels.length !== (multiLabel ? s.count * s.numColumns : s.count)) {
        ctx.addIssue({
          code: 'custom',
          path: ['splits', name, 'labels'],
          message: multiLabel
            ? 'labels.length differs from count × numColumns (multi-label: one 0/1 value per label)'
            : 'labels.length differs from count',
        });
      }
    }
  });

/** Reads a stored predictions document; throws PredictionsDocumentError naming what does not fit. */
export function parsePredictionsDocument(bytes: Uint8Array, source: string): ReadPredictions {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new PredictionsDocumentError(source, 'not UTF-8 JSON', { cause });
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PredictionsDocumentError(source, `${issue?.path.join('.') || '$'}: ${issue?.message}`);
  }
  const split = (s: z.infer<typeof splitSchema>): SplitScores => ({
    labels: Uint8Array.from(s.labels),
    scores: { values: Float32Array.from(s.scores), numColumns: s.numColumns },
  });
  return {
    val: split(parsed.data.splits.val),
    test: split(parsed.data.splits.test),
    classNames: parsed.data.classNames,
  };
}
