// Verifying a stored lineage record: every link the database can recompute on its own (the dataset's
// manifest and split assignment hashes, the sweep's spec hash and its leakage acknowledgement, the hash of the stored config, the weights source, the stored
// final metrics, the recorded artifacts' hashes) is compared with the record, together with whatever the
// caller recomputed from the artifacts' bytes (weights, predictions, re-evaluated metrics), which wins
// where both exist. Core's verifyLineage names the first link that breaks.
import {
  configHash,
  datasetOfSpec,
  finalMetricsHash,
  verifyLineage,
  type JsonObject,
  type LineageRecord,
  type LineageVerification,
} from '@medsweep/core';
import type { SweepSpec } from '@medsweep/core';
import { LineageNotRecordedError, TrialNotFoundError } from '../errors.js';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';

/** The hash of the recorded artifact of `kind` the lineage names, else of the first one (to show it). */
function artifactHash(artifacts: readonly { kind: string; sha256: string }[], kind: string, named: string) {
  const ofKind = artifacts.filter((a) => a.kind === kind);
  return (ofKind.find((a) => a.sha256 === named) ?? ofKind[0])?.sha256;
}

/**
 * Verifies the trial's lineage against the store and against `fromArtifacts` (links recomputed from the
 * artifacts' bytes by the caller, e.g. `medsweep verify`). Links neither can recompute (code version,
 * lock file, backend) are reported as unchecked. Throws TrialNotFoundError or LineageNotRecordedError.
 */
export async function verifyTrialLineage(
  db: DbClient,
  trialId: string,
  fromArtifacts: Partial<LineageRecord> = {},
): Promise<LineageVerification> {
  const trial = await db.trial.findUnique({
    where: { id: trialId },
    include: {
      lineage: true,
      sweep: { select: { specHash: true, spec: true } },
      dataset: { select: { contentHash: true, splitAssignmentHash: true } },
      weightsSource: { select: { sha256: true } },
      finalMetrics: { select: { split: true, name: true, value: true } },
      artifacts: { select: { kind: true, sha256: true } },
    },
  });
  if (trial === null) throw new TrialNotFoundError('verifyTrialLineage', [trialId]);
  const { lineage } = trial;
  if (lineage === null) throw new LineageNotRecordedError(trialId, trial.status);
  const stored = { ...lineage, backendVersions: lineage.backendVersions as Record<string, string> };
  const spec = trial.sweep.spec as unknown as Pick<SweepSpec, 'dataset'>;
  const fromStore: Partial<LineageRecord> = {
    datasetManifestHash: trial.dataset.contentHash,
    // Datasets registered before split hashes were stored have none to compare with.
    splitAssignmentHash: trial.dataset.splitAssignmentHash ?? undefined,
    specHash: trial.sweep.specHash,
    leakageAcknowledgement: datasetOfSpec(spec).allowLeakage ?? null,
    configHash: configHash(trial.config as JsonObject),
    weightsInHash: trial.weightsSource?.sha256,
    weightsOutHash: artifactHash(trial.artifacts, 'weights', lineage.weightsOutHash),
    predictionsHash: artifactHash(trial.artifacts, 'predictions', lineage.predictionsHash),
    metricsHash: finalMetricsHash(trial.finalMetrics),
  };
  const defined = Object.entries(fromArtifacts).filter(([, value]) => value !== undefined);
  return verifyLineage(stored, { ...fromStore, ...Object.fromEntries(defined) });
}

/**
 * What re-verifying a trial from its bytes needs: the trial with its lineage record (null before a result
 * is recorded), its sweep's project and spec, its dataset's manifest, the kind of its initial weights and
 * its artifacts by URI. Null when the trial does not exist.
 */
export function trialForVerification(db: DbClient, trialId: string) {
  return db.trial.findUnique({
    where: { id: trialId },
    include: {
      lineage: true,
      sweep: { select: { projectId: true, spec: true } },
      dataset: { select: { contentHash: true, manifestUri: true } },
      weightsSource: { select: { kind: true } },
      artifacts: { select: { kind: true, uri: true, sha256: true }, orderBy: { uri: 'asc' } },
    },
  });
}

/** The trial's lineage record; null before its result is recorded. */
export function findLineage(db: DbClient, trialId: string) {
  return db.lineage.findUnique({ where: { trialId } });
}

/**
 * Records a verification of a trial (`medsweep verify`) as a `trial.verify` event of its project, once per
 * verification workflow: recording the same workflow's verdict again returns the first event's seq.
 */
export async function recordTrialVerification(
  db: DbClient,
  input: { projectId: string; trialId: string; actor: string; workflowId: string; payload: JsonObject },
): Promise<{ seq: number }> {
  return inTransaction(db, async (tx) => {
    const recorded = await tx.auditEvent.findFirst({
      where: {
        action: 'trial.verify',
        subjectId: input.trialId,
        payload: { path: ['workflowId'], equals: input.workflowId },
      },
      select: { seq: true },
    });
    if (recorded !== null) return { seq: Number(recorded.seq) };
    const event = await appendAuditEvent(tx, {
      projectId: input.projectId,
      actor: input.actor,
      action: 'trial.verify',
      subjectType: 'trial',
      subjectId: input.trialId,
      payload: { ...input.payload, workflowId: input.workflowId },
    });
    return { seq: event.seq };
  });
}
