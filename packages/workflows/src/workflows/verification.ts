// One verification of a completed trial's lineage (`medsweep verify`): the re-hashing and re-evaluation
// on the trial's own train queue (it loads the weights into TensorFlow), then its verdict recorded as an
// audit event of the one who asked, on the control worker. Each request has a workflow of its own (a
// verification is an act at a time, not a result to reuse); a retry or replay records nothing new.
import { workflowInfo } from '@temporalio/workflow';
import type { TrialVerificationReport, VerificationActivities, VerificationInput } from '../activities.js';
import { localBookkeeping } from './bookkeeping.js';
import { workerJobActivities } from './worker-jobs.js';

export async function verificationWorkflow(input: VerificationInput): Promise<TrialVerificationReport> {
  // Downloads every artifact and predicts val and test once: minutes at most.
  const { verifyTrial } = workerJobActivities<VerificationActivities>(input.queue, '1 hour');
  const outcome = await verifyTrial(input);
  const { auditSeq } = await localBookkeeping.recordVerification({
    verification: input,
    workflowId: workflowInfo().workflowId,
    outcome,
  });
  const { trialId, ok, links, maxScoreDifference } = outcome;
  return { trialId, ok, links, maxScoreDifference, auditSeq };
}
