import type { Db } from '@medsweep/db';
import { recordFinalResult } from '@medsweep/db';
import type { ControlActivities } from '@medsweep/workflows';

/**
 * finishTrial: the trial's final record (status, metrics, artifacts, lineage) in one transaction with
 * its audit event. The results store makes a repeated identical write a no-op, so a retried activity or
 * a replayed workflow never records a trial twice.
 */
export function recordOutcomeWith(db: Db): ControlActivities['finishTrial'] {
  return async ({ trialId, sweepId, outcome, evaluation, error }) => {
    // The spec hash is the sweep's, as stored at submission: the lineage links the result to it.
    const sweep = await db.sweep.findUniqueOrThrow({ where: { id: sweepId }, select: { specHash: true } });
    await recordFinalResult(db, {
      trialId,
      status: outcome,
      finalMetrics: evaluation?.finalMetrics ?? [],
      artifacts: evaluation?.artifacts ?? [],
      lineage: evaluation ? { ...evaluation.lineage, specHash: sweep.specHash } : null,
      bestEpoch: evaluation?.bestEpoch ?? null,
      primaryMetricValue: evaluation?.primaryMetricValue ?? null,
      error: error ?? null,
      actor: 'system:worker',
    });
  };
}
