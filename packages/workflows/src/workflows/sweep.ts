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
  configurationKey,
  createPlanner,
  decideHeldRungs,
  holdRungReport,
  nextConfiguration,
  nextTrial,
  optimisesSeedMean,
  recordTrialValue,
  totalTrials,
  tpeMinimisesPerTrial,
} from '@medsweep/core/planning';
import type { HeldRung, PlannerState, TrialPlan } from '@medsweep/core/planning';
import type {
  ControlActivities,
  SweepInput,
  TrialFinished,
  TrialInput,
  TrialOutcome,
} from '../activities.js';
import { TASK_QUEUES, trialKeyOf, trialWorkflowId } from '../task-queues.js';
import {
  pauseSignal,
  progressQuery,
  resumeSignal,
  rungDecisionSignal,
  rungReachedSignal,
  trialFinishedSignal,
} from './signals.js';
import type { RungReport, SweepProgress } from './signals.js';
import { trialWorkflow } from './trial.js';

const control = proxyActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Continue-as-new well before Temporal's limits (51,200 events, ~1,000 children per execution): each
 * trial costs the sweep about five events, so a run hands over after a few hundred children.
 */
const CHILDREN_PER_RUN = 400;
/** Runs recorded before trials were started in batches replay with one start per round trip. */
export const BATCHED_STARTS_PATCH = 'sweep-batched-child-starts';
/**
 * Runs recorded before children reported by their result replay as they ran: every child signalled its
 * end, and the sweep waited for each batch of starts to be confirmed before it went on receiving results.
 */
export const RESULT_REPORTS_PATCH = 'sweep-children-report-by-result';
/**
 * TPE sweeps that minimise (ASHA mode min, e.g. val_loss) learnt from raw losses before this patch, so
 * they looked for large losses; new ones learn from losses negated. Asked only by such sweeps, when their
 * planner is created, so no other sweep pays for the marker.
 */
export const TPE_GOAL_PATCH = 'sweep-tpe-oriented-by-goal';
const EVENTS_PER_RUN = 10_000;
/**
 * A run that is handing over keeps its slots busy while its children that report by result finish; if one
 * of them trains for so long that the history grows past this, it stops launching until that one ends.
 */
const EVENTS_HARD_STOP = 25_000;

/** Everything the sweep carries from one run to the next. */
export interface SweepState {
  planner: PlannerState;
  running: Record<string, TrialPlan>;
  counts: { completed: number; failed: number; cancelled: number; pruned: number };
  /** ASHA: values recorded at each rung, in arrival order (seed-mean: configurations' means). */
  rungValues: number[][];
  /** ASHA with seed-mean: rung reports waiting for the other seeds of their configuration. */
  heldRungs?: HeldRung[];
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
    planner: createPlanner(spec, { orientByGoal: tpeMinimisesPerTrial(spec) && patched(TPE_GOAL_PATCH) }),
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
  // Only specs that ask for it take the seed-mean paths, so no history of another sweep changes.
  const seedMean = optimisesSeedMean(spec);
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

