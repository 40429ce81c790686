// search.objective seed-mean: TPE and ASHA compare configurations by their mean over seeds.
import { describe, expect, it } from 'vitest';
import { SweepSpecError } from '../errors.js';
import { Rng } from '../random.js';
import { ashaDecide, decideHeldRungs, holdRungReport } from './asha.js';
import type { HeldRung } from './asha.js';
import { parseSweepSpec } from './parse.js';
import {
  configurationKey,
  createPlanner,
  nextConfiguration,
  nextTrial,
  recordTrialValue,
  totalTrials,
} from './plan.js';
import type { TrialPlan } from './plan.js';
import type { SweepSpecInput } from './spec.js';
import { proposeTpe } from './tpe.js';
import type { TpeObservation } from './tpe.js';

const base: SweepSpecInput = {
  name: 'seed mean',
  dataset: 'breastmnist',
  architectures: ['vgg16', 'squeezenet1_1'],
  arms: ['scratch', 'pretrained:imagenet'],
  search: {
    strategy: 'tpe',
    samples: 4,
    objective: 'seed-mean',
    space: { dropout: { type: 'uniform', min: 0, max: 0.95 } },
  },
  seeds: [0, 1, 2],
  budget: { maxTrials: 1000, maxParallel: 3, maxEpochs: 9 },
};

