// Where a trial's training is cut into segments: at each ASHA rung below the epoch budget (the sweep
// decides there whether the trial goes on) and at the budget itself. The trial workflow runs the segments
// in this order and the train worker numbers its attempts by them, so both read this one definition.
// Workflow code bundles this module (through the planning entry point): it must not load zod.
import { SegmentRangeError } from '../errors.js';

/** What fixes a trial's segments: its ASHA rungs and its sweep's epoch budget. */
export interface SegmentedTrial {
  /** Epochs at which the trial reports to ASHA (empty without early stopping). */
  rungs: readonly number[];
  spec: { budget: { maxEpochs: number } };
}

/** The epochs the trial's segments end at, in order: its rungs below budget.maxEpochs, then budget.maxEpochs. */
export function segmentEnds({ rungs, spec }: SegmentedTrial): number[] {
  const { maxEpochs } = spec.budget;
  return [...rungs.filter((r) => r < maxEpochs), maxEpochs];
}

/**
 * Which of the trial's segments (0-based) ends at `untilEpoch`. Throws SegmentRangeError for an epoch
 * that ends none of them.
 */
export function segmentIndexOf(trial: SegmentedTrial & { trialKey: string }, untilEpoch: number): number {
  const ends = segmentEnds(trial);
  const index = ends.indexOf(untilEpoch);
  if (index < 0) throw new SegmentRangeError(trial.trialKey, untilEpoch, ends);
  return index;
}
