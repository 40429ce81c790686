// The predictions document of an evaluation of a trained trial beyond its own run: the labels of the split
// it was evaluated on and the model's scores on it as stored (`clean`), and by kind the scores under each
// corruption and severity (robustness), or each sample's value of one attribute (subgroups). Everything
// an evaluation's metrics are computed from is in this one canonical JSON document, so they can be
// recomputed from its bytes, whose sha256 the evaluation's record names.
import { z } from 'zod';
import { EvaluationDocumentError } from '../errors.js';
import type { ScoreMatrix } from '../metrics/input.js';

export const EVALUATION_FORMAT = 'medsweep.evaluation/1';

/**
 * What is evaluated: `robustness`, the trial's test split under each corruption of its modality at five
 * severities; `external`, the test split of another registered dataset with the same classes;
 * `subgroups`, the trial's test split by the values of one per-sample attribute.
 */
export const EVALUATION_KINDS = ['robustness', 'external', 'subgroups'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];

/** The scores of the evaluated split under one corruption at one severity. */
export interface CorruptedScores {
  corruption: string;
  severity: number;
  scores: number[];
}

export interface EvaluationDocument {
  format: typeof EVALUATION_FORMAT;
  kind: EvaluationKind;
  task: string;
  classNames: readonly string[];
  /** The dataset whose split was evaluated (the trial's own, or the external one). */
  dataset: { name: string; manifestSha256: string };
  split: 'test';
  count: number;
  numColumns: number;
  labels: number[];
  /** The split's images as stored, row-major [count, numColumns]. */
  clean: number[];
  /** Robustness: where the corruption list comes from and the seed of the random corruptions' draws. */
  corruptions?: { source: string; seed: number };
  /** Robustness: the split under each corruption and severity, in the list's order. */
  corrupted?: CorruptedScores[];
  /** Subgroups: each sample's value of the attribute; null where the sample has none. */
  attribute?: { name: string; values: (string | null)[] };
}

/** An evaluation document as read back, scores as score matrices. */
export interface ReadEvaluationDocument extends Omit<EvaluationDocument, 'clean' | 'corrupted' | 'labels'> {
  labels: Uint8Array;
  clean: ScoreMatrix;
  corrupted?: { corruption: string; severity: number; scores: ScoreMatrix }[];
}

const documentSchema = z
  .object({
    format: z.literal(EVALUATION_FORMAT),
    kind: z.enum(EVALUATION_KINDS),
    task: z.string(),
    classNames: z.array(z.string()),
    dataset: z.object({ name: z.string(), manifestSha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    split: z.literal('test'),
    count: z.number().int().positive(),
    numColumns: z.number().int().positive(),
    labels: z.array(z.number().int().min(0).max(255)),
    clean: z.array(z.number()),
    corruptions: z.object({ source: z.string(), seed: z.number().int().min(0) }).optional(),
    corrupted: z
      .array(z.object({ corruption: z.string(), severity: z.number().int(), scores: z.array(z.number()) }))
      .optional(),
    attribute: z.object({ name: z.string(), values: z.array(z.string().nullable()) }).optional(),
  })
  .superRefine((d, ctx) => {
    const problem = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const values = d.count * d.numColumns;
    if (d.labels.length !== d.count)
      problem(['labels'], `has ${d.labels.length} entries for ${d.count} samples`);
    if (d.clean.length !== values) problem(['clean'], `has ${d.clean.length} scores, not count × numColumns`);
    d.corrupted?.forEach((c, i) => {
      if (c.scores.length !== values) problem(['corrupted', i, 'scores'], 'differs in length from clean');
    });
    if (d.attribute && d.attribute.values.length !== d.count) {
      problem(['attribute', 'values'], `has ${d.attribute.values.length} entries for ${d.count} samples`);
    }
    const needs = { robustness: 'corrupted', external: undefined, subgroups: 'attribute' } as const;
    const field = needs[d.kind];
    if (field !== undefined && d[field] === undefined)
      problem([field], `is required for a ${d.kind} evaluation`);
    if (d.kind === 'robustness' && d.corruptions === undefined) {
      problem(['corruptions'], 'is required for a robustness evaluation');
    }
  });

/** Reads an evaluation document; throws EvaluationDocumentError naming what does not fit. */
export function parseEvaluationDocument(bytes: Uint8Array, source: string): ReadEvaluationDocument {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new EvaluationDocumentError(source, 'not UTF-8 JSON', { cause });
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EvaluationDocumentError(source, `${issue?.path.join('.') || '$'}: ${issue?.message}`);
  }
  const { labels, clean, corrupted, ...rest } = parsed.data;
  const matrix = (values: number[]): ScoreMatrix => ({
    values: Float64Array.from(values),
    numColumns: rest.numColumns,
  });
  return {
    ...rest,
    labels: Uint8Array.from(labels),
    clean: matrix(clean),
    ...(corrupted === undefined
      ? {}
      : {
          corrupted: corrupted.map((c) => ({
            corruption: c.corruption,
            severity: c.severity,
            scores: matrix(c.scores),
          })),
        }),
  };
}
