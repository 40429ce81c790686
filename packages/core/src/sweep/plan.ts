// Which trial runs next. The sweep workflow keeps a PlannerState (plain data, carried across
// continue-as-new) and asks nextTrial() whenever a slot is free (or, with search.objective seed-mean,
// nextConfiguration() whenever a slot per seed is free); every decision is a pure function of the spec and
// of the results recorded so far, so a replayed workflow makes the same decisions.
import { Rng } from '../random.js';
import { gridPoint, gridSize, sampleAssignment } from './space.js';
import type { Assignment } from './space.js';
import { isClassicalModel } from './model-names.js';
import type { ArchitectureName } from './model-names.js';
import type { SweepSpec } from './spec.js';
import { proposeTpe } from './tpe.js';

export interface TrialPlan {
  /** Position in the sweep (0-based launch order); the trial's idempotency key derives from it. */
  index: number;
  architecture: ArchitectureName;
  /** `scratch` or `pretrained:<weights ref>`. */
  arm: string;
  params: Assignment;
  seed: number;
  /** Which configuration of its (architecture, arm) group this is; repeats across seeds share it. */
  configIndex: number;
}

/** One TPE proposal of a group and the results of its seeds as they arrive. */
interface Proposal {
  params: Assignment;
  launchedSeeds: number;
  values: (number | null)[];
}

export interface PlannerState {
  /** Trials handed out so far. */
  launched: number;
  /** TPE only: per (architecture, arm) group, in architecture-major order. */
  groups?: { proposals: Proposal[] }[];
  /**
   * TPE only: results are oriented by the sweep's goal before TPE sees them (a loss is negated, so TPE,
   * which prefers larger values, looks for small losses). seed-mean sweeps always are; per-trial sweeps
   * started before this was fixed are not, and replay with the raw values they learnt from.
   */
  orientedByGoal?: true;
}

/** One (architecture, arm) pair the sweep trains. */
interface Group {
  architecture: ArchitectureName;
  arm: string;
}

/**
 * The sweep's (architecture, arm) pairs, architecture-major. Classical models have no pretrained
 * weights, so they run only their scratch arm: one spec can hold the paper's whole table.
 */
export function trialGroups(spec: Pick<SweepSpec, 'architectures' | 'arms'>): Group[] {
  return spec.architectures.flatMap((architecture) =>
    spec.arms
      .filter((arm) => arm === 'scratch' || !isClassicalModel(architecture))
      .map((arm) => ({ architecture, arm })),
  );
}

/** Grid points, or samples per group for random and TPE. */
function configsPerGroup(spec: SweepSpec): number {
  return spec.search.strategy === 'grid' ? gridSize(spec.search.space) : (spec.search.samples ?? 1);
}

/** Whether TPE and ASHA compare configurations by their mean over seeds (see configurationKey). */
export function optimisesSeedMean(spec: Pick<SweepSpec, 'search'>): boolean {
  // Specs recorded before the field existed have none: they optimise each trial.
  return spec.search.objective === 'seed-mean';
}

/**
 * Trials of one configuration (architecture, arm and parameters; its seeds vary) share this key. A
 * configuration's parameters are fixed by its group and configIndex, so the three name it.
 */
export function configurationKey(plan: Pick<TrialPlan, 'architecture' | 'arm' | 'configIndex'>): string {
  return `${plan.architecture}/${plan.arm}/${plan.configIndex}`;
}

/**
 * Trials the sweep will run: every (configuration, group, seed), capped by the budget. seed-mean runs whole
 * configurations, so a budget that would cut the last one short stops before it.
 */
export function totalTrials(spec: SweepSpec): number {
  const S = spec.seeds.length;
  const full = configsPerGroup(spec) * trialGroups(spec).length * S;
  const { maxTrials } = spec.budget;
  return Math.min(full, optimisesSeedMean(spec) ? maxTrials - (maxTrials % S) : maxTrials);
}

export interface CreatePlannerOptions {
  /** Orient TPE's results by the sweep's goal (PlannerState.orientedByGoal); new sweeps always should. */
  orientByGoal?: boolean;
}

export function createPlanner(spec: SweepSpec, options: CreatePlannerOptions = {}): PlannerState {
  if (spec.search.strategy !== 'tpe') return { launched: 0 };
  return {
    launched: 0,
    groups: trialGroups(spec).map(() => ({ proposals: [] })),
    ...(options.orientByGoal ? { orientedByGoal: true as const } : {}),
  };
}

/**
 * Whether a per-trial TPE sweep's planner needs the goal orientation decided by the caller: only TPE
 * sweeps that minimise and do not optimise the seed mean (which is oriented anyway) behave differently.
 */
export function tpeMinimisesPerTrial(spec: SweepSpec): boolean {
  return spec.search.strategy === 'tpe' && minimises(spec) && !optimisesSeedMean(spec);
}

/** Seeds of the sampler's streams: one per configuration (random) or proposal (TPE), never shared. */
const streamSeed = (spec: SweepSpec, n: number) => spec.search.seed * 2 ** 20 + n;

/**
 * Grid and random sweeps in a fixed order: configuration-major, then group (architecture, arm) and seed,
 * so a budget that stops early still compares every arm on the same configurations.
 */
