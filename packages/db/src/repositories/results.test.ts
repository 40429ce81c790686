// The write path workers use, against a real Postgres: every write is idempotent under retries and
// concurrency, and results are immutable.
import { sha256Hex } from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../client.js';
import {
  ArtifactConflictError,
  AttemptConflictError,
  AttemptNotFoundError,
  InvalidRecordError,
  LineageMismatchError,
  ResultAlreadyRecordedError,
  TrialConflictError,
  TrialNotFoundError,
} from '../errors.js';
import { applyMigrations } from '../migrate.js';
import { throwawayDatabases, withClient } from '../test-support/databases.js';
import { finishAttempt, recordAttempt } from './attempts.js';
import { ingestEpochMetrics, INGEST_CHUNK_ROWS, type EpochMetricRow } from './epoch-metrics.js';
import { recordFinalResult } from './final-result.js';
import {
  artifactBytes,
  completeTrial,
  createSweep,
  createTrial,
  lineageOf,
  type SweepContext,
} from './test-support/fixtures.js';
import { upsertTrial } from './trials.js';

const dbs = throwawayDatabases();
let url: string;
let db: Db;
let ctx: SweepContext;

beforeAll(async () => {
  url = dbs.next();
  await applyMigrations(url);
  db = createPrismaClient(url);
  ctx = await createSweep(db);
});

afterAll(async () => {
  await db?.$disconnect();
  await dbs.dropAll();
});

const count = async (table: string) =>
  withClient(url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));

describe('upsertTrial', () => {
  const input = () => ({
    sweepId: ctx.sweepId,
    trialKey: 'upsert-0',
    index: 100,
    datasetId: ctx.datasetId,
    architecture: 'resnet50',
    initialisation: 'imagenet',
    transferMode: 'full',
    config: { lr: 0.001, batchSize: 64 },
    seed: 7,
  });

  it('creates once; retries, even concurrent ones, return the same row', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => upsertTrial(db, input())));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.trial.id)).size).toBe(1);
    const { trial } = results[0]!;
    expect(trial.config).toEqual({ lr: 0.001, batchSize: 64, seed: 7 });
    expect(trial.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(trial.groupKey).not.toBe(trial.configHash);
    expect(await db.trial.count({ where: { trialKey: 'upsert-0' } })).toBe(1);
  });

  it('creates a trial its workflow starts as running in the same statement; a retry keeps the start', async () => {
    const startedAt = new Date('2026-01-02T03:04:05Z');
    const started = { ...input(), trialKey: 'upsert-running', index: 102, startedAt };
    const first = await upsertTrial(db, started);
    expect(first).toMatchObject({ created: true, trial: { status: 'running', startedAt } });
    const retry = await upsertTrial(db, { ...started, startedAt: new Date() });
    expect(retry).toMatchObject({ created: false, trial: { id: first.trial.id, startedAt } });
    expect((await upsertTrial(db, { ...input(), trialKey: 'upsert-pending', index: 103 })).trial.status).toBe(
      'pending',
    );
  });

  it('puts repeats of a configuration in one group, whatever their seed', async () => {
    const { trial: other } = await upsertTrial(db, { ...input(), trialKey: 'upsert-1', index: 101, seed: 8 });
    const { trial: first } = await upsertTrial(db, input());
    expect(other.groupKey).toBe(first.groupKey);
    expect(other.configHash).not.toBe(first.configHash);
  });

  it('refuses a key reused for another trial, or an index taken by another key', async () => {
    await expect(upsertTrial(db, { ...input(), config: { lr: 0.01, batchSize: 64 } })).rejects.toThrow(
      TrialConflictError,
    );
    await expect(upsertTrial(db, { ...input(), seed: 9 })).rejects.toMatchObject({ field: 'seed' });
    await expect(upsertTrial(db, { ...input(), trialKey: 'upsert-9' })).rejects.toThrow(
      /trial upsert-9 conflicts with the stored trial on index 100: stored "trial upsert-0"/,
    );
    await expect(upsertTrial(db, { ...input(), config: { seed: 3 } })).rejects.toThrow(InvalidRecordError);
  });
});

