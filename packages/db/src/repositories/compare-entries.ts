// Paired comparison of two leaderboard entries on the same test images. An entry is represented by one of
// its runs (usually its best run, LeaderboardEntry.best.trialId). The database layer checks the two runs
// are comparable and names their predictions artifacts; the caller loads those from object storage (this
// package does no S3 I/O) and passes the arrays in; core's compareRuns does the statistics.
import {
  compareRuns,
  TASK_TYPES,
  UnknownTaskError,
  type BootstrapOptions,
  type RunComparison,
  type RunPredictions,
  type TaskType,
} from '@medsweep/core';
import { DifferentDatasetsError, MissingPredictionsError, TrialNotFoundError } from '../errors.js';
import type { DbClient } from './db-client.js';

export interface ComparisonTarget {
  trialId: string;
  groupKey: string;
  architecture: string;
  initialisation: string;
  seed: number;
  datasetId: string;
  /** The dataset's task, which decides the tests. */
  task: TaskType;
  /** The dataset manifest hash: what "the same test images" means. */
  testSetHash: string;
  /** The test-split predictions artifact (the one the lineage's predictionsHash names). */
  predictions: { uri: string; sha256: string };
}

async function target(db: DbClient, trialId: string): Promise<ComparisonTarget> {
  const trial = await db.trial.findUnique({
    where: { id: trialId },
    include: {
      dataset: { select: { task: true, contentHash: true } },
      lineage: { select: { predictionsHash: true } },
      artifacts: { where: { kind: 'predictions' }, select: { uri: true, sha256: true } },
    },
  });
  if (trial === null) throw new TrialNotFoundError('compareEntries', [trialId]);
  const predictions = trial.artifacts.find((a) => a.sha256 === trial.lineage?.predictionsHash);
  if (trial.status !== 'completed' || predictions === undefined) {
    throw new MissingPredictionsError(trialId, trial.status);
  }
  const task = trial.dataset.task;
  if (!(TASK_TYPES as readonly string[]).includes(task)) throw new UnknownTaskError(task, TASK_TYPES);
  return {
    trialId,
    groupKey: trial.groupKey,
    architecture: trial.architecture,
    initialisation: trial.initialisation,
    seed: trial.seed,
    datasetId: trial.datasetId,
    task: task as TaskType,
    testSetHash: trial.dataset.contentHash,
    predictions,
  };
}

/** The two runs to compare and their predictions artifacts; refuses runs on different datasets. */
export async function comparisonTargets(
  db: DbClient,
  trialIdA: string,
  trialIdB: string,
): Promise<{ a: ComparisonTarget; b: ComparisonTarget }> {
  const a = await target(db, trialIdA);
  const b = await target(db, trialIdB);
  if (a.datasetId !== b.datasetId) {
    throw new DifferentDatasetsError(a.trialId, a.datasetId, b.trialId, b.datasetId);
  }
  return { a, b };
}

export interface CompareEntriesInput extends BootstrapOptions {
  trialIdA: string;
  trialIdB: string;
  /** Run A's test predictions, loaded from comparisonTargets(...).a.predictions. */
  predictionsA: RunPredictions;
  predictionsB: RunPredictions;
}

export interface EntryComparison {
  a: ComparisonTarget;
  b: ComparisonTarget;
  /** A minus B: McNemar for accuracy, DeLong (binary) and paired bootstrap for AUC, with p-values. */
  comparison: RunComparison;
}

/** Compares two runs on their shared test images (see comparisonTargets and core's compareRuns). */
export async function compareEntries(db: DbClient, input: CompareEntriesInput): Promise<EntryComparison> {
  const { trialIdA, trialIdB, predictionsA, predictionsB, ...bootstrap } = input;
  const { a, b } = await comparisonTargets(db, trialIdA, trialIdB);
  const comparison = compareRuns(
    { ...predictionsA, testSetHash: predictionsA.testSetHash ?? a.testSetHash },
    { ...predictionsB, testSetHash: predictionsB.testSetHash ?? b.testSetHash },
    a.task,
    bootstrap,
  );
  return { a, b, comparison };
}
