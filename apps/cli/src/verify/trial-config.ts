// What re-evaluating a trial's weights needs from its stored config, read through @medsweep/core's
// resolved trial config schema (what the train worker stores) with the protocol's defaults, as the
// worker trained and evaluated it.
import { parseResolvedTrialConfig, PROTOCOL_DEFAULTS } from '@medsweep/core';
import type { SweepSpec } from '@medsweep/core/sweep';

export interface ReevaluationConfig {
  architecture: string;
  inputSize: number;
  widthMultiplier: number;
  dropout?: number;
  /** Batch size of the trial's own evaluation, so inference runs in the same batches. */
  batchSize: number;
  evaluation: SweepSpec['evaluation'];
}

/** Throws @medsweep/core's TrialConfigError naming the stored field that does not fit. */
export function reevaluationConfig(trialId: string, stored: unknown): ReevaluationConfig {
  const config = parseResolvedTrialConfig(stored, `trial ${trialId}`);
  const { dropout, batchSize = PROTOCOL_DEFAULTS.batchSize } = config.params;
  return {
    architecture: config.architecture,
    ...config.model,
    ...(dropout === undefined ? {} : { dropout }),
    batchSize,
    evaluation: config.evaluation,
  };
}