describe('recordAttempt and finishAttempt', () => {
  const worker = {
    attempt: 1,
    workerIdentity: 'train@gpu-1#42',
    host: 'gpu-1',
    backend: 'tensorflow',
    backendVersion: '2.21.0',
    codeVersion: 'v0.1.0-3-gabcdef',
  };

  it('records an attempt once, starts the trial, and audits it once', async () => {
    const trial = await createTrial(db, ctx, { key: 'attempt-0', index: 200, seed: 1 });
    const [first, retry] = await Promise.all([
      recordAttempt(db, { trialId: trial.id, ...worker }),
      recordAttempt(db, { trialId: trial.id, ...worker }),
    ]);
    expect([first.created, retry.created].sort()).toEqual([false, true]);
    expect(retry.attempt.id).toBe(first.attempt.id);
    expect(await db.trial.findUniqueOrThrow({ where: { id: trial.id } })).toMatchObject({
      status: 'running',
    });
    const events = await db.auditEvent.findMany({ where: { subjectId: trial.id } });
    expect(events.map((e) => e.action)).toEqual(['trial.attempt.start']);
    expect(events[0]!.payload).toMatchObject({ attempt: 1, workerIdentity: 'train@gpu-1#42' });

    await expect(
      recordAttempt(db, { trialId: trial.id, ...worker, workerIdentity: 'train@gpu-2#7' }),
    ).rejects.toThrow(AttemptConflictError);
    const second = await recordAttempt(db, { trialId: trial.id, ...worker, attempt: 2, host: 'gpu-2' });
    expect(second.created).toBe(true);
  });

  it('finishes an attempt once; the same end again is a no-op, another outcome is refused', async () => {
    const trial = await createTrial(db, ctx, { key: 'attempt-1', index: 201, seed: 1 });
    await recordAttempt(db, { trialId: trial.id, ...worker });
    const end = { trialId: trial.id, attempt: 1, outcome: 'failed' as const, error: 'worker lost' };
    expect((await finishAttempt(db, end)).recorded).toBe(true);
    const again = await finishAttempt(db, end);
    expect(again).toMatchObject({ recorded: false, attempt: { outcome: 'failed', error: 'worker lost' } });
    await expect(finishAttempt(db, { ...end, outcome: 'completed' })).rejects.toThrow(AttemptConflictError);
    await expect(finishAttempt(db, { ...end, attempt: 5 })).rejects.toThrow(AttemptNotFoundError);
    const actions = (
      await db.auditEvent.findMany({ where: { subjectId: trial.id }, orderBy: { seq: 'asc' } })
    ).map((e) => e.action);
    expect(actions).toEqual(['trial.attempt.start', 'trial.attempt.end']);
  });

  it('refuses an attempt of an unknown trial', async () => {
    await expect(
      recordAttempt(db, { trialId: '00000000-0000-7000-8000-000000000000', ...worker }),
    ).rejects.toThrow(TrialNotFoundError);
  });
});

