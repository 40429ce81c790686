// One evaluation of a completed trial (its robustness panel, an external dataset, subgroups of an
// attribute): the heavy part on the trial's own train queue, then its record on the control worker. The
// workflow id derives from (trial, kind, parameters hash), and the record is keyed the same way, so
// asking twice runs it once and a retry or replay records nothing new.
import type { EvaluationActivities, EvaluationInput } from '../activities.js';
import { localBookkeeping } from './bookkeeping.js';
import { workerJobActivities } from './worker-jobs.js';

export interface EvaluationSummary {
  evaluationId: string;
}

export async function evaluationWorkflow(input: EvaluationInput): Promise<EvaluationSummary> {
  // A full panel predicts the test split tens of times: minutes on a CPU.
  const { runEvaluation } = workerJobActivities<EvaluationActivities>(input.queue, '6 hours');
  const outcome = await runEvaluation(input);
  return localBookkeeping.recordEvaluation({ evaluation: input, outcome });
}
