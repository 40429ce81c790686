// The resolved configuration of one trial: everything that shapes its training and evaluation besides
// the data and the initial weights (which lineage hashes separately). Its hash is the trial's configHash.
import { configHash } from '@medsweep/core';
import type { JsonObject } from '@medsweep/core';
import { modelFor } from '@medsweep/core/sweep';
import type { SweepSpec } from '@medsweep/core/sweep';
import type { TrialInput } from '@medsweep/workflows';

/** The validation metric a sweep compares trials by (rungs and leaderboard). */
export type PrimaryMetric = 'val_auc' | 'val_acc' | 'val_loss';

/** The sweep's early-stopping metric, or val_auc (the MedMNIST protocol's) without early stopping. */
export function primaryMetric(spec: SweepSpec): PrimaryMetric {
  return spec.earlyStopping.kind === 'asha' ? spec.earlyStopping.metric : 'val_auc';
}

export function resolvedTrialConfig(trial: TrialInput): JsonObject {
  const { plan, spec } = trial;
  // Plain JSON (it arrived as a Temporal payload), so the cast only forgets zod's precise types.
  return {
    architecture: plan.architecture,
    arm: plan.arm,
    params: plan.params,
    seed: plan.seed,
    model: modelFor(spec, plan.architecture),
    training: spec.training,
    // Scratch arms ignore the transfer settings; leaving them out keeps equal runs' hashes equal.
    transfer: plan.arm === 'scratch' ? null : spec.transfer,
    evaluation: spec.evaluation,
    maxEpochs: spec.budget.maxEpochs,
    primaryMetric: primaryMetric(spec),
  } as unknown as JsonObject;
}

/** The trial's configHash (@medsweep/core's configHash of resolvedTrialConfig). */
export function trialConfigHash(trial: TrialInput): string {
  return configHash(resolvedTrialConfig(trial));
}
