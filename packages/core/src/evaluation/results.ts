// An evaluation's metrics, from its document alone (document.ts): the same numbers whoever recomputes
// them. Decisions use the benchmark rule (positive-class probability above 0.5, or the argmax), so an
// evaluation's accuracy is comparable with the leaderboard's test ACC. Stored as JSON in the evaluation's
// record, where a normal quantile's df = Infinity is written as null (JSON has no Infinity);
// readEvaluationResult restores it.
import { EvaluationResultError } from '../errors.js';
import type { JsonObject } from '../lineage/canonical-json.js';
import type { TaskType } from '../metrics/task.js';
import type { SingleModelMetrics, SubgroupReport, TestSetMetrics } from '../stats/single-model.js';
import { dropFromClean, subgroupMetrics, testSetMetrics } from '../stats/single-model.js';
import type { ReadEvaluationDocument } from './document.js';
import { EVALUATION_KINDS } from './document.js';

/** The decision threshold of every evaluation: the benchmark's 0.5 on the positive-class probability. */
export const EVALUATION_THRESHOLD = 0.5;

/** The test split under one corruption at one severity, and the paired drop from clean (clean - corrupted). */
export interface RobustnessRow {
  readonly corruption: string;
  readonly severity: number;
  readonly metrics: SingleModelMetrics;
  readonly drop: SingleModelMetrics;
}

interface ResultFacts {
  /** The dataset evaluated: its name and manifest sha256. */
  readonly dataset: { readonly name: string; readonly manifestSha256: string };
  readonly threshold: number;
}

export type EvaluationResult =
  | (ResultFacts & {
      readonly kind: 'robustness';
      readonly source: string;
      readonly seed: number;
      /** The clean test split, evaluated in the same run. */
      readonly clean: TestSetMetrics;
      readonly rows: readonly RobustnessRow[];
    })
  | (ResultFacts & { readonly kind: 'external'; readonly result: TestSetMetrics })
  | (ResultFacts & {
      readonly kind: 'subgroups';
      readonly attribute: string;
      readonly report: SubgroupReport;
    });

/** The metrics and intervals of an evaluation document. */
export function evaluationResult(document: ReadEvaluationDocument, task: TaskType): EvaluationResult {
  const { labels, clean } = document;
  const facts: ResultFacts = { dataset: document.dataset, threshold: EVALUATION_THRESHOLD };
  const options = { threshold: EVALUATION_THRESHOLD };
  switch (document.kind) {
    case 'robustness': {
      const corruptions = document.corruptions as { source: string; seed: number };
      return {
        kind: 'robustness',
        ...facts,
        source: corruptions.source,
        seed: corruptions.seed,
        clean: testSetMetrics(labels, clean, task, options),
        rows: (document.corrupted ?? []).map((c) => {
          const { corrupted, drop } = dropFromClean(labels, clean, c.scores, task, options);
          return { corruption: c.corruption, severity: c.severity, metrics: corrupted.metrics, drop };
        }),
      };
    }
    case 'external':
      return { kind: 'external', ...facts, result: testSetMetrics(labels, clean, task, options) };
    case 'subgroups': {
      const attribute = document.attribute as { name: string; values: (string | null)[] };
      return {
        kind: 'subgroups',
        ...facts,
        attribute: attribute.name,
        report: subgroupMetrics(labels, clean, task, attribute.values, options),
      };
    }
    default: {
      const unknown: never = document.kind;
      throw new EvaluationResultError('evaluation document', `unknown kind ${String(unknown)}`);
    }
  }
}

/** `df` values mapped through `map`, everywhere in a result. */
function mapDf(value: unknown, map: (df: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDf(v, map));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, key === 'df' ? map(v) : mapDf(v, map)]),
  );
}

/** The result as stored JSON: df = Infinity (normal quantiles) written as null. */
export function storedEvaluationResult(result: EvaluationResult): JsonObject {
  return mapDf(result, (df) => (df === Infinity ? null : df)) as JsonObject;
}

/** A stored result read back (df null restored to Infinity); `source` names the record in errors. */
export function readEvaluationResult(stored: unknown, source: string): EvaluationResult {
  const kind = (stored as { kind?: unknown } | null)?.kind;
  if (!(EVALUATION_KINDS as readonly unknown[]).includes(kind)) {
    throw new EvaluationResultError(source, `kind is ${JSON.stringify(kind)}`);
  }
  return mapDf(stored, (df) => (df === null ? Infinity : df)) as EvaluationResult;
}

/** Severity at which the leaderboard summarises a robustness panel (the middle of MedMNIST-C's five). */
export const SUMMARY_SEVERITY = 3;

/** A robustness panel in a few numbers, for a leaderboard row. */
export interface RobustnessSummary {
  readonly severity: number;
  /** Corruptions in the panel. */
  readonly corruptions: number;
  /** Mean over corruptions of the AUC and ACC drop at `severity`; null where no drop is defined. */
  readonly meanDrop: { readonly auc: number | null; readonly accuracy: number | null };
  /** The corruption and severity with the largest AUC drop; null when no AUC drop is defined. */
  readonly worst: { readonly corruption: string; readonly severity: number; readonly aucDrop: number } | null;
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

/** The summary of a robustness result (see RobustnessSummary). */
export function robustnessSummary(
  result: Extract<EvaluationResult, { kind: 'robustness' }>,
): RobustnessSummary {
  const atSeverity = result.rows.filter((r) => r.severity === SUMMARY_SEVERITY);
  const estimates = (metric: 'auc' | 'accuracy') =>
    atSeverity.flatMap((r) => (r.drop[metric].estimate === null ? [] : [r.drop[metric].estimate as number]));
  let worst: RobustnessSummary['worst'] = null;
  for (const row of result.rows) {
    const drop = row.drop.auc.estimate;
    if (drop !== null && (worst === null || drop > worst.aucDrop)) {
      worst = { corruption: row.corruption, severity: row.severity, aucDrop: drop };
    }
  }
  return {
    severity: SUMMARY_SEVERITY,
    corruptions: new Set(result.rows.map((r) => r.corruption)).size,
    meanDrop: { auc: mean(estimates('auc')), accuracy: mean(estimates('accuracy')) },
    worst,
  };
}
