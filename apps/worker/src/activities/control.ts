import type { Db } from '@medsweep/db';
import { recordEvaluation as storeEvaluation, setSweepStatus } from '@medsweep/db';
import type { ControlActivities, TrialFinished } from '@medsweep/workflows';
import { registerTrialRow } from '../trial-records.js';
import { recordVerification } from './record-verification.js';

export interface ControlDeps {
  db: Db;
  /** Writes a trial's final state (metrics, artifacts, lineage, audit event) in one transaction. */
  recordOutcome: ControlActivities['finishTrial'];
  /** Signals a trial's end to the sweep's current run (through the worker's Temporal client). */
  reportToSweep: (sweepWorkflowId: string, finished: TrialFinished) => Promise<void>;
}

/** Bookkeeping activities of the control queue: small, idempotent Postgres writes. */
export function createControlActivities({
  db,
  recordOutcome,
  reportToSweep,
}: ControlDeps): ControlActivities {
  return {
    async registerTrial({ trial }) {
      return { trialId: await registerTrialRow(db, trial) };
    },

    finishTrial: recordOutcome,

    async finishTrialAndReport({ sweepWorkflowId, finished, ...outcome }) {
      await recordOutcome(outcome);
      await reportToSweep(sweepWorkflowId, finished);
    },

    async recordEvaluation({ evaluation, outcome }) {
      const { request } = evaluation;
      const { evaluation: row } = await storeEvaluation(db, {
        trialId: evaluation.trialId,
        kind: request.kind,
        params: evaluation.params,
        datasetId: request.kind === 'external' ? request.dataset.id : evaluation.dataset.id,
        result: outcome.result,
        artifact: {
          uri: outcome.artifact.uri,
          sha256: outcome.artifact.sha256,
          sizeBytes: outcome.artifact.sizeBytes,
          contentType: outcome.artifact.contentType,
        },
        provenance: outcome.provenance,
        actor: 'system:evaluation-workflow',
        requestedBy: evaluation.actor,
      });
      return { evaluationId: row.id };
    },

    recordVerification: (input) => recordVerification(db, input),

    async setSweepStatus({ sweepId, status }) {
      // A finished sweep never changes again: a late, replayed status write must not reopen it.
      await setSweepStatus(db, { sweepId, status, actor: 'system:sweep-workflow' });
    },
  };
}