function plannedAt(spec: SweepSpec, index: number): TrialPlan {
  const groups = trialGroups(spec);
  const S = spec.seeds.length;
  const seedIdx = index % S;
  const group = groups[Math.floor(index / S) % groups.length] as Group;
  const configIndex = Math.floor(index / (S * groups.length));
  const params =
    spec.search.strategy === 'grid'
      ? gridPoint(spec.search.space, configIndex)
      : sampleAssignment(spec.search.space, Rng.fromSeed(streamSeed(spec, configIndex)));
  return {
    index,
    ...group,
    params,
    seed: spec.seeds[seedIdx] as number,
    configIndex,
  };
}

/**
 * TPE: groups take turns; a group finishes launching one proposal's seeds before it proposes again. Turns
 * pass per trial, so groups interleave; with seed-mean they pass per configuration, so each proposal's
 * seeds are launched one after another.
 */
function nextTpeTrial(spec: SweepSpec, state: PlannerState): TrialPlan {
  const groups = state.groups ?? [];
  const pairs = trialGroups(spec);
  const samples = spec.search.samples ?? 1;
  const S = spec.seeds.length;
  const firstTurn = optimisesSeedMean(spec) ? Math.floor(state.launched / S) : state.launched;
  for (let turn = 0; turn < groups.length; turn++) {
    const g = (firstTurn + turn) % groups.length;
    const group = groups[g] as { proposals: Proposal[] };
    let proposal = group.proposals.at(-1);
    if (!proposal || proposal.launchedSeeds === S) {
      if (group.proposals.length >= samples) continue;
      const observed = group.proposals
        .filter((p) => p.values.length === S && p.values.every((v) => v !== null))
        .map((p) => ({ assignment: p.params, value: (p.values as number[]).reduce((a, b) => a + b, 0) / S }));
      const n = g * samples + group.proposals.length;
      proposal = {
        params: proposeTpe(spec.search.space, observed, Rng.fromSeed(streamSeed(spec, n)), {
          startupSamples: spec.search.startupSamples,
        }),
        launchedSeeds: 0,
        values: Array.from({ length: S }, () => null),
      };
      group.proposals.push(proposal);
    }
    const seedIdx = proposal.launchedSeeds++;
    return {
      index: state.launched,
      ...(pairs[g] as Group),
      params: proposal.params,
      seed: spec.seeds[seedIdx] as number,
      configIndex: group.proposals.length - 1,
    };
  }
  throw new RangeError('no TPE group has budget left; nextTrial checks totalTrials first');
}

function launchNext(spec: SweepSpec, state: PlannerState): TrialPlan {
  const plan = spec.search.strategy === 'tpe' ? nextTpeTrial(spec, state) : plannedAt(spec, state.launched);
  state.launched++;
  return plan;
}

/** The next trial to launch, or undefined when the sweep has handed out all of them. Advances `state`. */
export function nextTrial(spec: SweepSpec, state: PlannerState): TrialPlan | undefined {
  if (state.launched >= totalTrials(spec)) return undefined;
  return launchNext(spec, state);
}

/**
 * seed-mean: every trial of the next configuration, one per seed, to be started together (so none of them
 * waits at a rung for a sibling that has no slot); undefined when the sweep has handed out all of them.
 * Seeds of a configuration are consecutive in every strategy's order, and seed-mean's budget holds whole
 * configurations, so this takes the next S trials. Advances `state`.
 */
export function nextConfiguration(spec: SweepSpec, state: PlannerState): TrialPlan[] | undefined {
  if (state.launched >= totalTrials(spec)) return undefined;
  return spec.seeds.map(() => launchNext(spec, state));
}

/**
 * Feeds a finished trial's objective back (its primary metric; null when it failed or was pruned). Only
 * TPE learns from it, observing a proposal once all its seeds have reported, with their mean as its value;
 * grid and random ignore it. The metric is oriented by the sweep's goal (a loss is negated; seed-mean sweeps
 * and planners with orientedByGoal) before a failed or pruned seed counts as the worst value, so either
 * makes its whole configuration the worst.
 */
export function recordTrialValue(
  spec: SweepSpec,
  state: PlannerState,
  plan: TrialPlan,
  value: number | null,
): void {
  if (!state.groups) return;
  const g = trialGroups(spec).findIndex((p) => p.architecture === plan.architecture && p.arm === plan.arm);
  const proposal = state.groups[g]?.proposals[plan.configIndex];
  const seedIdx = spec.seeds.indexOf(plan.seed);
  if (!proposal || seedIdx < 0) return;
  const orient = (optimisesSeedMean(spec) || state.orientedByGoal === true) && minimises(spec);
  const oriented = value !== null && orient ? -value : value;
  proposal.values[seedIdx] = oriented ?? Number.NEGATIVE_INFINITY;
}

/** The sweep's goal, as the leaderboard reads it: ASHA's mode, else its primary metric val_auc is maximised. */
function minimises(spec: Pick<SweepSpec, 'earlyStopping'>): boolean {
  return spec.earlyStopping.kind === 'asha' && spec.earlyStopping.mode === 'min';
}
