'use client';
// The sweep page's trials: filters, the virtualised table and the parallel-coordinates plot, all over the
// same cursor-paged query. While the sweep runs the loaded pages are refetched, so statuses and metrics
// update in place.
import type { TrialStatus } from '@medsweep/db/types';
import { TrialStatus as TRIAL_STATUSES } from '@medsweep/db/types';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api-error';
import { cursorPages } from '../../lib/cursor-pages';
import { isActiveSweep, LIVE_REFRESH_MS } from '../../lib/statuses';
import type { TrialSort, TrialsView } from '../../lib/trials-view';
import { DEFAULT_TRIALS_VIEW, sameSort, trialsListInput } from '../../lib/trials-view';
import { useTRPC, useTRPCClient } from '../../trpc/client';
import type { ParallelRow } from '../charts/parallel-coordinates';
import { ParallelCoordinates } from '../charts/parallel-coordinates';
import type { TrialRow } from './trials-table';
import { TrialsTable } from './trials-table';

export interface TrialsExplorerProps {
  sweepId: string;
  architectures: readonly string[];
  arms: readonly string[];
  /** The searched hyperparameters (the spec's search space), plotted as axes. */
  paramNames: readonly string[];
}

function FilterSelect({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: string | null;
  options: readonly string[];
  onChange: (value: string | null) => void;
  testId: string;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} data-testid={testId}>
        <option value="">all</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function plotRow(row: TrialRow, paramNames: readonly string[]): ParallelRow {
  const params = (row.config as { params?: Record<string, unknown> } | null)?.params ?? {};
  const value = (v: unknown) =>
    typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
      ? v
      : v == null
        ? null
        : JSON.stringify(v);
  return {
    id: row.id,
    label: `trial ${row.index} (${row.status})`,
    params: {
      architecture: row.architecture,
      arm: row.initialisation,
      ...Object.fromEntries(paramNames.map((p) => [p, value(params[p])])),
    },
    metric: row.primaryMetricValue,
  };
}

export function TrialsExplorer({ sweepId, architectures, arms, paramNames }: TrialsExplorerProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const [view, setView] = useState<TrialsView>(DEFAULT_TRIALS_VIEW);
  const sweep = useQuery(trpc.sweeps.get.queryOptions({ sweepId }));
  const live = sweep.data !== undefined && isActiveSweep(sweep.data.status);
  const client = useTRPCClient();
  const trials = useInfiniteQuery({
    ...cursorPages(trpc.trials.list.pathKey(), trialsListInput(sweepId, view), client.trials.list.query),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
    // Changing sort or filter keeps the old rows on screen until the new first page arrives.
    placeholderData: keepPreviousData,
  });
  // The sweep's last poll can see it finished before the table's last poll saw every trial finish: read
  // the table once more when the sweep stops running.
  const { refetch } = trials;
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) void refetch();
    wasLive.current = live;
  }, [live, refetch]);
  const rows = useMemo(() => trials.data?.pages.flatMap((p) => p.rows) ?? [], [trials.data]);
  const metricColumns = useMemo(() => {
    const names = new Set(
      rows.flatMap((r) => r.finalMetrics.filter((m) => m.split === 'test').map((m) => m.name)),
    );
    return [...names].sort().map((name) => ({ split: 'test' as const, name }));
  }, [rows]);
  const plotRows = useMemo(() => rows.map((r) => plotRow(r, paramNames)), [rows, paramNames]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = trials;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const openTrial = useCallback((id: string) => router.push(`/trials/${id}`), [router]);

  const onSort = (sort: TrialSort) =>
    setView((v) => ({
      ...v,
      sort,
      // Clicking the active column flips it; a new column starts with the best first for metrics.
      direction: sameSort(sort, v.sort)
        ? v.direction === 'asc'
          ? 'desc'
          : 'asc'
        : sort.by === 'index'
          ? 'asc'
          : 'desc',
    }));
  const primaryMetric = sweep.data?.primaryMetric ?? 'primary metric';

  return (
    <section aria-labelledby="trials-heading">
      <h2 id="trials-heading">Trials</h2>
      <div className="toolbar" role="group" aria-label="Filter trials">
        <FilterSelect
          label="Status"
          value={view.status}
          options={Object.values(TRIAL_STATUSES)}
          onChange={(status) => setView((v) => ({ ...v, status: status as TrialStatus | null }))}
          testId="filter-status"
        />
        <FilterSelect
          label="Architecture"
          value={view.architecture}
          options={architectures}
          onChange={(architecture) => setView((v) => ({ ...v, architecture }))}
          testId="filter-architecture"
        />
        <FilterSelect
          label="Arm"
          value={view.arm}
          options={arms}
          onChange={(arm) => setView((v) => ({ ...v, arm }))}
          testId="filter-arm"
        />
        {trials.isFetching && (
          <span className="muted" aria-live="polite">
            updating…
          </span>
        )}
      </div>
      {trials.isError ? (
        <p className="notice error" role="alert">
          {errorMessage(trials.error)}
        </p>
      ) : (
        <TrialsTable
          rows={rows}
          total={trials.data?.pages[0]?.total ?? 0}
          hasMore={hasNextPage}
          loadingMore={isFetchingNextPage}
          loadMore={loadMore}
          view={view}
          onSort={onSort}
          primaryMetric={primaryMetric}
          metricColumns={metricColumns}
        />
      )}
      <h2>Hyperparameters against {primaryMetric}</h2>
      {plotRows.length === 0 ? (
        <p className="muted">No trials to plot yet.</p>
      ) : (
        <ParallelCoordinates
          params={['architecture', 'arm', ...paramNames]}
          metricName={primaryMetric}
          goal={sweep.data?.primaryMetricGoal ?? 'maximize'}
          rows={plotRows}
          onOpen={openTrial}
          testId="parallel-coordinates"
        />
      )}
      {hasNextPage && plotRows.length > 0 && (
        <p className="muted">
          The plot shows the {plotRows.length} trials loaded in the table; scroll it to add more.
        </p>
      )}
    </section>
  );
}
