// What the leaderboard computes from: runs (trials) with one metric value each, grouped into
// configurations whose runs differ only in their seed.
import type { JsonObject } from '../lineage/canonical-json.js';

/** Whether larger or smaller values of a metric are better (the same words as the sweep spec's goal). */
export type MetricGoal = 'maximize' | 'minimize';

/** One run's value of the metric being ranked. */
export interface RunValue {
  trialId: string;
  seed: number;
  value: number;
}

/** What a configuration is, for people: everything but the seed. */
export interface ConfigurationLabel {
  architecture: string;
  initialisation: string;
  transferMode: string;
  /** The resolved config without its seed. */
  config: JsonObject;
}

/** Negative when `a` is better than `b` under `goal`. */
export function compareByGoal(goal: MetricGoal, a: number, b: number): number {
  return goal === 'maximize' ? b - a : a - b;
}

/** Runs in a stable order: by seed, then trial id. */
export function bySeed(a: RunValue, b: RunValue): number {
  return a.seed - b.seed || (a.trialId < b.trialId ? -1 : a.trialId > b.trialId ? 1 : 0);
}

/** The best run under `goal`; ties go to the lower seed, then the lower trial id. */
export function bestRun(runs: readonly RunValue[], goal: MetricGoal): RunValue | undefined {
  return [...runs].sort((a, b) => compareByGoal(goal, a.value, b.value) || bySeed(a, b))[0];
}
