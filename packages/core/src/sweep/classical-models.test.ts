// Classical baselines in a sweep spec: listed next to the CNNs, trained from scratch only (pretrained arms
// skip them), never given a width or dropout they do not have.
import { describe, expect, it } from 'vitest';
import { SweepSpecError } from '../errors.js';
import { parseSweepSpec, parseSweepSpecText } from './parse.js';
import { createPlanner, nextTrial, totalTrials, trialGroups } from './plan.js';
import type { SweepSpecInput } from './spec.js';
import { ARCHITECTURE_NAMES, isClassicalModel, modelFor } from './spec.js';

const table1: SweepSpecInput = {
  name: 'table 1',
  dataset: 'breastmnist',
  architectures: ['vgg16', 'logistic-regression', 'hog-linear-svm'],
  model: { inputSize: 32, widthMultiplier: 0.25 },
  arms: ['scratch'],
  search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.001] } } },
  seeds: [0],
  budget: { maxTrials: 10, maxEpochs: 5 },
};

function problemsOf(input: SweepSpecInput): string[] {
  try {
    parseSweepSpec(input, 'table1.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(SweepSpecError);
    return (error as SweepSpecError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('classical models in a sweep spec', () => {
  it('are architectures a sweep lists and plans next to the CNNs, at width 1', () => {
    expect(ARCHITECTURE_NAMES).toContain('logistic-regression');
    expect(ARCHITECTURE_NAMES).toContain('hog-linear-svm');
    expect(isClassicalModel('hog-linear-svm')).toBe(true);
    expect(isClassicalModel('vgg16')).toBe(false);

    const spec = parseSweepSpec(table1);
    const state = createPlanner(spec);
    const planned = [nextTrial(spec, state), nextTrial(spec, state), nextTrial(spec, state)];
    expect(planned.map((p) => [p?.architecture, p?.arm])).toEqual([
      ['vgg16', 'scratch'],
      ['logistic-regression', 'scratch'],
      ['hog-linear-svm', 'scratch'],
    ]);
    // The sweep's width narrows the CNNs only.
    expect(modelFor(spec, 'vgg16')).toEqual({ inputSize: 32, widthMultiplier: 0.25 });
    expect(modelFor(spec, 'logistic-regression')).toEqual({ inputSize: 32, widthMultiplier: 1 });
  });

  it('skips pretrained arms for classical models, so one sweep holds the whole comparison table', () => {
    const spec = parseSweepSpec({ ...table1, arms: ['scratch', 'pretrained:imagenet'], seeds: [0, 1] });
    // vgg16 x 2 arms + 2 classical x scratch = 4 groups, x 2 seeds.
    expect(trialGroups(spec)).toEqual([
      { architecture: 'vgg16', arm: 'scratch' },
      { architecture: 'vgg16', arm: 'pretrained:imagenet' },
      { architecture: 'logistic-regression', arm: 'scratch' },
      { architecture: 'hog-linear-svm', arm: 'scratch' },
    ]);
    expect(totalTrials(spec)).toBe(8);
    const state = createPlanner(spec);
    const planned = Array.from({ length: 8 }, () => nextTrial(spec, state));
    expect(planned.map((p) => `${p?.architecture}/${p?.arm}/${p?.seed}`)).toEqual([
      'vgg16/scratch/0',
      'vgg16/scratch/1',
      'vgg16/pretrained:imagenet/0',
      'vgg16/pretrained:imagenet/1',
      'logistic-regression/scratch/0',
      'logistic-regression/scratch/1',
      'hog-linear-svm/scratch/0',
      'hog-linear-svm/scratch/1',
    ]);
    expect(nextTrial(spec, state)).toBeUndefined();
  });

  it('refuses a sweep that would give a classical model no arm to train, naming arms and the fix', () => {
    expect(
      problemsOf({
        ...table1,
        architectures: ['vgg16', 'logistic-regression'],
        arms: ['pretrained:imagenet'],
      }),
    ).toEqual([
      'arms: logistic-regression accepts only the scratch arm (there are no pretrained weights for classical models); add scratch to arms',
    ]);
    // CNNs alone may run pretrained arms only.
    expect(problemsOf({ ...table1, architectures: ['vgg16'], arms: ['pretrained:imagenet'] })).toEqual([]);
  });

  it('refuses a width override or a dropout search for a classical model, with the line in the file', () => {
    expect(
      problemsOf({
        ...table1,
        model: { widthOverrides: { vgg16: 0.5, 'hog-linear-svm': 0.5 } },
        search: { strategy: 'grid', space: { dropout: { type: 'choice', values: [0, 0.5] } } },
      }),
    ).toEqual([
      'search.space.dropout: logistic-regression and hog-linear-svm have no dropout; search dropout in a sweep of CNN architectures only',
      'model.widthOverrides.hog-linear-svm: hog-linear-svm has no width to scale; widthOverrides apply to the CNN architectures (vgg16, resnet50, densenet121, efficientnetb0, squeezenet1_1)',
    ]);
    const text = [
      'name: baseline',
      'dataset: breastmnist',
      'architectures: [logistic-regression]',
      'model:',
      '  widthOverrides:',
      '    logistic-regression: 0.5',
      'arms: [scratch]',
      'search: { strategy: grid, space: { lr: { type: choice, values: [0.001] } } }',
      'seeds: [0]',
      'budget: { maxTrials: 1, maxEpochs: 1 }',
    ].join('\n');
    expect(() => parseSweepSpecText(text, 'baseline.yaml')).toThrow(
      /line 6: model\.widthOverrides\.logistic-regression: logistic-regression has no width to scale/,
    );
  });
});