describe('ingestEpochMetrics', () => {
  function curves(trialIds: readonly string[], epochs: number): EpochMetricRow[] {
    return trialIds.flatMap((trialId) =>
      Array.from({ length: epochs }, (_, epoch) =>
        (['train', 'val'] as const).flatMap((split) => [
          { trialId, epoch, split, name: 'loss', value: 1 / (epoch + 1) },
          { trialId, epoch, split, name: 'auc', value: 0.5 + epoch / 100 },
        ]),
      ).flat(),
    );
  }

  it('writes every row once; re-sending, even concurrently, writes nothing more', async () => {
    const trials = await Promise.all(
      [0, 1, 2].map((i) => createTrial(db, ctx, { key: `ingest-${i}`, index: 300 + i, seed: i })),
    );
    const rows = curves(
      trials.map((t) => t.id),
      30,
    );
    expect(await ingestEpochMetrics(db, rows)).toEqual({ rows: 360, inserted: 360, skipped: 0 });
    expect(await ingestEpochMetrics(db, rows)).toEqual({ rows: 360, inserted: 0, skipped: 360 });
    // A retry overlapping new epochs writes only the new rows; the first value written is kept.
    const next = curves([trials[0]!.id], 31).map((r) => ({ ...r, value: r.value + 1 }));
    expect(await ingestEpochMetrics(db, next)).toMatchObject({ inserted: 4, skipped: 120 });
    const stored = await db.epochMetric.findUniqueOrThrow({
      where: { trialId_epoch_split_name: { trialId: trials[0]!.id, epoch: 0, split: 'val', name: 'auc' } },
    });
    expect(stored.value).toBe(0.5);

    const fresh = await createTrial(db, ctx, { key: 'ingest-3', index: 303, seed: 3 });
    const concurrent = await Promise.all([1, 2, 3].map(() => ingestEpochMetrics(db, curves([fresh.id], 20))));
    expect(concurrent.reduce((sum, r) => sum + r.inserted, 0)).toBe(80);
    expect(await db.epochMetric.count({ where: { trialId: fresh.id } })).toBe(80);
  });

  it('spans several statements for large inputs, and a repeated key within the input is written once', async () => {
    const trials = await Promise.all(
      Array.from({ length: 140 }, (_, i) =>
        createTrial(db, ctx, { key: `bulk-${i}`, index: 400 + i, seed: i }),
      ),
    );
    const rows = curves(
      trials.map((t) => t.id),
      50,
    ); // 28,000 rows: two chunks
    expect(rows.length).toBeGreaterThan(INGEST_CHUNK_ROWS);
    const doubled = [...rows.slice(0, 10), ...rows];
    expect(await ingestEpochMetrics(db, doubled)).toEqual({ rows: 28_010, inserted: 28_000, skipped: 10 });
  });

  it('stores diverged values as they are', async () => {
    const trial = await createTrial(db, ctx, { key: 'ingest-nan', index: 600, seed: 1 });
    const rows = [NaN, Infinity, -Infinity].map((value, epoch) => ({
      trialId: trial.id,
      epoch,
      split: 'train' as const,
      name: 'loss',
      value,
    }));
    await ingestEpochMetrics(db, rows);
    const stored = await db.epochMetric.findMany({ where: { trialId: trial.id }, orderBy: { epoch: 'asc' } });
    expect(stored.map((r) => r.value)).toEqual([NaN, Infinity, -Infinity]);
  });

  it('refuses malformed rows and unknown trials without writing their chunk', async () => {
    const trial = await createTrial(db, ctx, { key: 'ingest-bad', index: 601, seed: 1 });
    const good = { trialId: trial.id, epoch: 0, split: 'val' as const, name: 'auc', value: 0.5 };
    await expect(ingestEpochMetrics(db, [good, { ...good, epoch: 1.5 }])).rejects.toThrow(
      'ingestEpochMetrics: rows[1].epoch is 1.5; expected a non-negative 32-bit integer',
    );
    await expect(ingestEpochMetrics(db, [{ ...good, split: 'test' as 'val' }])).rejects.toThrow(
      InvalidRecordError,
    );
    await expect(ingestEpochMetrics(db, [{ ...good, trialId: 'x","y' }])).rejects.toThrow(InvalidRecordError);
    await expect(ingestEpochMetrics(db, [{ ...good, name: 'a"b\\c' }])).resolves.toMatchObject({
      inserted: 1,
    });
    const ghost = '00000000-0000-7000-8000-00000000dead';
    await expect(
      ingestEpochMetrics(db, [
        { ...good, epoch: 2 },
        { ...good, trialId: ghost },
      ]),
    ).rejects.toEqual(new TrialNotFoundError('ingestEpochMetrics', [ghost]));
    expect(await db.epochMetric.findMany({ where: { trialId: trial.id }, select: { name: true } })).toEqual([
      { name: 'a"b\\c' },
    ]);
  });

  it("inside the caller's transaction too: duplicates skipped, unknown trials refused, nothing aborted", async () => {
    const trial = await createTrial(db, ctx, { key: 'ingest-tx', index: 602, seed: 1 });
    const rows = curves([trial.id], 3);
    const ghost = '00000000-0000-7000-8000-00000000f00d';
    const results = await db.$transaction(async (tx) => {
      const first = await ingestEpochMetrics(tx, rows);
      const again = await ingestEpochMetrics(tx, rows);
      const refused = await ingestEpochMetrics(tx, [{ ...rows[0]!, trialId: ghost }]).catch(
        (e: unknown) => e,
      );
      const after = await ingestEpochMetrics(tx, curves([trial.id], 4));
      return { first, again, refused, after };
    });
    expect(results).toMatchObject({
      first: { inserted: 12 },
      again: { inserted: 0, skipped: 12 },
      refused: new TrialNotFoundError('ingestEpochMetrics', [ghost]),
      after: { inserted: 4, skipped: 12 },
    });
    expect(await db.epochMetric.count({ where: { trialId: trial.id } })).toBe(16);
  });

  it('the database refuses rows of missing trials, and deleting trials deletes their rows', async () => {
    await withClient(url, async (c) => {
      await expect(
        c.query(
          `INSERT INTO epoch_metrics VALUES ('00000000-0000-7000-8000-00000000beef', 0, 'val', 'auc', 1)`,
        ),
      ).rejects.toThrow(
        'epoch_metrics: INSERT refused: trial 00000000-0000-7000-8000-00000000beef does not exist',
      );
    });
    const other = await createSweep(db, { sweep: 'doomed' });
    const trial = await createTrial(db, other, { key: 'd', index: 0, seed: 1 });
    await ingestEpochMetrics(db, curves([trial.id], 2));
    await db.sweep.delete({ where: { id: other.sweepId } });
    expect(await db.epochMetric.count({ where: { trialId: trial.id } })).toBe(0);
  });
});

