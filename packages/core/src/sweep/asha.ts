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

/** A trial's value at a rung, held (search.objective seed-mean) until its configuration is decided there. */
export interface HeldRungReport {
  trialKey: string;
  /** The trial's workflow id, to send the decision back. */
  workflowId: string;
  value: number;
}

/** What one configuration's seeds have reported at one rung so far (plain data, carried across runs). */
export interface HeldRung {
  /** configurationKey of the trials. */
  configuration: string;
  rung: number;
  reports: HeldRungReport[];
}

/** One configuration's decision at a rung; every report in it goes on or stops with it. */
export interface ConfigurationRungDecision extends AshaDecision {
  configuration: string;
  rung: number;
  /** Mean over the reports' values: what was ranked against the configurations decided there before. */
  mean: number;
  reports: HeldRungReport[];
}

/** Adds a trial's rung report to its configuration's held rung (a repeated report changes nothing). */
export function holdRungReport(
  held: HeldRung[],
  configuration: string,
  rung: number,
  report: HeldRungReport,
): void {
  let entry = held.find((h) => h.configuration === configuration && h.rung === rung);
  if (!entry) held.push((entry = { configuration, rung, reports: [] }));
  if (!entry.reports.some((r) => r.trialKey === report.trialKey)) entry.reports.push(report);
}

/**
 * ASHA over configurations (search.objective seed-mean). A configuration is decided at a rung once every
 * one of its trials still running has reported there: a seed that ended before the rung (failed, or
 * stopped by its own patience) is not waited for, and its value is not in the mean. The mean of the
 * reports of running trials is ranked by ashaDecide against the means decided at that rung before
 * (`rungMeans`, which gets it appended). Held rungs are decided in the order they were first reported, so
 * the decisions are a pure function of the order results arrived in. Removes decided rungs from `held`, and
 * rungs with no running trial left (nobody to decide for).
 */
export function decideHeldRungs(
  held: HeldRung[],
  rungMeans: number[][],
  /** Trials running now, by trial key, with their configuration's key. */
  runningConfigurations: ReadonlyMap<string, string>,
  mode: 'max' | 'min',
  reductionFactor: number,
): ConfigurationRungDecision[] {
  const runningOf = new Map<string, string[]>();
  for (const [trialKey, configuration] of runningConfigurations) {
    runningOf.set(configuration, [...(runningOf.get(configuration) ?? []), trialKey]);
  }
  const decisions: ConfigurationRungDecision[] = [];
  for (const entry of [...held]) {
    const running = runningOf.get(entry.configuration) ?? [];
    if (!running.every((key) => entry.reports.some((r) => r.trialKey === key))) continue;
    held.splice(held.indexOf(entry), 1);
    const reports = entry.reports.filter((r) => running.includes(r.trialKey));
    if (reports.length === 0) continue;
    const mean = reports.reduce((sum, r) => sum + r.value, 0) / reports.length;
    const seen = (rungMeans[entry.rung] ??= []);
    const decision = ashaDecide(seen, mean, mode, reductionFactor);
    seen.push(mean);
    decisions.push({ ...decision, configuration: entry.configuration, rung: entry.rung, mean, reports });
  }
  return decisions;
}
