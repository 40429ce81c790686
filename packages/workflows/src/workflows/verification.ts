// One verification of a completed trial's lineage (`medsweep verify`): the re-hashing and re-evaluation
// on the trial's own train queue (it loads the weights into TensorFlow), then its verdict recorded as an
// audit event of the one who asked, on the control worker. Each request has a workflow of its own (a
// verification is an act at a time, not a result to reuse); a retry or replay records nothing new.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { TrialVerificationReport, VerificationActivities, VerificationInput } from '../activities.js';
import { localBookkeeping } from './bookkeeping.js';

export async function verificationWorkflow(input: VerificationInput): Promise<TrialVerificationReport> {
  const { verifyTrial } = proxyActivities<VerificationActivities>({
    taskQueue: input.queue,
    // Downloads every artifact and predicts val and test once: minutes at most, bounded by heartbeats.
    startToCloseTimeout: '1 hour',
    // It heartbeats while it works; a dead worker is noticed within two minutes and it starts again
    // elsewhere (it only reads).
    heartbeatTimeout: '2 minutes',
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 5,
    },
  });
  const outcome = await verifyTrial(input);
  const { auditSeq } = await localBookkeeping.recordVerification({
    verification: input,
    workflowId: workflowInfo().workflowId,
    outcome,
  });
  const { trialId, ok, links, maxScoreDifference } = outcome;
  return { trialId, ok, links, maxScoreDifference, auditSeq };
}
