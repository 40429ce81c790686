// Messages between a sweep and its trials. Children report by signal, not by return value, because
// the sweep continues-as-new while they run and a new run cannot await an older run's child handles.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TrialFinished } from '../activities.js';

export interface RungReport {
  trialKey: string;
  /** Child workflow id, to send the decision back. */
  workflowId: string;
  rung: number;
  value: number;
}

export interface RungDecision {
  rung: number;
  continue: boolean;
}

export interface SweepProgress {
  status: 'running' | 'paused' | 'cancelling' | 'completed' | 'cancelled';
  total: number;
  launched: number;
  running: { trialKey: string; index: number; architecture: string; arm: string; seed: number }[];
  completed: number;
  failed: number;
  cancelled: number;
  pruned: number;
  /** Continue-as-new generations so far (0 for the first run). */
  generation: number;
}

export const trialFinishedSignal = defineSignal<[TrialFinished]>('trialFinished');
export const rungReachedSignal = defineSignal<[RungReport]>('rungReached');
export const rungDecisionSignal = defineSignal<[RungDecision]>('rungDecision');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const progressQuery = defineQuery<SweepProgress>('progress');