describe('recordFinalResult', () => {
  const metrics = [
    { split: 'val', name: 'auc', value: 0.91 },
    { split: 'test', name: 'auc', value: 0.89 },
    { split: 'test', name: 'accuracy', value: 0.84 },
  ] as const;

  it('writes once; the identical write again changes nothing and returns the same ids', async () => {
    const trial = await createTrial(db, ctx, { key: 'final-0', index: 700, seed: 1 });
    const before = await Promise.all(['final_metrics', 'artifacts', 'lineage', 'audit_events'].map(count));
    const first = await completeTrial(db, ctx, trial, metrics);
    expect(first.created).toBe(true);
    const after = await Promise.all(['final_metrics', 'artifacts', 'lineage', 'audit_events'].map(count));
    expect(after.map((n, i) => n - before[i]!)).toEqual([3, 2, 1, 1]);

    const [again, concurrent] = await Promise.all([
      completeTrial(db, ctx, trial, metrics),
      completeTrial(db, ctx, trial, [...metrics].reverse()),
    ]);
    expect(again).toEqual({ ...first, created: false });
    expect(concurrent).toEqual({ ...first, created: false });
    expect(await Promise.all(['final_metrics', 'artifacts', 'lineage', 'audit_events'].map(count))).toEqual(
      after,
    );

    const stored = await db.trial.findUniqueOrThrow({ where: { id: trial.id }, include: { lineage: true } });
    expect(stored).toMatchObject({ status: 'completed', resultHash: first.resultHash, bestEpoch: 3 });
    expect(stored.lineage!.recordHash).toBe(first.lineageRecordHash);
    const event = await db.auditEvent.findUniqueOrThrow({ where: { seq: BigInt(first.auditSeq) } });
    expect(event).toMatchObject({ action: 'trial.result', subjectId: trial.id, projectId: ctx.projectId });
    expect(event.payload).toMatchObject({
      status: { from: 'pending', to: 'completed' },
      resultHash: first.resultHash,
    });
  });

  it('refuses a different result for a trial whose result is recorded: results are immutable', async () => {
    const trial = await createTrial(db, ctx, { key: 'final-1', index: 701, seed: 1 });
    const first = await completeTrial(db, ctx, trial, metrics);
    const changed = metrics.map((m) => ({ ...m, value: m.value + 0.01 }));
    const error = await completeTrial(db, ctx, trial, changed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultAlreadyRecordedError);
    expect(error).toMatchObject({ trialId: trial.id, storedResultHash: first.resultHash });
    await expect(
      recordFinalResult(db, {
        trialId: trial.id,
        status: 'failed',
        finalMetrics: [],
        artifacts: [],
        lineage: null,
        actor: 'x',
      }),
    ).rejects.toThrow(ResultAlreadyRecordedError);
    expect(await db.finalMetric.findMany({ where: { trialId: trial.id }, select: { value: true } })).toEqual(
      expect.arrayContaining([{ value: 0.89 }]),
    );
  });

  it('refuses lineage that contradicts the trial, its metrics or its artifacts, writing nothing', async () => {
    const trial = await createTrial(db, ctx, { key: 'final-2', index: 702, seed: 1 });
    const base = {
      trialId: trial.id,
      status: 'completed' as const,
      finalMetrics: metrics,
      artifacts: [] as const,
      actor: 'system:test',
    };
    const lineage = lineageOf(ctx, trial, metrics);
    await expect(
      recordFinalResult(db, { ...base, lineage: { ...lineage, configHash: sha256Hex('other config') } }),
    ).rejects.toMatchObject({ link: 'configHash', source: 'trials.config_hash' });
    await expect(
      recordFinalResult(db, {
        ...base,
        lineage: { ...lineage, splitAssignmentHash: sha256Hex('other split') },
      }),
    ).rejects.toMatchObject({ link: 'splitAssignmentHash', source: 'datasets.split_assignment_hash' });
    await expect(
      recordFinalResult(db, { ...base, lineage: { ...lineage, leakageAcknowledgement: 'not in the spec' } }),
    ).rejects.toMatchObject({ link: 'leakageAcknowledgement', expected: null });
    await expect(
      recordFinalResult(db, { ...base, lineage: { ...lineage, metricsHash: sha256Hex('other metrics') } }),
    ).rejects.toThrow(LineageMismatchError);
    await expect(
      recordFinalResult(db, {
        ...base,
        lineage,
        artifacts: [{ kind: 'predictions', uri: 's3://m/p.json', sha256: sha256Hex('other'), sizeBytes: 5 }],
      }),
    ).rejects.toMatchObject({ link: 'predictionsHash' });
    await expect(recordFinalResult(db, { ...base, lineage: null })).rejects.toThrow(
      'recordFinalResult: lineage is null; expected a lineage record for a completed trial',
    );
    expect(await db.trial.findUniqueOrThrow({ where: { id: trial.id } })).toMatchObject({
      status: 'pending',
      resultHash: null,
    });
    expect(await db.finalMetric.count({ where: { trialId: trial.id } })).toBe(0);
  });

  it('refuses an artifact URI already recorded with other content', async () => {
    const a = await createTrial(db, ctx, { key: 'final-3', index: 703, seed: 1 });
    const b = await createTrial(db, ctx, { key: 'final-4', index: 704, seed: 2 });
    await completeTrial(db, ctx, a, metrics);
    const bytes = artifactBytes(b.id);
    await expect(
      recordFinalResult(db, {
        trialId: b.id,
        status: 'completed',
        finalMetrics: metrics,
        artifacts: [
          {
            kind: 'weights',
            uri: `s3://medsweep/trials/${a.id}/weights.bin`,
            sha256: sha256Hex(bytes.weights),
            sizeBytes: 1,
          },
        ],
        lineage: lineageOf(ctx, b, metrics),
        actor: 'system:test',
      }),
    ).rejects.toThrow(ArtifactConflictError);
    expect(await db.trial.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ status: 'pending' });
  });

  it('records failed and pruned trials without lineage, and validates its input', async () => {
    const trial = await createTrial(db, ctx, { key: 'final-5', index: 705, seed: 1 });
    const failed = {
      trialId: trial.id,
      status: 'failed' as const,
      finalMetrics: [],
      artifacts: [],
      lineage: null,
      error: 'OOM',
      actor: 'system:test',
    };
    const first = await recordFinalResult(db, failed);
    expect(await recordFinalResult(db, failed)).toEqual({ ...first, created: false });
    expect(await db.trial.findUniqueOrThrow({ where: { id: trial.id } })).toMatchObject({
      status: 'failed',
      error: 'OOM',
    });
    await expect(
      recordFinalResult(db, { ...failed, finalMetrics: [{ split: 'test', name: 'auc', value: NaN }] }),
    ).rejects.toThrow('recordFinalResult: finalMetrics[0].value is NaN; expected a finite number');
    await expect(
      recordFinalResult(db, { ...failed, trialId: '00000000-0000-7000-8000-000000000001' }),
    ).rejects.toThrow(TrialNotFoundError);
  });
});