function problemsOf(input: unknown): string[] {
  try {
    parseSweepSpec(input, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SweepSpecError);
    return (e as SweepSpecError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

/** One configuration's seeds in the leaderboard's sense: one lucky, two poor (mean 0.663). */
const LUCKY = [0.99, 0.5, 0.5];
/** Every seed solid (mean 0.8). */
const SOLID = [0.8, 0.8, 0.8];

describe('search.objective', () => {
  it('defaults to trial, and seed-mean is refused where it cannot average or start whole configurations', () => {
    expect(
      parseSweepSpec({ ...base, search: { ...base.search, objective: undefined } }).search.objective,
    ).toBe('trial');
    expect(parseSweepSpec(base).search.objective).toBe('seed-mean');
    expect(problemsOf({ ...base, seeds: [7] })).toEqual([
      'search.objective: seed-mean averages each configuration over its seeds, but seeds lists one; list at least two seeds, or use objective trial (the same thing with one seed)',
    ]);
    expect(problemsOf({ ...base, budget: { maxTrials: 2, maxParallel: 2, maxEpochs: 9 } })).toEqual([
      'budget.maxParallel: must be >= the number of seeds (3) with search.objective seed-mean, which starts all seeds of a configuration together',
      'budget.maxTrials: must be >= the number of seeds (3) with search.objective seed-mean, which runs all seeds of a configuration together',
    ]);
    expect(problemsOf({ ...base, search: { ...base.search, objective: 'best-seed' } })).toEqual([
      "search.objective: must be 'trial' (each trial on its own) or 'seed-mean' (a configuration's mean over its seeds)",
    ]);
  });
});

describe('seed-mean planning', () => {
  it('hands out whole configurations, their seeds one after another, groups taking turns', () => {
    const spec = parseSweepSpec(base);
    const state = createPlanner(spec);
    const configurations: TrialPlan[][] = [];
    for (let c = nextConfiguration(spec, state); c; c = nextConfiguration(spec, state))
      configurations.push(c);
    // 2 architectures x 2 arms x 4 samples, 3 seeds each.
    expect(configurations).toHaveLength(16);
    for (const [i, trials] of configurations.entries()) {
      expect(trials.map((t) => t.seed)).toEqual([0, 1, 2]);
      expect(trials.map((t) => t.index)).toEqual([3 * i, 3 * i + 1, 3 * i + 2]);
      expect(new Set(trials.map(configurationKey)).size).toBe(1);
      expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(1);
    }
    expect(configurations.slice(0, 4).map((c) => `${c[0]?.architecture} ${c[0]?.arm}`)).toEqual([
      'vgg16 scratch',
      'vgg16 pretrained:imagenet',
      'squeezenet1_1 scratch',
      'squeezenet1_1 pretrained:imagenet',
    ]);
  });

  it('grid and random: the same order as per trial, taken a configuration at a time', () => {
    for (const search of [
      { strategy: 'grid' as const, space: { lr: { type: 'choice' as const, values: [0.01, 0.001] } } },
      {
        strategy: 'random' as const,
        samples: 2,
        space: { lr: { type: 'log-uniform', min: 1e-4, max: 1e-2 } },
      },
    ]) {
      const perTrial = parseSweepSpec({ ...base, search });
      const seedMean = parseSweepSpec({ ...base, search: { ...search, objective: 'seed-mean' } });
      const a = createPlanner(perTrial);
      const b = createPlanner(seedMean);
      const trials: TrialPlan[] = [];
      for (let t = nextTrial(perTrial, a); t; t = nextTrial(perTrial, a)) trials.push(t);
      const configurations: TrialPlan[] = [];
      for (let c = nextConfiguration(seedMean, b); c; c = nextConfiguration(seedMean, b))
        configurations.push(...c);
      expect(configurations).toEqual(trials);
    }
  });

  it('counts the budget in whole configurations', () => {
    const budget = (maxTrials: number) => ({ ...base.budget, maxTrials });
    expect(totalTrials(parseSweepSpec({ ...base, budget: budget(10) }))).toBe(9);
    expect(totalTrials(parseSweepSpec({ ...base, budget: budget(12) }))).toBe(12);
    expect(
      totalTrials(
        parseSweepSpec({ ...base, search: { ...base.search, objective: 'trial' }, budget: budget(10) }),
      ),
    ).toBe(10);
    const spec = parseSweepSpec({ ...base, budget: budget(10) });
    const state = createPlanner(spec);
    expect(nextConfiguration(spec, state)).toHaveLength(3);
    expect(nextConfiguration(spec, state)).toHaveLength(3);
    expect(nextConfiguration(spec, state)).toHaveLength(3);
    expect(nextConfiguration(spec, state)).toBeUndefined();
  });
});

describe('seed-mean TPE', () => {
  // Low dropout is where one seed in three gets lucky; high dropout is solid on every seed.
  const seedValues = (dropout: number) => (dropout < 0.3 ? LUCKY : dropout >= 0.6 ? SOLID : [0.6, 0.6, 0.6]);
  const configurations = [0.05, 0.1, 0.15, 0.2, 0.7, 0.75];

  it('learns from configuration means, where the best single seeds would point to the lucky region', () => {
    const space = { dropout: { type: 'uniform' as const, min: 0, max: 0.95 } };
    const perTrial: TpeObservation[] = configurations.flatMap((dropout) =>
      seedValues(dropout).map((value) => ({ assignment: { dropout }, value })),
    );
    const perConfiguration: TpeObservation[] = configurations.map((dropout) => {
      const values = seedValues(dropout);
      return { assignment: { dropout }, value: values.reduce((a, b) => a + b, 0) / values.length };
    });
    const proposals = (history: TpeObservation[]) =>
      Array.from(
        { length: 20 },
        (_, s) => proposeTpe(space, history, Rng.fromSeed(s), { startupSamples: 4 }).dropout as number,
      );
    const inSolidRegion = (ds: number[]) => ds.filter((d) => d >= 0.6).length;
    expect(inSolidRegion(proposals(perConfiguration))).toBeGreaterThanOrEqual(15);
    expect(inSolidRegion(proposals(perTrial))).toBeLessThanOrEqual(5);
  });

  it('observes a configuration once all its seeds reported, with their mean, and proposes from it', () => {
    const spec = parseSweepSpec({
      ...base,
      architectures: ['vgg16'],
      arms: ['scratch'],
      search: { ...base.search, samples: 30, startupSamples: 8 },
      budget: { ...base.budget, maxTrials: 90 },
    });
    const state = createPlanner(spec);
    const chosen: number[] = [];
    for (let c = nextConfiguration(spec, state); c; c = nextConfiguration(spec, state)) {
      const dropout = c[0]?.params.dropout as number;
      chosen.push(dropout);
      c.forEach((t, s) => recordTrialValue(spec, state, t, seedValues(dropout)[s] as number));
    }
    expect(chosen).toHaveLength(30);
    const proposal = state.groups?.[0]?.proposals[0];
    expect(proposal?.values).toEqual(seedValues(chosen[0] as number));
    // After the random start-up the proposals leave the lucky region for the solid one.
    const solid = (ds: number[]) => ds.filter((d) => d >= 0.6).length / ds.length;
    expect(solid(chosen.slice(15))).toBeGreaterThan(0.7);
    expect(solid(chosen.slice(15))).toBeGreaterThan(2 * solid(chosen.slice(0, 8)));
  });

  it('minimises a loss, and a failed or pruned seed makes its configuration the worst', () => {
    const spec = parseSweepSpec({
      ...base,
      architectures: ['vgg16'],
      arms: ['scratch'],
      earlyStopping: { kind: 'asha', metric: 'val_loss', mode: 'min' },
    });
    const state = createPlanner(spec);
    const first = nextConfiguration(spec, state) ?? [];
    first.forEach((t, s) => recordTrialValue(spec, state, t, 0.2 + s / 10));
    const second = nextConfiguration(spec, state) ?? [];
    second.forEach((t, s) => recordTrialValue(spec, state, t, s === 1 ? null : 0.1));
    const values = state.groups?.[0]?.proposals.map((p) => p.values);
    expect(values).toEqual([
      [-0.2, -0.30000000000000004, -0.4],
      [-0.1, Number.NEGATIVE_INFINITY, -0.1],
    ]);
  });
});

describe('seed-mean ASHA', () => {
  /** Trial keys `<configuration>#<seed>`, every one running. */
  const running = (...configurations: string[]) =>
    new Map(configurations.flatMap((c) => [0, 1, 2].map((s) => [`${c}#${s}`, c] as const)));
  const hold = (held: HeldRung[], configuration: string, values: readonly number[], rung = 0) =>
    values.forEach((value, s) =>
      holdRungReport(held, configuration, rung, {
        trialKey: `${configuration}#${s}`,
        workflowId: `wf-${configuration}#${s}`,
        value,
      }),
    );

  it('prunes a configuration with one lucky seed and a poor mean as a whole, which per trial would keep that seed', () => {
    const held: HeldRung[] = [];
    const means: number[][] = [];
    const live = running('a', 'b');
    hold(held, 'a', [0.75, 0.75, 0.75]);
    const [a] = decideHeldRungs(held, means, live, 'max', 2);
    expect(a).toMatchObject({ configuration: 'a', rung: 0, continue: true });
    hold(held, 'b', LUCKY);
    const [b] = decideHeldRungs(held, means, live, 'max', 2);
    expect(b?.mean).toBeCloseTo(0.6633, 4);
    expect(b).toMatchObject({ configuration: 'b', continue: false, cutoff: 0.75 });
    expect(b?.reports.map((r) => r.workflowId)).toEqual(['wf-b#0', 'wf-b#1', 'wf-b#2']);
    expect(held).toEqual([]);
    expect(means).toEqual([[0.75, b?.mean]]);

    // The same arrivals ranked trial by trial: b's lucky seed goes on, its siblings stop.
    const seen: number[] = [];
    const perTrial = [...[0.75, 0.75, 0.75], ...LUCKY].map((value) => {
      const decision = ashaDecide(seen, value, 'max', 2);
      seen.push(value);
      return decision.continue;
    });
    expect(perTrial.slice(3)).toEqual([true, false, false]);
  });

  it('decides once every running seed reported, leaving out a seed that ended before the rung', () => {
    const held: HeldRung[] = [];
    const means: number[][] = [];
    hold(held, 'a', [0.6, 0.7]);
    expect(decideHeldRungs(held, means, running('a'), 'max', 3)).toEqual([]);
    expect(held).toHaveLength(1);
    // Seed 2 failed: it is no longer running, and a is decided on the two seeds that reported.
    const live = new Map([...running('a')].filter(([key]) => key !== 'a#2'));
    const [a] = decideHeldRungs(held, means, live, 'max', 3);
    expect(a?.mean).toBeCloseTo(0.65, 10);
    expect(a?.reports).toHaveLength(2);
    expect(held).toEqual([]);
  });

  it('decides in the order rungs were first reported, by mode, and drops rungs nobody waits at', () => {
    const held: HeldRung[] = [];
    const means: number[][] = [[0.25, 0.75]];
    hold(held, 'late', [0.25, 0.5, 0.75]);
    hold(held, 'gone', [0.1, 0.1, 0.1]);
    hold(held, 'next-rung', [0.25, 0.25, 0.25], 1);
    const decisions = decideHeldRungs(held, means, running('late', 'next-rung'), 'min', 3);
    expect(decisions.map((d) => [d.configuration, d.rung, d.continue])).toEqual([
      ['late', 0, false],
      ['next-rung', 1, true],
    ]);
    expect(means).toEqual([[0.25, 0.75, 0.5], [0.25]]);
    expect(held).toEqual([]);
  });

  it('ignores a repeated report', () => {
    const held: HeldRung[] = [];
    hold(held, 'a', [0.5]);
    hold(held, 'a', [0.9]);
    expect(held).toEqual([
      { configuration: 'a', rung: 0, reports: [{ trialKey: 'a#0', workflowId: 'wf-a#0', value: 0.5 }] },
    ]);
  });
});

describe('per-trial TPE on a loss', () => {
  const lossSpec = parseSweepSpec({
    ...base,
    architectures: ['vgg16'],
    arms: ['scratch'],
    search: { ...base.search, objective: 'trial', startupSamples: 2 },
    seeds: [0],
    earlyStopping: { kind: 'asha', metric: 'val_loss', mode: 'min', gracePeriod: 1, reductionFactor: 3 },
  });

  /** The losses recorded for the group's proposals, as TPE will read them. */
  function recordedValues(orientByGoal: boolean): number[] {
    const state = createPlanner(lossSpec, { orientByGoal });
    for (const loss of [0.3, 0.9]) {
      const plan = nextTrial(lossSpec, state) as TrialPlan;
      recordTrialValue(lossSpec, state, plan, loss);
    }
    return (state.groups?.[0]?.proposals ?? []).flatMap((p) => p.values as number[]);
  }

  it('learns from negated losses once oriented by the goal, so the smaller loss is the better result', () => {
    expect(recordedValues(true)).toEqual([-0.3, -0.9]);
  });

  it('keeps the raw losses for planners of sweeps started before the orientation (replayed as they ran)', () => {
    expect(recordedValues(false)).toEqual([0.3, 0.9]);
  });
});
