// Scratch versus transfer per architecture (the paper's Table 1, from real runs): for each architecture
// and each pretrained initialisation, the arm's mean over seeds against the scratch arm's, and the gain
// with its Student-t interval over seeds: paired by seed when both arms ran the same seeds (a shared seed
// shares data order and augmentation), Welch's two-sample t otherwise; the interval says which, and below
// three seeds it is refused ("n too small") with the estimate. The caller adds the two-level interval
// for new patients (newPatients) where it has the runs' predictions.
//
// Each arm is either its best configuration or all its configurations pooled. Choosing the best
// configuration on the metric being reported flatters every arm (winner's curse), so the selection
// metric is separate: select on validation, report on test. The interval covers seed-to-seed noise
// given the selection, not the selection itself.
import type { GainInterval, IntervalOptions } from '../stats/intervals.js';
import { gainInterval } from '../stats/intervals.js';
import { mean, sampleStd } from '../stats/summary.js';
import type { NewPatientsGain } from './new-patients.js';
import { orientGain } from './new-patients.js';
import type { MetricGoal, RunValue } from './runs.js';
import { bySeed, compareByGoal } from './runs.js';

/** A run with the reported metric (`value`) and the metric configurations are selected by. */
export interface ArmRun extends RunValue {
  selectionValue: number;
}

/** The runs of one configuration of one arm. */
export interface ArmConfiguration {
  architecture: string;
  initialisation: string;
  groupKey: string;
  runs: readonly ArmRun[];
}

/** `best-config`: each arm's configuration with the best mean selection value; `all-configs`: pooled. */
export type ArmSelection = 'best-config' | 'all-configs';

export interface ScratchVsTransferOptions extends IntervalOptions {
  /** Goal of the reported metric: the gain is positive when the pretrained arm is better. */
  goal: MetricGoal;
  /** Goal of the selection metric; default `goal`. */
  selectionGoal?: MetricGoal;
  /** Default `best-config`. */
  selection?: ArmSelection;
  /** The initialisation that is the scratch arm; default `scratch`. Every other one is a pretrained arm. */
  scratchInitialisation?: string;
}

export interface ArmSummary {
  initialisation: string;
  /** The selected configuration (best-config), or every configuration pooled (all-configs). */
  groupKeys: string[];
  n: number;
  mean: number;
  /** Null for a single run. */
  std: number | null;
  runs: RunValue[];
}

export interface ScratchVsTransferRow {
  architecture: string;
  /** Null when the architecture has no pretrained arm. */
  pretrained: ArmSummary | null;
  /** Null when the architecture has no scratch arm. */
  scratch: ArmSummary | null;
  /**
   * Pretrained minus scratch mean for a maximised metric, scratch minus pretrained when minimised
   * (positive = pretrained better), with its t interval over seeds (`paired-t` or `welch-t`; refused
   * below three seeds); null unless both arms exist.
   */
  gain: GainInterval | null;
  /** The two-level interval of the gain for new patients, where the caller computed it. */
  newPatients?: NewPatientsGain;
}

function summarise(initialisation: string, configurations: readonly ArmConfiguration[]): ArmSummary {
  const runs = configurations.flatMap((c) =>
    c.runs.map(({ trialId, seed, value }) => ({ trialId, seed, value })),
  );
  runs.sort(bySeed);
  const values = runs.map((r) => r.value);
  return {
    initialisation,
    groupKeys: configurations.map((c) => c.groupKey),
    n: values.length,
    mean: mean(values),
    std: values.length >= 2 ? sampleStd(values) : null,
    runs,
  };
}

function selectArm(
  initialisation: string,
  configurations: readonly ArmConfiguration[],
  selection: ArmSelection,
  selectionGoal: MetricGoal,
): ArmSummary {
  if (selection === 'all-configs') return summarise(initialisation, configurations);
  const scored = configurations.map((c) => ({ c, score: mean(c.runs.map((r) => r.selectionValue)) }));
  scored.sort(
    (a, b) =>
      compareByGoal(selectionGoal, a.score, b.score) ||
      b.c.runs.length - a.c.runs.length ||
      (a.c.groupKey < b.c.groupKey ? -1 : a.c.groupKey > b.c.groupKey ? 1 : 0),
  );
  return summarise(initialisation, [scored[0]!.c]);
}

function gainOf(
  pretrained: ArmSummary,
  scratch: ArmSummary,
  goal: MetricGoal,
  options: IntervalOptions,
): GainInterval {
  return orientGain(gainInterval(pretrained.runs, scratch.runs, options), goal);
}

/** One row per (architecture, pretrained initialisation), architectures and initialisations sorted. */
export function scratchVsTransfer(
  configurations: readonly ArmConfiguration[],
  options: ScratchVsTransferOptions,
): ScratchVsTransferRow[] {
  const {
    goal,
    selectionGoal = goal,
    selection = 'best-config',
    scratchInitialisation = 'scratch',
    ...interval
  } = options;
  const byArchitecture = new Map<string, Map<string, ArmConfiguration[]>>();
  for (const c of configurations) {
    const arms = byArchitecture.get(c.architecture) ?? new Map<string, ArmConfiguration[]>();
    byArchitecture.set(c.architecture, arms);
    arms.set(c.initialisation, [...(arms.get(c.initialisation) ?? []), c]);
  }
  const rows: ScratchVsTransferRow[] = [];
  for (const architecture of [...byArchitecture.keys()].sort()) {
    const arms = byArchitecture.get(architecture)!;
    const scratchConfigs = arms.get(scratchInitialisation);
    const scratch = scratchConfigs
      ? selectArm(scratchInitialisation, scratchConfigs, selection, selectionGoal)
      : null;
    const pretrainedArms = [...arms.keys()].filter((i) => i !== scratchInitialisation).sort();
    if (pretrainedArms.length === 0) rows.push({ architecture, pretrained: null, scratch, gain: null });
    for (const initialisation of pretrainedArms) {
      const pretrained = selectArm(initialisation, arms.get(initialisation)!, selection, selectionGoal);
      const gain = scratch ? gainOf(pretrained, scratch, goal, interval) : null;
      rows.push({ architecture, pretrained, scratch, gain });
    }
  }
  return rows;
}
