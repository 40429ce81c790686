import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { trialFinishedSignal } from '@medsweep/workflows';
import type { TrialFinished } from '@medsweep/workflows';

/**
 * Tells the sweep (its current run: the id names no run, so a continued-as-new sweep gets it) that a trial
 * ended. A sweep that has already closed, e.g. terminated by an operator, has nobody left to tell.
 */
export async function reportToSweepRun(sweepWorkflowId: string, finished: TrialFinished): Promise<void> {
  try {
    await Context.current().client.workflow.getHandle(sweepWorkflowId).signal(trialFinishedSignal, finished);
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
    Context.current().log.warn('sweep has closed; trial end not reported', { sweepWorkflowId, ...finished });
  }
}
