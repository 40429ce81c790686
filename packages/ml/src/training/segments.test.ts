import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { TrainConfigError } from '../errors.js';
import { LocalDirectoryCheckpointStore } from './checkpoint.js';
import { maxWeightDifference, trainTiny } from './test-support/tiny-run.js';
import type { TrainArgs } from './trainer.js';

let tf: Tf;
let scratch: string;

beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-segments-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const run = (overrides: Partial<TrainArgs> = {}, modelSeed = 5) => trainTiny(tf, overrides, modelSeed);

describe('train in segments (stopAfterEpoch)', () => {
  it('stops at each segment end and, resumed segment by segment, ends as one uninterrupted run', async () => {
    // Cosine over the whole run: a segment must not squeeze the schedule into its own epochs.
    const schedule = { kind: 'cosine' } as const;
    const uninterrupted = await run({ schedule });

    const checkpoints = new LocalDirectoryCheckpointStore(await mkdtemp(join(scratch, 'segments-')));
    const first = await run({ schedule, checkpoints, stopAfterEpoch: 1 });
    expect(first.result.epochsCompleted).toBe(1);
    expect(first.result.history).toEqual(uninterrupted.result.history.slice(0, 1));

    const second = await run({ schedule, checkpoints, stopAfterEpoch: 2 }, 99);
    expect(second.result.resumedAfterEpochs).toBe(1);
    expect(second.result.epochsCompleted).toBe(2);

    const last = await run({ schedule, checkpoints }, 98);
    expect(last.result.resumedAfterEpochs).toBe(2);
    expect(last.result.history).toEqual(uninterrupted.result.history);
    expect(last.result.best).toEqual(uninterrupted.result.best);
    expect(maxWeightDifference(last.weights, uninterrupted.weights)).toBe(0);
  });

  it('rejects a segment end outside 1..epochs', async () => {
    await expect(run({ stopAfterEpoch: 4 })).rejects.toThrow(TrainConfigError);
    await expect(run({ stopAfterEpoch: 0 })).rejects.toThrow(/stopAfterEpoch/);
  });
});
