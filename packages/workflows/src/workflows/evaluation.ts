// One evaluation of a completed trial (its robustness panel, an external dataset, subgroups of an
// attribute): the heavy part on the trial's own train queue, then its record on the control worker. The
// workflow id derives from (trial, kind, parameters hash), and the record is keyed the same way, so
// asking twice runs it once and a retry or replay records nothing new.
import { proxyActivities } from '@temporalio/workflow';
import type { EvaluationActivities, EvaluationInput } from '../activities.js';
import { localBookkeeping } from './bookkeeping.js';

export interface EvaluationSummary {
  evaluationId: string;
}

export async function evaluationWorkflow(input: EvaluationInput): Promise<EvaluationSummary> {
  const { runEvaluation } = proxyActivities<EvaluationActivities>({
    taskQueue: input.queue,
    // A full panel predicts the test split tens of times: minutes on a CPU, bounded by heartbeats.
    startToCloseTimeout: '6 hours',
    // It heartbeats after loading and after every corruption and severity; a dead worker is noticed
    // within two minutes and the evaluation starts again elsewhere (it is deterministic).
    heartbeatTimeout: '2 minutes',
    // Bad data or weights fail at once (the activity marks those non-retryable).
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 5,
    },
  });
  const outcome = await runEvaluation(input);
  return localBookkeeping.recordEvaluation({ evaluation: input, outcome });
}
