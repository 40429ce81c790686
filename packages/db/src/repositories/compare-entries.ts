// Paired comparison of leaderboard entries on the same test images. An entry is represented by one of
// its runs (usually its best run, LeaderboardEntry.best.trialId). The database layer checks the runs are
// comparable and names their predictions artifacts; the caller loads those from object storage (this
// package does no S3 I/O) and passes the arrays in; core's compareRuns does the statistics, and
// holmComparisonFamily adjusts the p-values of a family of comparisons (one run against several).
import {
  compareRuns,
  holmComparisonFamily,
  TASK_TYPES,
  UnknownTaskError,
  type BootstrapOptions,
  type ComparisonFamily,
  type HolmAdjustedPValues,
  type RunComparison,
  type RunPredictions,
  type TaskType,
} from '@medsweep/core';
import { DifferentDatasetsError, MissingPredictionsError, TrialNotFoundError } from '../errors.js';
import type { Prisma } from '../generated/prisma/client.js';
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

const targetInclude = {
  dataset: { select: { task: true, contentHash: true } },
  lineage: { select: { predictionsHash: true } },
  artifacts: { where: { kind: 'predictions' as const }, select: { uri: true, sha256: true } },
} satisfies Prisma.TrialInclude;

type TargetRow = Prisma.TrialGetPayload<{ include: typeof targetInclude }>;

/** The trial's comparison target, or undefined when it is not completed with its predictions recorded. */
function toTarget(trial: TargetRow): ComparisonTarget | undefined {
  const predictions = trial.artifacts.find((a) => a.sha256 === trial.lineage?.predictionsHash);
  if (trial.status !== 'completed' || predictions === undefined) return undefined;
  const task = trial.dataset.task;
  if (!(TASK_TYPES as readonly string[]).includes(task)) throw new UnknownTaskError(task, TASK_TYPES);
  return {
    trialId: trial.id,
    groupKey: trial.groupKey,
    architecture: trial.architecture,
    initialisation: trial.initialisation,
    seed: trial.seed,
    datasetId: trial.datasetId,
    task: task as TaskType,
    testSetHash: trial.dataset.contentHash,
    predictions: { uri: predictions.uri, sha256: predictions.sha256 },
  };
}

async function target(db: DbClient, trialId: string): Promise<ComparisonTarget> {
  const trial = await db.trial.findUnique({ where: { id: trialId }, include: targetInclude });
  if (trial === null) throw new TrialNotFoundError('compareEntries', [trialId]);
  const found = toTarget(trial);
  if (found === undefined) throw new MissingPredictionsError(trialId, trial.status);
  return found;
}

/**
 * The predictions artifacts of many runs at once (one query): each completed trial with recorded test
 * predictions, by id. Trials that are missing, unfinished or without predictions are absent.
 */
export async function predictionsTargets(
  db: DbClient,
  trialIds: readonly string[],
): Promise<Map<string, ComparisonTarget>> {
  const trials = await db.trial.findMany({ where: { id: { in: [...trialIds] } }, include: targetInclude });
  const targets = new Map<string, ComparisonTarget>();
  for (const trial of trials) {
    const found = toTarget(trial);
    if (found) targets.set(trial.id, found);
  }
  return targets;
}

/** The runs to compare with run A and their predictions artifacts; refuses runs on other datasets. */
export async function familyTargets(
  db: DbClient,
  trialIdA: string,
  trialIdsB: readonly string[],
): Promise<{ a: ComparisonTarget; others: ComparisonTarget[] }> {
  const a = await target(db, trialIdA);
  const others: ComparisonTarget[] = [];
  for (const trialId of trialIdsB) {
    const b = await target(db, trialId);
    if (a.datasetId !== b.datasetId) {
      throw new DifferentDatasetsError(a.trialId, a.datasetId, b.trialId, b.datasetId);
    }
    others.push(b);
  }
  return { a, others };
}

/** The two runs to compare and their predictions artifacts; refuses runs on different datasets. */
export async function comparisonTargets(
  db: DbClient,
  trialIdA: string,
  trialIdB: string,
): Promise<{ a: ComparisonTarget; b: ComparisonTarget }> {
  const { a, others } = await familyTargets(db, trialIdA, [trialIdB]);
  return { a, b: others[0]! };
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
  /** Holm-adjusted p-values in the family of this one comparison: the raw ones (familySize 1). */
  holm: HolmAdjustedPValues;
  familySize: number;
}

/** Compares two runs on their shared test images (see comparisonTargets and core's compareRuns). */
export async function compareEntries(db: DbClient, input: CompareEntriesInput): Promise<EntryComparison> {
  const { trialIdA, trialIdB, predictionsA, predictionsB, ...bootstrap } = input;
  const { a, family } = await compareEntryFamily(db, {
    ...bootstrap,
    trialIdA,
    predictionsA,
    others: [{ trialId: trialIdB, predictions: predictionsB }],
  });
  const [{ member, comparison, holm }] = family.members as [(typeof family.members)[number]];
  return { a, b: member, comparison, holm, familySize: family.size };
}

export interface CompareFamilyInput extends BootstrapOptions {
  trialIdA: string;
  /** Run A's test predictions, loaded from familyTargets(...).a.predictions. */
  predictionsA: RunPredictions;
  /** The runs A is compared with, in the order the family lists them, each with its test predictions. */
  others: readonly { trialId: string; predictions: RunPredictions }[];
}

export interface EntryComparisonFamily {
  a: ComparisonTarget;
  /** A against each other run (A minus B), raw and Holm-adjusted p-values per test. */
  family: ComparisonFamily<ComparisonTarget>;
}

/**
 * Compares run A with each of several runs on their shared test images, and Holm-adjusts each test's
 * p-values over the family (see familyTargets, core's compareRuns and holmComparisonFamily).
 */
export async function compareEntryFamily(
  db: DbClient,
  input: CompareFamilyInput,
): Promise<EntryComparisonFamily> {
  const { trialIdA, predictionsA, others, ...bootstrap } = input;
  const targets = await familyTargets(
    db,
    trialIdA,
    others.map((o) => o.trialId),
  );
  const { a } = targets;
  const members = targets.others.map((b, i) => ({
    member: b,
    comparison: compareRuns(
      { ...predictionsA, testSetHash: predictionsA.testSetHash ?? a.testSetHash },
      { ...others[i]!.predictions, testSetHash: others[i]!.predictions.testSetHash ?? b.testSetHash },
      a.task,
      bootstrap,
    ),
  }));
  return { a, family: holmComparisonFamily(members) };
}
