// A project's sweeps, newest first, each with its trials counted by status (the sweeps list's progress
// bars) and its best primary-metric value so far. Cursor-paged by sweep id.
import type { Sweep } from '../generated/prisma/client.js';
import type { SweepStatus, TrialStatus } from '../generated/prisma/enums.js';
import type { DbClient } from './db-client.js';

export interface SweepSummary {
  sweep: Sweep;
  /** Trials recorded so far, by status (statuses without trials are absent). */
  trialCounts: Partial<Record<TrialStatus, number>>;
  /** Best primary-metric value among the sweep's trials (by its goal); null before any. */
  bestPrimaryMetricValue: number | null;
}

export interface SweepSummariesQuery {
  projectId: string;
  statuses?: readonly SweepStatus[];
  /** Default 50. */
  limit?: number;
  /** `nextCursor` of the previous page (a sweep id). */
  cursor?: string | null;
}

/** Summaries of the given sweeps (any order), with their trial counts and best values. */
export async function summariseSweeps(db: DbClient, sweeps: readonly Sweep[]): Promise<SweepSummary[]> {
  const ids = sweeps.map((s) => s.id);
  const [counts, best] = await Promise.all([
    db.trial.groupBy({ by: ['sweepId', 'status'], where: { sweepId: { in: ids } }, _count: { _all: true } }),
    db.trial.groupBy({
      by: ['sweepId'],
      where: { sweepId: { in: ids } },
      _max: { primaryMetricValue: true },
      _min: { primaryMetricValue: true },
    }),
  ]);
  return sweeps.map((sweep) => {
    const trialCounts: Partial<Record<TrialStatus, number>> = {};
    for (const c of counts) if (c.sweepId === sweep.id) trialCounts[c.status] = c._count._all;
    const extremes = best.find((b) => b.sweepId === sweep.id);
    const bestPrimaryMetricValue =
      (sweep.primaryMetricGoal === 'maximize'
        ? extremes?._max.primaryMetricValue
        : extremes?._min.primaryMetricValue) ?? null;
    return { sweep, trialCounts, bestPrimaryMetricValue };
  });
}

/** One page of a project's sweeps, newest first, with their progress. */
export async function sweepSummaries(
  db: DbClient,
  query: SweepSummariesQuery,
): Promise<{ summaries: SweepSummary[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const sweeps = await db.sweep.findMany({
    where: {
      projectId: query.projectId,
      ...(query.statuses?.length ? { status: { in: [...query.statuses] } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = sweeps.slice(0, limit);
  return {
    summaries: await summariseSweeps(db, page),
    nextCursor: sweeps.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
