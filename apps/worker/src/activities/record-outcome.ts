import type { Db } from '@medsweep/db';
import { recordFinalResult, sweepSpecHash } from '@medsweep/db';
import type { ControlActivities } from '@medsweep/workflows';

/**
 * finishTrial: the trial's final record (status, metrics, artifacts, lineage) in one transaction with
 * its audit event. The results store makes a repeated identical write a no-op, so a retried activity or
 * a replayed workflow never records a trial twice.
 */
export function recordOutcomeWith(db: Db): ControlActivities['finishTrial'] {
  return async ({ trialId, sweepId, specHash, outcome, evaluation, error }) => {
    await recordFinalResult(db, {
      trialId,
      status: outcome,
      finalMetrics: evaluation?.finalMetrics ?? [],
      artifacts: evaluation?.artifacts ?? [],
      // The hash travels with the sweep's input; sweeps submitted before it did read the stored one. The
      // store checks it against the sweep's row either way.
      lineage: evaluation
        ? { ...evaluation.lineage, specHash: specHash ?? (await sweepSpecHash(db, sweepId)) }
        : null,
      bestEpoch: evaluation?.bestEpoch ?? null,
      primaryMetricValue: evaluation?.primaryMetricValue ?? null,
      error: error ?? null,
      actor: 'system:worker',
    });
  };
}
