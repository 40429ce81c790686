import {
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import {
  ashaDecide,
  ashaRungs,
  createPlanner,
  nextTrial,
  recordTrialValue,
  totalTrials,
} from '@medsweep/core/planning';
import type { PlannerState, TrialPlan } from '@medsweep/core/planning';
import type { ControlActivities, SweepInput, TrialInput } from '../activities.js';
import { TASK_QUEUES, trialKeyOf, trialWorkflowId } from '../task-queues.js';
import {
  pauseSignal,
  progressQuery,
  resumeSignal,
  rungDecisionSignal,
  rungReachedSignal,
  trialFinishedSignal,
} from './signals.js';
import type { RungReport, SweepProgress, TrialFinished } from './signals.js';
import { trialWorkflow } from './trial.js';

const control = proxyActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Continue-as-new well before Temporal's limits (51,200 events, ~1,000 children per execution): each
 * trial costs the sweep about ten events, so a run hands over after a few hundred children.
 */
const CHILDREN_PER_RUN = 400;
/** Runs recorded before trials were started in batches replay with one start per round trip. */
export const BATCHED_STARTS_PATCH = 'sweep-batched-child-starts';
const EVENTS_PER_RUN = 10_000;

/** Everything the sweep carries from one run to the next. */
export interface SweepState {
  planner: PlannerState;
  running: Record<string, TrialPlan>;
  counts: { completed: number; failed: number; cancelled: number; pruned: number };
  /** ASHA: values recorded at each rung, in arrival order. */
  rungValues: number[][];
  paused: boolean;
  generation: number;
}

export interface SweepSummary {
  sweepId: string;
  status: 'completed' | 'cancelled';
  total: number;
  counts: SweepState['counts'];
}

/**
 * Expands the sweep into trials with the seeded planner and runs each as a child trialWorkflow, at most
 * `budget.maxParallel` at once. Adaptive decisions (TPE proposals, ASHA rungs) are taken here from
 * results the children signal back, so they are part of the history and replay identically. Pause stops
 * new launches; cancelling the workflow cancels every running trial and waits until each has recorded
 * itself as cancelled.
 */
export async function sweepWorkflow(input: SweepInput, carried?: SweepState): Promise<SweepSummary> {
  const { spec, sweepId } = input;
  const state: SweepState = carried ?? {
    planner: createPlanner(spec),
    running: {},
    counts: { completed: 0, failed: 0, cancelled: 0, pruned: 0 },
    rungValues: [],
    paused: false,
    generation: 0,
  };
  const total = totalTrials(spec);
  const rungs =
    spec.earlyStopping.kind === 'asha'
      ? ashaRungs(spec.earlyStopping.gracePeriod, spec.earlyStopping.reductionFactor, spec.budget.maxEpochs)
      : [];
  const finished: TrialFinished[] = [];
  const rungReports: RungReport[] = [];
  let cancelling = false;
  let childrenThisRun = 0;

  setHandler(trialFinishedSignal, (f) => void finished.push(f));
  setHandler(rungReachedSignal, (r) => void rungReports.push(r));
  setHandler(pauseSignal, () => void (state.paused = true));
  setHandler(resumeSignal, () => void (state.paused = false));
  setHandler(progressQuery, (): SweepProgress => ({
    status: cancelling ? 'cancelling' : state.paused ? 'paused' : 'running',
    total,
    launched: state.planner.launched,
    running: Object.entries(state.running).map(([trialKey, p]) => ({
      trialKey,
      index: p.index,
      architecture: p.architecture,
      arm: p.arm,
      seed: p.seed,
    })),
    ...state.counts,
    generation: state.generation,
  }));

  if (!carried) await control.setSweepStatus({ sweepId, status: 'running' });
  let reportedPause = state.paused;

  const applyMessages = async (): Promise<void> => {
    for (const f of finished.splice(0)) {
      const plan = state.running[f.trialKey];
      if (!plan) continue; // a duplicate signal: the trial was already counted
      delete state.running[f.trialKey];
      state.counts[f.outcome]++;
      recordTrialValue(spec, state.planner, plan, f.outcome === 'completed' ? f.value : null);
    }
    for (const r of rungReports.splice(0)) {
      if (spec.earlyStopping.kind !== 'asha') continue;
      const { mode, reductionFactor } = spec.earlyStopping;
      const seen = (state.rungValues[r.rung] ??= []);
      const decision = ashaDecide(seen, r.value, mode, reductionFactor);
      seen.push(r.value);
      await getExternalWorkflowHandle(r.workflowId).signal(rungDecisionSignal, {
        rung: r.rung,
        continue: decision.continue,
      });
    }
  };

  const launch = async (plan: TrialPlan): Promise<void> => {
    const trialKey = trialKeyOf(sweepId, plan.index);
    const weights = input.weights[plan.arm]?.[plan.architecture];
    const trial: TrialInput = {
      sweepId,
      sweepWorkflowId: workflowInfo().workflowId,
      trialKey,
      plan,
      spec,
      dataset: input.dataset,
      ...(weights ? { weights } : {}),
      rungs,
    };
    state.running[trialKey] = plan;
    childrenThisRun++;
    await startChild(trialWorkflow, {
      workflowId: trialWorkflowId(sweepId, plan.index),
      taskQueue: TASK_QUEUES.control,
      args: [trial],
      // Children outlive a continue-as-new of this run; they report back by signal.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  };

  try {
    for (;;) {
      await applyMessages();
      if (state.paused !== reportedPause) {
        reportedPause = state.paused;
        await control.setSweepStatus({ sweepId, status: state.paused ? 'paused' : 'running' });
      }
      const starts: Promise<void>[] = [];
      while (!state.paused && Object.keys(state.running).length < spec.budget.maxParallel) {
        const plan = nextTrial(spec, state.planner);
        if (!plan) break;
        // All free slots are filled in one workflow task; before the patch each start waited for the
        // previous child to be started, one round trip to the server per trial.
        if (patched(BATCHED_STARTS_PATCH)) starts.push(launch(plan));
        else await launch(plan);
      }
      await Promise.all(starts);
      if (Object.keys(state.running).length === 0 && state.planner.launched >= total) break;
      const info = workflowInfo();
      if (
        childrenThisRun >= CHILDREN_PER_RUN ||
        info.historyLength > EVENTS_PER_RUN ||
        info.continueAsNewSuggested
      ) {
        // Hand over only with no message half-processed: signals that arrive now reach the next run.
        await condition(allHandlersFinished);
        if (finished.length === 0 && rungReports.length === 0) {
          await continueAsNew<typeof sweepWorkflow>(input, { ...state, generation: state.generation + 1 });
        }
      }
      await condition(() => finished.length > 0 || rungReports.length > 0 || state.paused !== reportedPause);
    }
  } catch (e) {
    if (!isCancellation(e)) throw e;
    cancelling = true;
    await CancellationScope.nonCancellable(async () => {
      await control.setSweepStatus({ sweepId, status: 'cancelling' });
      for (const plan of Object.values(state.running)) {
        await getExternalWorkflowHandle(trialWorkflowId(sweepId, plan.index)).cancel();
      }
      // Each trial records itself as cancelled (or finishes) and signals back.
      while (Object.keys(state.running).length > 0) {
        await condition(() => finished.length > 0 || rungReports.length > 0);
        await applyMessages();
      }
      await control.setSweepStatus({ sweepId, status: 'cancelled' });
    });
    return { sweepId, status: 'cancelled', total, counts: state.counts };
  }
  await control.setSweepStatus({ sweepId, status: 'completed' });
  return { sweepId, status: 'completed', total, counts: state.counts };
}
