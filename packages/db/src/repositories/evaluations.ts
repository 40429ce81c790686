// Evaluations of completed trials beyond their own run (robustness panel, external dataset, subgroups):
// one row per (trial, kind, parameters) with its metrics and the artifact of its predictions document,
// written with its `evaluation.record` audit event in one transaction. Recording the same evaluation again
// is a no-op; a different result for the same key is refused (results are immutable).
import { canonicalHash } from '@medsweep/core';
import type { JsonObject } from '@medsweep/core';
import { EvaluationConflictError, TrialNotFoundError } from '../errors.js';
import type { Artifact, Dataset, Evaluation, Sweep, Trial } from '../generated/prisma/client.js';
import type { EvaluationKind, WeightsKind } from '../generated/prisma/enums.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/** The key of an evaluation's parameters: sha256 of their canonical JSON. */
export const evaluationParamsHash = (params: JsonObject): string => canonicalHash(params);

export interface RecordEvaluationInput {
  trialId: string;
  kind: EvaluationKind;
  params: JsonObject;
  /** The dataset whose test split was evaluated. */
  datasetId: string;
  /** The stored result (core's storedEvaluationResult). */
  result: JsonObject;
  /** The evaluation's predictions document in the object store. */
  artifact: { uri: string; sha256: string; sizeBytes: number; contentType: string };
  provenance: JsonObject;
  /** Who records it (the workflow), and who asked for it, for the audit log. */
  actor: string;
  requestedBy: string;
}

export interface RecordedEvaluation {
  evaluation: Evaluation;
  /** False when this evaluation was already recorded (with the same result): nothing was written. */
  recorded: boolean;
}

/** Records an evaluation (see the file comment). Throws TrialNotFoundError for an unknown trial. */
export async function recordEvaluation(
  db: DbClient,
  input: RecordEvaluationInput,
): Promise<RecordedEvaluation> {
  const paramsHash = evaluationParamsHash(input.params);
  const resultHash = canonicalHash(input.result);
  const key = { trialId: input.trialId, kind: input.kind, paramsHash };
  const existing = await findEvaluation(db, key);
  if (existing) {
    if (existing.resultHash !== resultHash) {
      throw new EvaluationConflictError(
        input.trialId,
        input.kind,
        paramsHash,
        existing.resultHash,
        resultHash,
      );
    }
    return { evaluation: existing, recorded: false };
  }
  const trial = await db.trial.findUnique({
    where: { id: input.trialId },
    select: { sweep: { select: { projectId: true } } },
  });
  if (trial === null) throw new TrialNotFoundError('recordEvaluation', [input.trialId]);
  const evaluation = await inTransaction(db, async (tx) => {
    const artifact = await tx.artifact.create({
      data: {
        trialId: input.trialId,
        kind: 'evaluation',
        ...input.artifact,
        sizeBytes: BigInt(input.artifact.sizeBytes),
      },
    });
    const created = await tx.evaluation.create({
      data: {
        ...key,
        params: input.params,
        datasetId: input.datasetId,
        result: input.result,
        resultHash,
        artifactId: artifact.id,
        provenance: input.provenance,
      },
    });
    await appendAuditEvent(tx, {
      projectId: trial.sweep.projectId,
      actor: input.actor,
      action: 'evaluation.record',
      subjectType: 'trial',
      subjectId: input.trialId,
      payload: {
        evaluationId: created.id,
        kind: input.kind,
        params: input.params,
        resultHash,
        artifactSha256: input.artifact.sha256,
        requestedBy: input.requestedBy,
      },
    });
    return created;
  });
  return { evaluation, recorded: true };
}

/** The trial's evaluation of this kind and parameters hash; null when it has not been recorded. */
export function findEvaluation(
  db: DbClient,
  key: { trialId: string; kind: EvaluationKind; paramsHash: string },
): Promise<Evaluation | null> {
  return db.evaluation.findUnique({ where: { trialId_kind_paramsHash: key } });
}

/** An evaluation with its predictions artifact and the dataset it evaluated. */
export type ListedEvaluation = Evaluation & {
  artifact: Artifact;
  dataset: { id: string; name: string; contentHash: string };
};

/** Every evaluation of a trial, oldest first. */
export function trialEvaluations(db: DbClient, trialId: string): Promise<ListedEvaluation[]> {
  return db.evaluation.findMany({
    where: { trialId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { artifact: true, dataset: { select: { id: true, name: true, contentHash: true } } },
  });
}

/** The robustness evaluations of a sweep's trials, with each trial's configuration group key. */
export function sweepRobustnessEvaluations(
  db: DbClient,
  sweepId: string,
): Promise<(Evaluation & { trial: { groupKey: string; seed: number } })[]> {
  return db.evaluation.findMany({
    where: { kind: 'robustness', trial: { sweepId } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { trial: { select: { groupKey: true, seed: true } } },
  });
}

/** What evaluating a trial needs from the store: the trial, its sweep, dataset, output weights and start. */
export interface EvaluationSubject {
  trial: Pick<Trial, 'id' | 'index' | 'status' | 'config' | 'groupKey' | 'seed'>;
  sweep: Pick<Sweep, 'id' | 'projectId' | 'spec'>;
  dataset: Dataset;
  /** The trial's newest weights artifact; null before its result is recorded. */
  weights: Artifact | null;
  /** The kind of the trial's initial weights (`file`, `trial`); null for scratch. */
  weightsSourceKind: WeightsKind | null;
}

/** The trial as an evaluation needs it (see EvaluationSubject); throws TrialNotFoundError for an unknown id. */
export async function evaluationSubject(db: DbClient, trialId: string): Promise<EvaluationSubject> {
  const row = await db.trial.findUnique({
    where: { id: trialId },
    include: {
      sweep: { select: { id: true, projectId: true, spec: true } },
      dataset: true,
      weightsSource: { select: { kind: true } },
      artifacts: { where: { kind: 'weights' }, orderBy: { createdAt: 'desc' }, take: 1 },
    },
  });
  if (row === null) throw new TrialNotFoundError('evaluationSubject', [trialId]);
  const { sweep, dataset, weightsSource, artifacts, ...trial } = row;
  return {
    trial,
    sweep,
    dataset,
    weights: artifacts[0] ?? null,
    weightsSourceKind: weightsSource?.kind ?? null,
  };
}
