// One trial of a sweep spec, as both the train worker and the in-process experiments runner see it.
import type { SweepSpec, TrialPlan } from '@medsweep/core/sweep';

export interface SweepTrial {
  /** Names the trial in error messages (the worker's trial key). */
  trialKey: string;
  spec: SweepSpec;
  plan: TrialPlan;
}
