// Verifications of a trial's lineage (`medsweep verify`): asking for one starts a verification workflow
// on the control queue whose activity runs on the trial's own train queue (the API never loads
// TensorFlow), named by the asker's request id so a retried ask starts it once; its verdict is recorded by
// the workflow as a `trial.verify` event of the asker once it is known. How a request stands is read back
// from the workflow.
import type { Client } from '@temporalio/client';
import { parseSweepSpec } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import { LineageNotRecordedError, TrialNotFoundError, trialForVerification } from '@medsweep/db';
import { TASK_QUEUES, verificationWorkflowId } from '@medsweep/workflows';
import type { TrialVerificationReport, VerificationInput, verificationWorkflow } from '@medsweep/workflows';
import { startWorkflowOnce, workflowStanding } from './workflow-jobs.js';

export interface VerificationServiceDeps {
  db: Db;
  temporal: () => Promise<Client>;
  /** Task queue verification workflows start on; default TASK_QUEUES.control. */
  taskQueue?: string;
}

/**
 * Starts the verification of trial `trialId` asked for as `requestId` by `actor` (a no-op when that
 * request already started); refused when the trial has no lineage record to verify.
 */
export async function requestVerification(
  deps: VerificationServiceDeps,
  trialId: string,
  requestId: string,
  actor: string,
): Promise<{ workflowId: string }> {
  const trial = await trialForVerification(deps.db, trialId);
  if (trial === null) throw new TrialNotFoundError('requestVerification', [trialId]);
  if (trial.lineage === null) throw new LineageNotRecordedError(trialId, trial.status);
  const input: VerificationInput = {
    trialId,
    projectId: trial.sweep.projectId,
    queue: parseSweepSpec(trial.sweep.spec).resources.queue,
    actor,
  };
  const workflowId = verificationWorkflowId(trialId, requestId);
  await startWorkflowOnce<typeof verificationWorkflow>(await deps.temporal(), 'verificationWorkflow', {
    workflowId,
    taskQueue: deps.taskQueue ?? TASK_QUEUES.control,
    args: [input],
  });
  return { workflowId };
}

/** Where a verification stands: done with its report, running, failed (with the reason), or never asked. */
export type VerificationState =
  | { state: 'done'; report: TrialVerificationReport }
  | { state: 'running' }
  | { state: 'failed'; error: string }
  | { state: 'none' };

export async function verificationState(
  deps: VerificationServiceDeps,
  trialId: string,
  requestId: string,
): Promise<VerificationState> {
  const standing = await workflowStanding<TrialVerificationReport>(
    await deps.temporal(),
    verificationWorkflowId(trialId, requestId),
  );
  return standing.state === 'done' ? { state: 'done', report: standing.result } : standing;
}
