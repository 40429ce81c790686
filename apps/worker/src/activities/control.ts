import type { Db } from '@medsweep/db';
import { appendAuditEvent } from '@medsweep/db';
import type { ControlActivities, TrialFinished } from '@medsweep/workflows';
import { registerTrialRow } from '../trial-records.js';

export interface ControlDeps {
  db: Db;
  /** Writes a trial's final state (metrics, artifacts, lineage, audit event) in one transaction. */
  recordOutcome: ControlActivities['finishTrial'];
  /** Signals a trial's end to the sweep's current run (through the worker's Temporal client). */
  reportToSweep: (sweepWorkflowId: string, finished: TrialFinished) => Promise<void>;
}

const SWEEP_FINAL = ['cancelled', 'completed', 'failed'] as const;

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
