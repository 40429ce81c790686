// The control worker's record of a verification: its verdict as a `trial.verify` audit event by the one
// who asked, written once per workflow (a retried record returns the first event).
import type { Db } from '@medsweep/db';
import { recordTrialVerification } from '@medsweep/db';
import type { ControlActivities } from '@medsweep/workflows';

/** Records a verification's verdict (ControlActivities.recordVerification) in `db`. */
export async function recordVerification(
  db: Db,
  { verification, workflowId, outcome }: Parameters<ControlActivities['recordVerification']>[0],
): Promise<{ auditSeq: number }> {
  const { seq } = await recordTrialVerification(db, {
    projectId: verification.projectId,
    trialId: outcome.trialId,
    actor: verification.actor,
    workflowId,
    payload: {
      ok: outcome.ok,
      recordHash: outcome.recordHash,
      broken: outcome.links
        .filter((l) => l.status === 'broken')
        .map(({ link, expected, found }) => ({ link, expected, found })),
      maxScoreDifference: outcome.maxScoreDifference,
      backend: outcome.backend,
    },
  });
  return { auditSeq: seq };
}
