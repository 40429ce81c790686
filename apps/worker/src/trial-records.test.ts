import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredSegmentInput, SegmentOutcome } from '@medsweep/workflows';
import type { TrainFixture } from './test-support/train-fixtures.js';
import { trainFixture, trialInput } from './test-support/train-fixtures.js';
import { registeringTrials } from './trial-records.js';

let fixture: TrainFixture;
beforeAll(async () => {
  fixture = await trainFixture();
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

describe('registeringTrials', () => {
  it("registers a trial once on its first segment, however often that runs, and passes later segments' id on", async () => {
    const seen: RegisteredSegmentInput[] = [];
    const outcome: SegmentOutcome = {
      epochsCompleted: 1,
      rungValue: 0.5,
      stoppedEarly: false,
      checkpointUri: 'x',
    };
    const activities = registeringTrials(fixture.db, {
      trainSegment: async (input) => {
        seen.push(input);
        return outcome;
      },
    });
    const trial = trialInput(fixture, { index: 40 });
    const first = { trial, untilEpoch: 1, evaluate: false };
    // A retried first segment, and two at once (a worker presumed dead and its replacement).
    const results = await Promise.all([first, first, first].map((input) => activities.trainSegment(input)));
    const trialId = results[0]?.trialId as string;
    expect(results).toEqual(results.map(() => ({ ...outcome, trialId })));
    expect(seen.map((s) => s.trialId)).toEqual([trialId, trialId, trialId]);
    const rows = await fixture.db.trial.findMany({ where: { sweepId: fixture.sweepId, index: 40 } });
    expect(rows.map((r) => [r.id, r.status, r.trialKey])).toEqual([[trialId, 'running', trial.trialKey]]);

    // A later segment comes with the id: nothing is registered, the id is passed through.
    await activities.trainSegment({ trial, trialId, untilEpoch: 2, evaluate: true });
    expect(seen.at(-1)).toMatchObject({ trialId, untilEpoch: 2 });
    expect(await fixture.db.trial.count({ where: { sweepId: fixture.sweepId } })).toBe(1);
  }, 60_000);
});
