import type { Db } from '@medsweep/db';
import { appendAuditEvent, upsertTrial } from '@medsweep/db';
import type { ControlActivities } from '@medsweep/workflows';
import { resolvedTrialConfig } from '../trial-config.js';

export interface ControlDeps {
  db: Db;
  /** Writes a trial's final state (metrics, artifacts, lineage, audit event) in one transaction. */
  recordOutcome: ControlActivities['finishTrial'];
}

const SWEEP_FINAL = ['cancelled', 'completed', 'failed'] as const;

/** Bookkeeping activities of the control queue: small, idempotent Postgres writes. */
export function createControlActivities({ db, recordOutcome }: ControlDeps): ControlActivities {
  return {
    async registerTrial({ trial }) {
      const { plan } = trial;
      // Keyed by (sweep, trialKey): a retry or a replay finds the row the first call made.
      const { trial: row } = await upsertTrial(db, {
        sweepId: trial.sweepId,
        trialKey: trial.trialKey,
        index: plan.index,
        datasetId: trial.dataset.id,
        architecture: plan.architecture,
        initialisation: plan.arm,
        weightsSourceId: trial.weights?.weightsSourceId ?? null,
        transferMode: plan.arm === 'scratch' ? 'full' : trial.spec.transfer.mode,
        config: resolvedTrialConfig(trial),
        seed: plan.seed,
        startedAt: new Date(),
      });
      // A row someone else created as pending (an import, an earlier version) starts now.
      if (row.status === 'pending') {
        await db.trial.updateMany({
          where: { id: row.id, status: 'pending' },
          data: { status: 'running', startedAt: new Date() },
        });
      }
      return { trialId: row.id };
    },

    finishTrial: recordOutcome,

    async setSweepStatus({ sweepId, status }) {
      const now = new Date();
      await db.$transaction(async (tx) => {
        // A finished sweep never changes again (a late, replayed status write must not reopen it).
        const changed = await tx.sweep.updateMany({
          where: { id: sweepId, status: { notIn: [...SWEEP_FINAL, status] } },
          data: {
            status,
            ...((SWEEP_FINAL as readonly string[]).includes(status) ? { finishedAt: now } : {}),
          },
        });
        if (status === 'running')
          await tx.sweep.updateMany({ where: { id: sweepId, startedAt: null }, data: { startedAt: now } });
        if (changed.count > 0) {
          const { projectId } = await tx.sweep.findUniqueOrThrow({
            where: { id: sweepId },
            select: { projectId: true },
          });
          await appendAuditEvent(tx, {
            projectId,
            actor: 'system:sweep-workflow',
            action: `sweep.${status}`,
            subjectType: 'sweep',
            subjectId: sweepId,
            payload: { status },
          });
        }
      });
    },
  };
}
