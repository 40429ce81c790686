import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import type { Tf } from '../backend.js';
import type { ModelInputSpec } from '../data/preprocess.js';
import { withModel } from '../models/test-support/with-model.js';
import { initializeWeights } from '../training/initialize-weights.js';
import { loadKerasWeights } from './load-keras-weights.js';
import { readKerasWeightsInput, saveKerasWeights } from './save-keras-weights.js';
import { buildMiniModel } from './test-support/mini-model.js';

let tf: Tf;
let scratch: string;
beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-save-weights-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const INPUT: ModelInputSpec = { height: 16, width: 16, channels: 3, preprocessing: 'raw' };

describe('saveKerasWeights', () => {
  it('writes a file loadKerasWeights reads back into a fresh model, value for value', async () => {
    const path = join(scratch, 'mini.h5');
    const saved = await withModel(tf, buildMiniModel, async (model) => {
      initializeWeights(tf, model, 7);
      await saveKerasWeights(model, path, { input: INPUT });
      return model.weights.map((w) => Array.from(w.read().dataSync()));
    });
    await withModel(tf, buildMiniModel, async (model) => {
      initializeWeights(tf, model, 8);
      const report = await loadKerasWeights(model, path);
      expect(report.format).toBe('keras-h5');
      // SqueezeNet-style names with a slash survive as nested groups.
      expect(report.loadedLayers).toContain('fire2/squeeze1x1');
      expect(report.unusedFileLayers).toEqual([]);
      expect(model.weights.map((w) => Array.from(w.read().dataSync()))).toEqual(saved);
    });
  });

  it('gives equal bytes for equal weights, whenever it runs', async () => {
    const first = join(scratch, 'first.h5');
    const second = join(scratch, 'second.h5');
    await withModel(tf, buildMiniModel, async (model) => {
      initializeWeights(tf, model, 3);
      await saveKerasWeights(model, first);
      // HDF5 timestamps have one-second resolution: make sure the clock moved on.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await saveKerasWeights(model, second);
    });
    expect(await sha256(second)).toBe(await sha256(first));
    expect(Date.now()).toBeGreaterThan(1_700_000_000_000);
  });

  it('records the input spec for readKerasWeightsInput; files without one read as undefined', async () => {
    const withInput = join(scratch, 'with-input.h5');
    const without = join(scratch, 'without-input.h5');
    await withModel(tf, buildMiniModel, async (model) => {
      await saveKerasWeights(model, withInput, { input: INPUT });
      await saveKerasWeights(model, without);
    });
    expect(await readKerasWeightsInput(withInput)).toEqual(INPUT);
    expect(await readKerasWeightsInput(without)).toBeUndefined();
  });
});
