import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { segmentEnds } from '@medsweep/core/planning';
import type {
  ControlActivities,
  TrainActivities,
  TrialEvaluation,
  TrialInput,
  TrialOutcome,
} from '../activities.js';
import { rungDecisionSignal, rungReachedSignal, trialFinishedSignal } from './signals.js';
import type { RungDecision } from './signals.js';

// Small Postgres writes: seconds at most; retried with backoff through DB restarts.
const bookkeepingOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
const controlActivities = proxyActivities<ControlActivities>(bookkeepingOptions);
// Local activities run inside the trial's own workflow task on the control worker: no task-queue round
// trip and two fewer workflow tasks per write, which is most of a trial's scheduling overhead.
const controlLocalActivities = proxyLocalActivities<ControlActivities>(bookkeepingOptions);

/**
 * Trials started before bookkeeping moved to local activities replay with regular ones; `patched` keeps
 * those histories (and workflows in flight during an upgrade) deterministic.
 */
export const LOCAL_BOOKKEEPING_PATCH = 'trial-local-bookkeeping';
/**
 * Trials started before their first segment registered them (the workflow did, first thing) replay
 * that way; `patched` keeps those histories deterministic.
 */
export const SEGMENT_REGISTERS_PATCH = 'trial-registered-by-first-segment';

/**
 * Trials that signalled their end to the sweep themselves (a workflow task of their own, for the signal's
 * result) replay that way; now the finishing activity sends it.
 */
export const ACTIVITY_REPORTS_PATCH = 'trial-end-reported-by-activity';

/** Segments of training; the train queue is chosen per trial from the spec's resources. */
function trainOn(queue: string) {
  return proxyActivities<TrainActivities>({
    taskQueue: queue,
    // Liveness comes from heartbeats, not from a total limit: a segment may train for hours.
    startToCloseTimeout: '24 hours',
    // A dead worker stops heartbeating; within 30 s the segment is retried elsewhere, resuming from the
    // checkpoint named in its last heartbeat.
    heartbeatTimeout: '30 seconds',
    // Transient failures (S3 or DB blips, a killed worker) retry; bad data or config fail at once
    // (the activity marks those non-retryable).
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 10,
    },
    // A cancelled trial is only recorded once its segment has really stopped: no zombie training.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

export interface TrialSummary {
  trialId: string;
  outcome: TrialOutcome;
  epochsCompleted: number;
  primaryMetricValue: number | null;
}

/**
 * One trial: train segment by segment (a segment ends at each ASHA rung, where the sweep decides whether it
 * goes on; the first one registers the trial), evaluate, record. Cancellation (of this workflow) stops the
 * running segment at its next heartbeat; the trial is then recorded as cancelled.
 */
export async function trialWorkflow(input: TrialInput): Promise<TrialSummary> {
  const decisions = new Map<number, RungDecision>();
  setHandler(rungDecisionSignal, (d) => void decisions.set(d.rung, d));

  const { trainSegment } = trainOn(input.spec.resources.queue);
  // A trial row must exist before anything can be recorded against it, even under cancellation. Its first
  // segment registers it (so training starts without a round trip through this workflow); trials started
  // before that registered here, and a trial that ends before any segment returned registers at the end.
  const activityReports = patched(ACTIVITY_REPORTS_PATCH);
  // Each patch id a trial meets costs it an event and a search-attribute update on the server, so the
  // newest patch implies the older ones: code that reports by activity has always registered by segment.
  const segmentRegisters = activityReports || patched(SEGMENT_REGISTERS_PATCH);
  // Code whose segments register trials has always kept its books with local activities: no second patch.
  const bookkeeping =
    segmentRegisters || patched(LOCAL_BOOKKEEPING_PATCH) ? controlLocalActivities : controlActivities;
  const register = async () =>
    (await CancellationScope.nonCancellable(() => bookkeeping.registerTrial({ trial: input }))).trialId;
  let trialId = segmentRegisters ? undefined : await register();
  const maxEpochs = input.spec.budget.maxEpochs;
  const ends = segmentEnds(input);

  let outcome: TrialOutcome = 'completed';
  let epochsCompleted = 0;
  let evaluation: TrialEvaluation | undefined;
  let error: string | undefined;
  try {
    for (let rung = 0; rung < ends.length; rung++) {
      const last = rung === ends.length - 1;
      const segment = await trainSegment({
        trial: input,
        trialId,
        untilEpoch: ends[rung] as number,
        evaluate: last,
      });
      // Results recorded before segments registered trials carry no id.
      trialId ??= segment.trialId;
      epochsCompleted = segment.epochsCompleted;
      if (last) {
        evaluation = segment.evaluation;
        break;
      }
      if (segment.stoppedEarly) {
        // The trainer's own patience ended it before this rung: evaluate what it selected.
        const final = await trainSegment({ trial: input, trialId, untilEpoch: maxEpochs, evaluate: true });
        evaluation = final.evaluation;
        epochsCompleted = final.epochsCompleted;
        break;
      }
      await getExternalWorkflowHandle(input.sweepWorkflowId).signal(rungReachedSignal, {
        trialKey: input.trialKey,
        workflowId: workflowInfo().workflowId,
        rung,
        value: segment.rungValue,
      });
      await condition(() => decisions.has(rung));
      if (!decisions.get(rung)?.continue) {
        outcome = 'pruned';
        break;
      }
    }
  } catch (e) {
    if (isCancellation(e)) outcome = 'cancelled';
    else {
      outcome = 'failed';
      error = describeFailure(e);
    }
  }

  // Recording the outcome must happen even when this workflow is being cancelled.
  const recordedId = trialId ?? (await register());
  // The spec hash rides in the activity's input: payload contents are not part of the commands replay
  // compares, so histories recorded before it was added replay unchanged, without a patch id.
  const finish = {
    trialId: recordedId,
    sweepId: input.sweepId,
    ...(input.specHash ? { specHash: input.specHash } : {}),
    outcome,
    epochsCompleted,
    ...(evaluation ? { evaluation } : {}),
    ...(error ? { error } : {}),
  };
  const finished = {
    trialKey: input.trialKey,
    index: input.plan.index,
    outcome,
    value: evaluation?.primaryMetricValue ?? null,
  };
  await CancellationScope.nonCancellable(async () => {
    if (input.reportsByResult) await bookkeeping.finishTrial(finish);
    else if (activityReports) {
      await bookkeeping.finishTrialAndReport({ ...finish, sweepWorkflowId: input.sweepWorkflowId, finished });
    } else {
      await bookkeeping.finishTrial(finish);
      await getExternalWorkflowHandle(input.sweepWorkflowId).signal(trialFinishedSignal, finished);
    }
  });
  return { trialId: recordedId, outcome, epochsCompleted, primaryMetricValue: finished.value };
}

/** The innermost message of an activity failure chain: what actually went wrong. */
function describeFailure(e: unknown): string {
  let cur = e as { message?: string; cause?: unknown } | undefined;
  let message = String(e);
  while (cur) {
    if (cur.message) message = cur.message;
    cur = cur.cause as typeof cur;
  }
  return message;
}
