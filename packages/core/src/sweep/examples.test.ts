// Every example spec in examples/ parses with the same parser the CLI, API and workflows use, and the
// paper-table example plans every row of the table within its budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@medsweep/config';
import { describe, expect, it } from 'vitest';
import { parseSweepSpecText } from './parse.js';
import { totalTrials, trialGroups } from './plan.js';
import { isClassicalModel, modelFor } from './spec.js';

const EXAMPLES = join(repoRoot(), 'examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
const parse = (file: string) => parseSweepSpecText(readFileSync(join(EXAMPLES, file), 'utf8'), file);

describe('examples/*.yaml', () => {
  it('finds the examples', () => {
    expect(files).toContain('table1-breastmnist.yaml');
  });

  it.each(files)('%s is a valid sweep spec', (file) => {
    expect(() => parse(file)).not.toThrow();
  });

  it('table1-breastmnist.yaml runs every row of the paper table: classical baselines scratch only', () => {
    const spec = parse('table1-breastmnist.yaml');
    expect(trialGroups(spec).map((g) => `${g.architecture} ${g.arm}`)).toEqual([
      'logistic-regression scratch',
      'hog-linear-svm scratch',
      'vgg16 scratch',
      'vgg16 pretrained:pneumonia',
      'resnet50 scratch',
      'resnet50 pretrained:pneumonia',
      'densenet121 scratch',
      'densenet121 pretrained:pneumonia',
      'efficientnetb0 scratch',
      'efficientnetb0 pretrained:pneumonia',
    ]);
    // The budget cuts nothing: every group runs every seed.
    expect(totalTrials(spec)).toBe(trialGroups(spec).length * spec.seeds.length);
    expect(spec.seeds).toHaveLength(2);
  });

  it('table1-breastmnist.yaml builds each CNN in the shape its pneumonia/<architecture> weights have', () => {
    const table1 = parse('table1-breastmnist.yaml');
    const pretraining = parse('pneumonia-pretrain.yaml');
    const cnns = table1.architectures.filter((a) => !isClassicalModel(a));
    expect(pretraining.architectures).toEqual(expect.arrayContaining(cnns));
    for (const cnn of cnns) expect(modelFor(table1, cnn)).toEqual(modelFor(pretraining, cnn));
    expect(table1.project).toBe(pretraining.project);
  });
});
