// What workers write and read besides results, against a real Postgres: their roster rows, the database
// round trip of a doctor probe, attempts left open by a lost worker, and trials registered as they start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { finishAttempt, recordAttempt, unfinishedAttempts } from './attempts.js';
import { createSweep, createTrial, completeTrial } from './test-support/fixtures.js';
import { completedTrials, startPendingTrial } from './trials.js';
import { databaseServerVersion, upsertWorker } from './workers.js';

const dbs = throwawayDatabases();
let db: Db;

beforeAll(async () => {
  db = await dbs.client();
});

afterAll(() => dbs.dropAll());

describe('workers', () => {
  it('keeps one row per worker identity, refreshed on every report', async () => {
    const worker = {
      identity: 'train@host#1',
      host: 'host',
      queue: 'train',
      backend: 'tensorflow',
      pid: 1,
      accelerator: 'cpu',
      slots: 1,
      gpuModel: null,
      gpuDriver: null,
    };
    const id = await upsertWorker(db, worker);
    const first = await db.worker.findUniqueOrThrow({ where: { id } });
    expect(await upsertWorker(db, { ...worker, slots: 2 })).toBe(id);
    const refreshed = await db.worker.findUniqueOrThrow({ where: { id } });
    expect(refreshed.slots).toBe(2);
    expect(refreshed.lastSeenAt.getTime()).toBeGreaterThanOrEqual(first.lastSeenAt.getTime());
  });

  it("reads the server's version", async () => {
    expect(await databaseServerVersion(db)).toMatch(/^\d+/);
  });
});

describe('trials and attempts', () => {
  it('finds the attempts a lost worker left open, and starts a pending trial once', async () => {
    const ctx = await createSweep(db);
    const trial = await createTrial(db, ctx, { key: 'k', index: 0, seed: 0 });
    const attempt = (n: number) =>
      recordAttempt(db, {
        trialId: trial.id,
        attempt: n,
        workerIdentity: `train@host#${n}`,
        host: 'host',
        backend: 'tensorflow',
        backendVersion: '2.21.0',
        codeVersion: 'abc',
      });
    for (const n of [1, 2, 3, 5]) await attempt(n);
    await finishAttempt(db, { trialId: trial.id, attempt: 2, outcome: 'failed', error: 'x' });
    expect(await unfinishedAttempts(db, { trialId: trial.id, from: 1, before: 5 })).toEqual([1, 3]);

    // recordAttempt already started it: a running trial is left as it is.
    const running = await db.trial.findUniqueOrThrow({ where: { id: trial.id } });
    await startPendingTrial(db, trial.id, new Date(0));
    expect(await db.trial.findUniqueOrThrow({ where: { id: trial.id } })).toEqual(running);

    const pending = await createTrial(db, ctx, { key: 'p', index: 1, seed: 1 });
    const at = new Date();
    await startPendingTrial(db, pending.id, at);
    expect(await db.trial.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({
      status: 'running',
      startedAt: at,
    });
  });

  it("lists a sweep's completed trials, highest primary metric first", async () => {
    const ctx = await createSweep(db, { sweep: 'ranked' });
    const trials = await Promise.all(
      [0, 1, 2].map((i) => createTrial(db, ctx, { key: `t${i}`, index: i, seed: i })),
    );
    await completeTrial(db, ctx, trials[0]!, [{ split: 'val', name: 'auc', value: 0.6 }]);
    await completeTrial(db, ctx, trials[1]!, [{ split: 'val', name: 'auc', value: 0.9 }]);
    expect((await completedTrials(db, ctx.sweepId)).map((t) => t.id)).toEqual([trials[1]!.id, trials[0]!.id]);
  });
});