  // Read before the first await, so that replays see it where the original run did.
  const resultReports = patched(RESULT_REPORTS_PATCH);
  /** Child starts not yet confirmed by the server; a start that fails fails the sweep. */
  const starting: Promise<void>[] = [];
  let startFailure: unknown;
  /**
   * Children of this run that report by their result. Every update of the sweep's history holds its lock,
   * for which the server's child starts wait; a result costs the sweep no event beyond the completion
   * it records anyway, where a signal costs one more. This run hands over only once they have all ended.
   */
  let awaitingResults = 0;

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
      if (seedMean) {
        const plan = state.running[r.trialKey];
        const report = { trialKey: r.trialKey, workflowId: r.workflowId, value: r.value };
        if (plan) holdRungReport((state.heldRungs ??= []), configurationKey(plan), r.rung, report);
        continue;
      }
      const { mode, reductionFactor } = spec.earlyStopping;
      const seen = (state.rungValues[r.rung] ??= []);
      const decision = ashaDecide(seen, r.value, mode, reductionFactor);
      seen.push(r.value);
      await getExternalWorkflowHandle(r.workflowId).signal(rungDecisionSignal, {
        rung: r.rung,
        continue: decision.continue,
      });
    }
    // A configuration is decided once its last running seed reported the rung or ended. Not while
    // cancelling: every trial is being cancelled, whatever a decision would say.
    if (seedMean && spec.earlyStopping.kind === 'asha' && !cancelling) {
      const { mode, reductionFactor } = spec.earlyStopping;
      const running = new Map(Object.entries(state.running).map(([key, p]) => [key, configurationKey(p)]));
      const held = (state.heldRungs ??= []);
      for (const d of decideHeldRungs(held, state.rungValues, running, mode, reductionFactor)) {
        await Promise.all(
          d.reports.map((report) =>
            getExternalWorkflowHandle(report.workflowId).signal(rungDecisionSignal, {
              rung: d.rung,
              continue: d.continue,
            }),
          ),
        );
      }
    }
  };

  const handingOver = () => {
    const info = workflowInfo();
    return (
      childrenThisRun >= CHILDREN_PER_RUN ||
      info.historyLength > EVENTS_PER_RUN ||
      info.continueAsNewSuggested
    );
  };
  /**
   * The trials to start next: one, or with seed-mean every seed of the next configuration, once there is a
   * free slot for each (a seed waiting at a rung for a sibling without a slot would wait for ever).
   */
  const nextLaunches = (): TrialPlan[] | undefined => {
    if (!seedMean) {
      const plan = nextTrial(spec, state.planner);
      return plan && [plan];
    }
    const free = spec.budget.maxParallel - Object.keys(state.running).length;
    return free >= spec.seeds.length ? nextConfiguration(spec, state.planner) : undefined;
  };
  /** Only a run waiting on a child that trains for very long stops launching (see EVENTS_HARD_STOP). */
  const mayLaunch = () =>
    !state.paused &&
    Object.keys(state.running).length < spec.budget.maxParallel &&
    !(awaitingResults > 0 && workflowInfo().historyLength > EVENTS_HARD_STOP);

  const launch = async (plan: TrialPlan): Promise<void> => {
    const trialKey = trialKeyOf(sweepId, plan.index);
    const weights = input.weights[plan.arm]?.[plan.architecture];
    // Trials started while the run is handing over will end in the next run: they report by signal.
    const byResult = resultReports && !handingOver();
    const trial: TrialInput = {
      sweepId,
      sweepWorkflowId: workflowInfo().workflowId,
      trialKey,
      plan,
      spec,
      // A field of the child's input, not a command: no patch id (see trialWorkflow's finish).
      ...(input.specHash ? { specHash: input.specHash } : {}),
      dataset: input.dataset,
      ...(weights ? { weights } : {}),
      rungs,
      ...(byResult ? { reportsByResult: true } : {}),
    };
    state.running[trialKey] = plan;
    childrenThisRun++;
    const options = {
      workflowId: trialWorkflowId(sweepId, plan.index),
      taskQueue: TASK_QUEUES.control,
      args: [trial] as [TrialInput],
      // Children started while the run hands over outlive it, and report to the next run by signal.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    };
    // A start in flight completes even if the sweep is cancelled meanwhile: the cancel path then cancels
    // the child like any other, rather than leaving a trial that may or may not exist.
    if (!resultReports) {
      await startChild(trialWorkflow, options);
      return;
    }
    if (byResult) awaitingResults++;
    const child = await CancellationScope.nonCancellable(() => startChild(trialWorkflow, options));
    if (!byResult) return;
    const ended = (outcome: TrialOutcome, value: number | null) => {
      finished.push({ trialKey, index: plan.index, outcome, value });
      awaitingResults--;
    };
    // A trial records its own end; one whose workflow was stopped before it could (terminated by an
    // operator) is recorded as failed here, so neither the sweep nor the results store waits for it.
    void child.result().then(
      (summary) => ended(summary.outcome, summary.primaryMetricValue),
      async () => {
        await CancellationScope.nonCancellable(() => recordStopped(trial));
        ended('failed', null);
      },
    );
  };
  const recordStopped = async (trial: TrialInput): Promise<void> => {
    try {
      const { trialId } = await control.registerTrial({ trial });
      await control.finishTrial({
        trialId,
        sweepId,
        outcome: 'failed',
        epochsCompleted: 0,
        error: 'its workflow was stopped before it recorded a result (terminated?)',
      });
    } catch {
      // It had recorded its result before it was stopped (the store refuses a second): that one stands.
    }
  };
  /** Every child this run launched has started: before the run hands over, or cancels its children. */
  const allStarted = async () => {
    await Promise.all(starting.splice(0));
    if (startFailure !== undefined) throw startFailure;
  };

  try {
    for (;;) {
      await applyMessages();
      if (state.paused !== reportedPause) {
        reportedPause = state.paused;
        await control.setSweepStatus({ sweepId, status: state.paused ? 'paused' : 'running' });
      }
      const starts: Promise<void>[] = [];
      while (mayLaunch()) {
        const plans = nextLaunches();
        if (!plans) break;
        for (const plan of plans) {
          // All free slots are filled in one workflow task, and the sweep goes on receiving results while
          // the server starts them. Before the patches each batch (or, earlier, each start) was awaited.
          if (resultReports) {
            starting.push(launch(plan).catch((e: unknown) => void (startFailure ??= e)));
          } else if (patched(BATCHED_STARTS_PATCH)) starts.push(launch(plan));
          else await launch(plan);
        }
      }
      await Promise.all(starts);
      if (Object.keys(state.running).length === 0 && state.planner.launched >= total) break;
      if (handingOver()) {
        // Hand over only with every child started and no message half-processed: signals that arrive
        // now reach the next run.
        await allStarted();
        await condition(allHandlersFinished);
        // Runs before the patch handed over only with no message waiting; now what has arrived goes into
        // the carried state (under load something always has), once the result-reporting children ended.
        const mayHandOver = resultReports
          ? awaitingResults === 0
          : finished.length === 0 && rungReports.length === 0;
        if (mayHandOver) {
          while (finished.length > 0 || rungReports.length > 0) await applyMessages();
          await continueAsNew<typeof sweepWorkflow>(input, { ...state, generation: state.generation + 1 });
        }
      }
      await condition(
        () =>
          finished.length > 0 ||
          rungReports.length > 0 ||
          state.paused !== reportedPause ||
          startFailure !== undefined,
      );
      if (startFailure !== undefined) throw startFailure;
    }
  } catch (e) {
    if (!isCancellation(e)) throw e;
    cancelling = true;
    await CancellationScope.nonCancellable(async () => {
      await control.setSweepStatus({ sweepId, status: 'cancelling' });
      await allStarted();
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
