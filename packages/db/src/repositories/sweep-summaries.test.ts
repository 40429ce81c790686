// sweepSummaries against a real Postgres: a project's sweeps newest first, paged by cursor, each with its
// trials counted by status and its best primary-metric value by the sweep's goal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { sweepSummaries } from './sweep-summaries.js';
import { completeTrial, createSweep, createTrial, type SweepContext } from './test-support/fixtures.js';

const dbs = throwawayDatabases();
let db: Db;
const sweeps: SweepContext[] = [];

beforeAll(async () => {
  db = await dbs.client();
  for (let s = 0; s < 3; s++) {
    const ctx = await createSweep(db, { sweep: `sweep-${s}` });
    sweeps.push(ctx);
    for (let i = 0; i <= s; i++) {
      const trial = await createTrial(db, ctx, { key: `t${i}`, index: i, seed: i });
      if (i > 0) {
        await completeTrial(db, ctx, trial, [
          { split: 'val', name: 'auc', value: 0.5 + i / 10 },
          { split: 'test', name: 'auc', value: 0.5 },
        ]);
      }
    }
  }
  await createSweep(db, { project: 'other', sweep: 'elsewhere' });
});

afterAll(() => dbs.dropAll());

describe('sweepSummaries', () => {
  it("lists one project's sweeps newest first, page by page, with trial counts and best values", async () => {
    const projectId = sweeps[0]!.projectId;
    const first = await sweepSummaries(db, { projectId, limit: 2 });
    expect(first.summaries.map((s) => s.sweep.name)).toEqual(['sweep-2', 'sweep-1']);
    expect(first.summaries[0]).toMatchObject({
      trialCounts: { pending: 1, completed: 2 },
      bestPrimaryMetricValue: 0.7,
    });
    const second = await sweepSummaries(db, { projectId, limit: 2, cursor: first.nextCursor });
    expect(second.summaries.map((s) => s.sweep.name)).toEqual(['sweep-0']);
    expect(second.summaries[0]).toMatchObject({ trialCounts: { pending: 1 }, bestPrimaryMetricValue: null });
    expect(second.nextCursor).toBeNull();
  });

  it('filters by sweep status', async () => {
    await db.sweep.update({ where: { id: sweeps[1]!.sweepId }, data: { status: 'running' } });
    const page = await sweepSummaries(db, { projectId: sweeps[0]!.projectId, statuses: ['running'] });
    expect(page.summaries.map((s) => s.sweep.name)).toEqual(['sweep-1']);
  });
});
