// Asynchronous successive halving (ASHA, Li et al. 2020), in its stopping form: each trial reports its
// validation metric at every rung; it continues only while it is in the top 1/η of what that rung has seen.
// Decisions depend only on the order results arrived in, which the workflow history fixes, so replay is safe.

/** Epochs at which trials report: grace, grace·η, grace·η², … below maxEpochs; the last segment ends at maxEpochs. */
export function ashaRungs(gracePeriod: number, reductionFactor: number, maxEpochs: number): number[] {
  const rungs: number[] = [];
  for (let r = gracePeriod; r < maxEpochs; r *= reductionFactor) rungs.push(r);
  return rungs;
}

export interface AshaDecision {
  continue: boolean;
  /** The value the trial had to reach (undefined while the rung has too few results to judge). */
  cutoff?: number;
}

/**
 * Whether a trial that scored `value` at a rung continues, given the values earlier trials recorded there
 * (not including this one). With fewer than η earlier results the trial continues: there is nothing yet
 * to be in the bottom of.
 */
export function ashaDecide(
  earlier: readonly number[],
  value: number,
  mode: 'max' | 'min',
  reductionFactor: number,
): AshaDecision {
  const all = [...earlier, value];
  if (all.length < reductionFactor) return { continue: true };
  const sorted = all.sort((a, b) => (mode === 'max' ? b - a : a - b));
  const keep = Math.max(1, Math.floor(sorted.length / reductionFactor));
  const cutoff = sorted[keep - 1] as number;
  return { continue: mode === 'max' ? value >= cutoff : value <= cutoff, cutoff };
}
