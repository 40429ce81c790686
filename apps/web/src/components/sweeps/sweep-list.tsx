'use client';
// A project's sweeps with live status and progress: refetched every couple of seconds while any of them
// is still queued, running, paused or cancelling, and not at all once every sweep has finished.
import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage } from '../../lib/api-error';
import { formatMetric, formatTime } from '../../lib/format';
import { cursorPages } from '../../lib/cursor-pages';
import { SWEEP_PAGE_SIZE } from '../../lib/paging';
import { isActiveSweep, LIVE_REFRESH_MS } from '../../lib/statuses';
import { useTRPC, useTRPCClient } from '../../trpc/client';
import { StatusBadge } from '../status-badge';

export function SweepList({ project }: { project: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const query = useInfiniteQuery({
    ...cursorPages(trpc.sweeps.list.pathKey(), { project, limit: SWEEP_PAGE_SIZE }, client.sweeps.list.query),
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.sweeps.some((s) => isActiveSweep(s.status)))
        ? LIVE_REFRESH_MS
        : false,
  });
  if (query.isError) {
    return (
      <p className="notice error" role="alert">
        {errorMessage(query.error)}
      </p>
    );
  }
  const sweeps = query.data?.pages.flatMap((p) => p.sweeps) ?? [];
  if (query.isSuccess && sweeps.length === 0) {
    return (
      <p className="notice" data-testid="sweeps-empty">
        No sweeps in this project yet.
      </p>
    );
  }
  return (
    <>
      <table className="data" data-testid="sweeps-table">
        <thead>
          <tr>
            <th scope="col">Sweep</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col" className="num">
              Completed
            </th>
            <th scope="col" className="num">
              Running
            </th>
            <th scope="col" className="num">
              Failed
            </th>
            <th scope="col" className="num">
              Best
            </th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {sweeps.map((s) => {
            const finished = Math.round(s.progress * s.plannedTrials);
            return (
              <tr key={s.id} data-testid="sweep-row" data-sweep-id={s.id}>
                <td>
                  <Link href={`/sweeps/${s.id}`} data-testid="sweep-link">
                    {s.name}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={s.status} testId="sweep-status" />
                </td>
                <td>
                  <progress
                    value={s.progress}
                    max={1}
                    aria-label={`${s.name}: ${finished} of ${s.plannedTrials} trials finished`}
                    data-testid="sweep-progress"
                    data-progress={s.progress}
                  />{' '}
                  <span className="muted">
                    {finished}/{s.plannedTrials}
                  </span>
                </td>
                <td className="num">{s.trialCounts.completed ?? 0}</td>
                <td className="num">{s.trialCounts.running ?? 0}</td>
                <td className="num">{s.trialCounts.failed ?? 0}</td>
                <td className="num" title={s.primaryMetric}>
                  {formatMetric(s.bestPrimaryMetricValue)}
                </td>
                <td>{formatTime(s.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {query.hasNextPage && (
        <p>
          <button
            type="button"
            onClick={() => void query.fetchNextPage()}
            disabled={query.isFetchingNextPage}
          >
            {query.isFetchingNextPage ? 'Loading…' : 'Show older sweeps'}
          </button>
        </p>
      )}
    </>
  );
}
