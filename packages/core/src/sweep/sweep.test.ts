import { describe, expect, it } from 'vitest';
import { SweepSpecError } from '../errors.js';
import { Rng } from '../random.js';
import { ashaDecide, ashaRungs } from './asha.js';
import { parseSweepSpec, parseSweepSpecText, SPEC_TEXT_MAX_CHARS } from './parse.js';
import { createPlanner, nextTrial, recordTrialValue, totalTrials } from './plan.js';
import type { TrialPlan } from './plan.js';
import { gridSize } from './space.js';
import type { SweepSpecInput } from './spec.js';
import { datasetOfSpec } from './spec.js';
import { proposeTpe } from './tpe.js';

const base: SweepSpecInput = {
  name: 'demo',
  dataset: 'breastmnist',
  architectures: ['vgg16', 'squeezenet1_1'],
  arms: ['scratch', 'pretrained:imagenet'],
  search: {
    strategy: 'grid',
    space: { lr: { type: 'choice', values: [0.001, 0.0001] }, batchSize: { type: 'choice', values: [32] } },
  },
  seeds: [0, 1],
  budget: { maxTrials: 1000, maxParallel: 4, maxEpochs: 9 },
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

describe('sweep spec validation', () => {
  it('accepts a valid spec and fills defaults', () => {
    const spec = parseSweepSpec(base);
    expect(spec.project).toBe('default');
    expect(spec.model).toEqual({ inputSize: 64, widthMultiplier: 1, widthOverrides: {} });
    expect(spec.earlyStopping).toEqual({ kind: 'none' });
    expect(spec.resources).toEqual({ queue: 'train', gpus: 0 });
  });

  it('takes the dataset as a name or as { name, allowLeakage }, keeping the form it was written in', () => {
    const named = parseSweepSpec(base);
    expect(named.dataset).toBe(base.dataset);
    expect(datasetOfSpec(named)).toEqual({ name: base.dataset });
    const acknowledged = parseSweepSpec({
      ...base,
      dataset: { name: 'chest', allowLeakage: '  pilot study; duplicates are re-crops  ' },
    });
    expect(acknowledged.dataset).toEqual({
      name: 'chest',
      allowLeakage: 'pilot study; duplicates are re-crops',
    });
    expect(datasetOfSpec(acknowledged)).toEqual(acknowledged.dataset);
    expect(datasetOfSpec(parseSweepSpec({ ...base, dataset: { name: 'chest' } }))).toEqual({ name: 'chest' });
  });

  it('routes by resources: a named queue wins, else a GPU sends the trial to train-gpu', () => {
    expect(parseSweepSpec({ ...base, resources: { gpus: 1 } }).resources).toEqual({
      queue: 'train-gpu',
      gpus: 1,
    });
    expect(parseSweepSpec({ ...base, resources: { gpus: 0 } }).resources).toEqual({
      queue: 'train',
      gpus: 0,
    });
    expect(parseSweepSpec({ ...base, resources: { queue: 'train-a100-80gb', gpus: 1 } }).resources).toEqual({
      queue: 'train-a100-80gb',
      gpus: 1,
    });
    expect(problemsOf({ ...base, resources: { queue: 'train-cpu', gpus: 1 } })).toEqual([
      'resources.queue: train-cpu is served by CPU workers only, but gpus is 1; name a GPU queue (e.g. train-gpu) or leave queue out',
    ]);
    expect(problemsOf({ ...base, resources: { queue: 'gpu', gpus: 1 } })).toEqual([
      "resources.queue: must be 'train' or 'train-<kind>', e.g. train-gpu",
    ]);
    expect(problemsOf({ ...base, resources: { gpus: 2 } })).toEqual([
      'resources.gpus: must be 0 or 1: a trial trains on one device; run one worker per GPU',
    ]);
  });

  it('names the exact path of each problem', () => {
    expect(problemsOf({ ...base, architectures: ['vgg16', 'alexnet'] })).toEqual([
      'architectures[1]: must be one of vgg16, resnet50, densenet121, efficientnetb0, squeezenet1_1, logistic-regression, hog-linear-svm',
    ]);
    expect(
      problemsOf({
        ...base,
        search: {
          strategy: 'random',
          samples: 2,
          space: { lr: { type: 'log-uniform', min: 0.1, max: 0.01 } },
        },
      }),
    ).toEqual(['search.space.lr.max: must be > min (0.1)']);
    expect(problemsOf({ ...base, search: { strategy: 'grid', space: {} } })).toEqual([
      'search.space: must define at least one hyperparameter (e.g. lr)',
    ]);
    expect(
      problemsOf({
        ...base,
        search: { strategy: 'grid', space: { learningRate: { type: 'choice', values: [1] } } },
      })[0],
    ).toMatch(/^search\.space\.learningRate: unknown hyperparameter; accepted: lr, batchSize/);
    expect(problemsOf({ ...base, dataset: 'Breast MNIST!' })).toEqual([
      'dataset: must be a dataset name or sha256:<manifest hash>',
    ]);
    expect(problemsOf({ ...base, dataset: { name: 'chest', allowLeakage: ' ' } })).toEqual([
      'dataset.allowLeakage: must give a reason',
    ]);
    expect(problemsOf({ ...base, dataset: { name: 'chest', allowleakage: 'why' } })[0]).toMatch(
      /^dataset: .*allowleakage/,
    );
    expect(problemsOf({ ...base, arms: ['scratch', 'imagenet'] })[0]).toMatch(
      /^arms\[1\]: must be 'scratch' or 'pretrained:<weights ref>\[,<fallback ref>\.\.\.\]'/,
    );
  });

  it('checks values against what each hyperparameter accepts', () => {
    expect(
      problemsOf({
        ...base,
        search: {
          strategy: 'grid',
          space: {
            batchSize: { type: 'choice', values: [32, 0.5] },
            optimizer: { type: 'choice', values: ['adam', 'rmsprop'] },
          },
        },
      }),
    ).toEqual([
      'search.space.batchSize.values[1]: must be a whole number',
      'search.space.optimizer.values[1]: must be one of adam, sgd',
    ]);
    expect(
      problemsOf({
        ...base,
        search: { strategy: 'grid', space: { lr: { type: 'uniform', min: 0.001, max: 0.01 } } },
      }),
    ).toEqual(['search.space.lr.type: grid search needs choice or int parameters, got uniform']);
  });

  it('reports YAML problems with line numbers', () => {
    const yaml = [
      'name: demo',
      'dataset: breastmnist',
      'architectures: [vgg16]',
      'arms: [scratch]',
      'search:',
      '  strategy: random',
      '  samples: 2',
      '  space:',
      '    lr: {type: uniform, min: 1, max: 0.5}',
      'seeds: [0]',
      'budget: {maxTrials: 4, maxEpochs: 2}',
    ].join('\n');
    expect(() => parseSweepSpecText(yaml, 'demo.yaml')).toThrow(
      'invalid sweep spec demo.yaml:\n  line 9: search.space.lr.max: must be > min (1)',
    );
    expect(() => parseSweepSpecText('name: [unclosed', 'bad.yaml')).toThrow(
      /invalid sweep spec bad\.yaml:\n {2}line 1: \(syntax\):/,
    );
  });

  it('refuses hostile or malformed YAML with a SweepSpecError, never another error', () => {
    // Billion laughs: nine anchors, each a list of nine aliases of the one before (9^9 strings).
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [name, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      laughs.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const cases: [string, string, RegExp][] = [
      ['billion laughs', laughs.join('\n'), /\(syntax\): too many aliases \(at most 50\)/],
      ['an alias before its anchor', 'name: *nope', /\(syntax\): .*alias/i],
      ['a merge of an unknown anchor', '<<: *x', /\(syntax\): .*alias/i],
      ['nesting deeper than the parser goes', '['.repeat(100_000), /\(syntax\): /],
      [
        'text longer than any spec',
        `name: ${'x'.repeat(SPEC_TEXT_MAX_CHARS)}`,
        /\(text\): must be at most 262144 characters/,
      ],
    ];
    for (const [what, text, message] of cases) {
      let error: unknown;
      try {
        parseSweepSpecText(text, 'hostile.yaml');
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(SweepSpecError);
      expect((error as SweepSpecError).message, what).toMatch(message);
    }
  });
});

describe('trial planning', () => {
  const drain = (input: SweepSpecInput, score?: (p: TrialPlan) => number) => {
    const spec = parseSweepSpec(input);
    const state = createPlanner(spec);
    const plans: TrialPlan[] = [];
    for (let p = nextTrial(spec, state); p; p = nextTrial(spec, state)) {
      plans.push(p);
      if (score) recordTrialValue(spec, state, p, score(p));
    }
    return { spec, plans };
  };

  it('grid: every configuration x architecture x arm x seed, once, in a fixed order', () => {
    const { spec, plans } = drain(base);
    expect(gridSize(spec.search.space)).toBe(2);
    expect(plans).toHaveLength(2 * 2 * 2 * 2);
    expect(new Set(plans.map((p) => JSON.stringify([p.params, p.architecture, p.arm, p.seed]))).size).toBe(
      16,
    );
    expect(plans.slice(0, 4).map((p) => [p.architecture, p.arm, p.seed])).toEqual([
      ['vgg16', 'scratch', 0],
      ['vgg16', 'scratch', 1],
      ['vgg16', 'pretrained:imagenet', 0],
      ['vgg16', 'pretrained:imagenet', 1],
    ]);
    expect(totalTrials(parseSweepSpec({ ...base, budget: { ...base.budget, maxTrials: 5 } }))).toBe(5);
  });

  it('random: reproducible from the sampler seed, different for another seed, within bounds', () => {
    const random: SweepSpecInput = {
      ...base,
      search: {
        strategy: 'random',
        samples: 3,
        space: {
          lr: { type: 'log-uniform', min: 1e-4, max: 1e-2 },
          batchSize: { type: 'int', min: 16, max: 64, step: 16 },
        },
      },
    };
    const a = drain(random).plans;
    const b = drain(random).plans;
    const c = drain({ ...random, search: { ...random.search, seed: 7 } }).plans;
    expect(a).toEqual(b);
    expect(a.map((p) => p.params)).not.toEqual(c.map((p) => p.params));
    for (const p of a) {
      expect(p.params.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(p.params.lr as number).toBeLessThanOrEqual(1e-2);
      expect([16, 32, 48, 64]).toContain(p.params.batchSize);
    }
    // Repeats of one configuration share its parameters across seeds.
    expect(a[0]?.params).toEqual(a[1]?.params);
  });

  it('TPE: launches every seed of a proposal and, fed results, moves toward the better region', () => {
    const tpe: SweepSpecInput = {
      ...base,
      architectures: ['vgg16'],
      arms: ['scratch'],
      seeds: [0],
      search: {
        strategy: 'tpe',
        samples: 40,
        startupSamples: 8,
        space: { dropout: { type: 'uniform', min: 0, max: 0.95 } },
      },
      budget: { ...base.budget, maxTrials: 40 },
    };
    // Objective peaks at dropout = 0.8.
    const { plans } = drain(tpe, (p) => -Math.abs((p.params.dropout as number) - 0.8));
    expect(plans).toHaveLength(40);
    const dist = (ps: TrialPlan[]) =>
      ps.reduce((s, p) => s + Math.abs((p.params.dropout as number) - 0.8), 0) / ps.length;
    expect(dist(plans.slice(30))).toBeLessThan(dist(plans.slice(0, 8)) / 2);
    expect(drain(tpe, (p) => -Math.abs((p.params.dropout as number) - 0.8)).plans).toEqual(plans);
  });

  it('TPE proposals are a pure function of history and stream', () => {
    const space = {
      lr: { type: 'log-uniform' as const, min: 1e-4, max: 1e-1 },
      optimizer: { type: 'choice' as const, values: ['adam', 'sgd'] },
    };
    const history = Array.from({ length: 10 }, (_, i) => ({
      assignment: { lr: 10 ** (-4 + i * 0.3), optimizer: i % 2 ? 'adam' : 'sgd' },
      value: i % 2,
    }));
    const a = proposeTpe(space, history, Rng.fromSeed(3), { startupSamples: 4 });
    expect(proposeTpe(space, history, Rng.fromSeed(3), { startupSamples: 4 })).toEqual(a);
    expect(a.optimizer).toBe('adam');
  });
});

describe('ASHA', () => {
  it('places rungs at grace x eta^k below max epochs', () => {
    expect(ashaRungs(1, 3, 27)).toEqual([1, 3, 9]);
    expect(ashaRungs(2, 2, 9)).toEqual([2, 4, 8]);
  });

  it('keeps the top 1/eta of a rung and lets early arrivals through', () => {
    expect(ashaDecide([], 0.1, 'max', 3)).toEqual({ continue: true });
    expect(ashaDecide([0.9, 0.8], 0.5, 'max', 3)).toEqual({ continue: false, cutoff: 0.9 });
    expect(ashaDecide([0.9, 0.8], 0.95, 'max', 3)).toEqual({ continue: true, cutoff: 0.95 });
    expect(ashaDecide([0.2, 0.3, 0.4, 0.5, 0.6], 0.25, 'min', 3)).toEqual({ continue: true, cutoff: 0.25 });
  });
});
