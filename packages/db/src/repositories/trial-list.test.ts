// listTrials against a real Postgres: filters, every sort key in both directions, and keyset pages that
// together return each trial exactly once in order, with trials lacking the sort value last.
import type { FinalMetricValue } from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { InvalidRecordError } from '../errors.js';
import { throwawayDatabases } from '../test-support/databases.js';
import { completeTrial, createSweep, createTrial, type SweepContext } from './test-support/fixtures.js';
import { listTrials, type TrialListQuery, type TrialListRow } from './trial-list.js';

const dbs = throwawayDatabases();
let db: Db;
let ctx: SweepContext;
const ARCHS = ['resnet50', 'vgg16', 'densenet121'];
const COUNT = 23;
/** Test AUC of trial i, or none for every fifth trial (left pending). */
const aucOf = (i: number) => (i % 5 === 4 ? null : Math.round(((i * 7) % 11) * 1000) / 10_000 + 0.5);

beforeAll(async () => {
  db = await dbs.client();
  ctx = await createSweep(db);
  for (let i = 0; i < COUNT; i++) {
    const trial = await createTrial(db, ctx, {
      key: `t${i}`,
      index: i,
      seed: i,
      architecture: ARCHS[i % 3],
      initialisation: i % 2 === 0 ? 'scratch' : 'imagenet',
    });
    const auc = aucOf(i);
    if (auc !== null) {
      const metrics: FinalMetricValue[] = [
        { split: 'test', name: 'auc', value: auc },
        { split: 'val', name: 'auc', value: 1 - auc },
      ];
      await completeTrial(db, ctx, trial, metrics);
    }
  }
});

afterAll(() => dbs.dropAll());

async function allPages(query: Omit<TrialListQuery, 'cursor'>): Promise<TrialListRow[]> {
  const rows: TrialListRow[] = [];
  let cursor: string | null = null;
  do {
    const page = await listTrials(db, { ...query, cursor });
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return rows;
}

describe('listTrials', () => {
  it('pages through every trial once, newest first by default, counting the total', async () => {
    const first = await listTrials(db, { sweepId: ctx.sweepId, limit: 5 });
    expect(first.total).toBe(COUNT);
    expect(first.rows).toHaveLength(5);
    const rows = await allPages({ sweepId: ctx.sweepId, limit: 4 });
    expect(rows.map((r) => r.index)).toEqual([...Array(COUNT).keys()].reverse());
  });

  it('sorts by a final metric both ways, with trials lacking it last, across page boundaries', async () => {
    for (const direction of ['asc', 'desc'] as const) {
      const rows = await allPages({
        sweepId: ctx.sweepId,
        sort: { by: 'metric', metric: { split: 'test', name: 'auc' } },
        direction,
        limit: 3,
      });
      expect(rows).toHaveLength(COUNT);
      const values = rows.map((r) => r.finalMetrics.find((m) => m.split === 'test')?.value ?? null);
      const present = values.filter((v): v is number => v !== null);
      const sorted = [...present].sort((a, b) => (direction === 'asc' ? a - b : b - a));
      expect(present).toEqual(sorted);
      // Ties (equal AUCs) exist, so the id tie-break is what keeps pages from repeating or skipping rows.
      expect(new Set(rows.map((r) => r.id)).size).toBe(COUNT);
      expect(values.slice(present.length).every((v) => v === null)).toBe(true);
    }
  });

  it('sorts by index and by the primary metric', async () => {
    const byIndex = await allPages({
      sweepId: ctx.sweepId,
      sort: { by: 'index' },
      direction: 'asc',
      limit: 7,
    });
    expect(byIndex.map((r) => r.index)).toEqual([...Array(COUNT).keys()]);
    const byPrimary = await allPages({ sweepId: ctx.sweepId, sort: { by: 'primaryMetric' }, limit: 6 });
    const values = byPrimary.map((r) => r.primaryMetricValue).filter((v) => v !== null);
    expect(values).toEqual([...values].sort((a, b) => b! - a!));
  });

  it('filters by status, architecture and initialisation', async () => {
    const page = await listTrials(db, {
      sweepId: ctx.sweepId,
      statuses: ['completed'],
      architectures: ['vgg16'],
      initialisations: ['imagenet'],
      limit: 500,
    });
    const expected = [...Array(COUNT).keys()].filter(
      (i) => aucOf(i) !== null && ARCHS[i % 3] === 'vgg16' && i % 2 === 1,
    );
    expect(page.rows.map((r) => r.index).sort((a, b) => a - b)).toEqual(expected);
    expect(page.total).toBe(expected.length);
    expect(page.rows.every((r) => r.status === 'completed' && r.finalMetrics.length === 2)).toBe(true);
  });

  it('refuses a limit over 500 and a cursor it did not make', async () => {
    await expect(listTrials(db, { sweepId: ctx.sweepId, limit: 501 })).rejects.toThrow(InvalidRecordError);
    await expect(
      listTrials(db, { sweepId: ctx.sweepId, cursor: "'; DROP TABLE trials; --" }),
    ).rejects.toThrow(/cursor .* expected the nextCursor of a previous page/);
  });
});
