import type { Db } from '@medsweep/db';
import { recordFinalResult } from '@medsweep/db';
import type { ControlActivities } from '@medsweep/workflows';

/** Sweeps whose spec hash a control worker remembers: a sweep's spec never changes once submitted. */
const SPEC_HASHES_KEPT = 1_000;

/**
 * finishTrial: the trial's final record (status, metrics, artifacts, lineage) in one transaction with
 * its audit event. The results store makes a repeated identical write a no-op, so a retried activity or
 * a replayed workflow never records a trial twice.
 */
export function recordOutcomeWith(db: Db): ControlActivities['finishTrial'] {
  const specHashes = new Map<string, string>();
  // The spec hash is the sweep's, as stored at submission: the lineage links the result to it.
  const specHashOf = async (sweepId: string) => {
    let hash = specHashes.get(sweepId);
    if (hash === undefined) {
      const sweep = await db.sweep.findUniqueOrThrow({ where: { id: sweepId }, select: { specHash: true } });
      hash = sweep.specHash;
      if (specHashes.size >= SPEC_HASHES_KEPT) specHashes.delete(specHashes.keys().next().value!);
      specHashes.set(sweepId, hash);
    }
    return hash;
  };
  return async ({ trialId, sweepId, outcome, evaluation, error }) => {
    await recordFinalResult(db, {
      trialId,
      status: outcome,
      finalMetrics: evaluation?.finalMetrics ?? [],
      artifacts: evaluation?.artifacts ?? [],
      lineage: evaluation ? { ...evaluation.lineage, specHash: await specHashOf(sweepId) } : null,
      bestEpoch: evaluation?.bestEpoch ?? null,
      primaryMetricValue: evaluation?.primaryMetricValue ?? null,
      error: error ?? null,
      actor: 'system:worker',
    });
  };
}
