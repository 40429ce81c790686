'use client';
// A sweep's trials, virtualised: only the rows in view (plus a few) are in the DOM, so 10k+ trials scroll
// as smoothly as 10. Pages come from the API by cursor as the scroll nears the end of what is loaded;
// sorting is by column header, and the sort and filters are the API's (server-side), never client-side.
import type { RouterOutputs } from '@medsweep/api';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { describeParams, formatDuration, formatMetric, formatTime } from '../../lib/format';
import type { TrialSort, TrialsView } from '../../lib/trials-view';
import { sameSort } from '../../lib/trials-view';
import { StatusBadge } from '../status-badge';

export type TrialRow = RouterOutputs['trials']['list']['rows'][number];

const ROW_HEIGHT = 32;
/** Start loading the next page this many rows before the loaded ones run out. */
const PREFETCH_ROWS = 40;

export interface TrialsTableProps {
  rows: readonly TrialRow[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  view: TrialsView;
  onSort: (sort: TrialSort) => void;
  primaryMetric: string;
  /** Final metrics shown as columns, e.g. `test auc`. */
  metricColumns: readonly { split: 'val' | 'test'; name: string }[];
}

function SortHeader({
  label,
  sort,
  view,
  onSort,
  numeric = false,
}: {
  label: string;
  sort: TrialSort;
  view: TrialsView;
  onSort: (sort: TrialSort) => void;
  numeric?: boolean;
}) {
  const active = sameSort(sort, view.sort);
  const ariaSort = active ? (view.direction === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" aria-sort={ariaSort} className={numeric ? 'num' : undefined}>
      <button type="button" className="sort" onClick={() => onSort(sort)} data-testid={`sort-${label}`}>
        {label}
        {active ? (view.direction === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}

function metricOf(row: TrialRow, split: string, name: string): number | null {
  return row.finalMetrics.find((m) => m.split === split && m.name === name)?.value ?? null;
}

export function TrialsTable(props: TrialsTableProps) {
  const { rows, total, hasMore, loadingMore, loadMore, view, onSort, primaryMetric, metricColumns } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length + (hasMore ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Lets the server render the first screenful before the browser has measured anything.
    initialRect: { width: 1200, height: 448 },
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) loadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, loadMore]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const columns = 10 + metricColumns.length;
  return (
    <>
      <p className="muted" data-testid="trials-count" data-loaded={rows.length} data-total={total}>
        {total === 0
          ? 'No trials match.'
          : rows.length >= total
            ? `All ${total} trials.`
            : `Showing ${rows.length} of ${total} trials; more load as you scroll.`}
      </p>
      <div
        ref={scrollRef}
        className="virtual-scroll"
        data-testid="trials-scroll"
        tabIndex={0}
        role="region"
        aria-label="Trials"
      >
        <table className="data" data-testid="trials-table" aria-rowcount={total + 1}>
          <colgroup>
            <col style={{ width: '4.5rem' }} />
            <col style={{ width: '7rem' }} />
            <col style={{ width: '8rem' }} />
            <col style={{ width: '10rem' }} />
            <col style={{ width: '3.5rem' }} />
            <col />
            <col style={{ width: '7rem' }} />
            {metricColumns.map((m) => (
              <col key={`${m.split}-${m.name}`} style={{ width: '7rem' }} />
            ))}
            <col style={{ width: '4.5rem' }} />
            <col style={{ width: '9.5rem' }} />
            <col style={{ width: '6rem' }} />
          </colgroup>
          <thead>
            <tr>
              <SortHeader label="#" sort={{ by: 'index' }} view={view} onSort={onSort} numeric />
              <th scope="col">Status</th>
              <th scope="col">Architecture</th>
              <th scope="col">Arm</th>
              <th scope="col" className="num">
                Seed
              </th>
              <th scope="col">Hyperparameters</th>
              <SortHeader
                label={primaryMetric}
                sort={{ by: 'primaryMetric' }}
                view={view}
                onSort={onSort}
                numeric
              />
              {metricColumns.map((m) => (
                <SortHeader
                  key={`${m.split}-${m.name}`}
                  label={`${m.split} ${m.name}`}
                  sort={{ by: 'metric', metric: m }}
                  view={view}
                  onSort={onSort}
                  numeric
                />
              ))}
              <th scope="col" className="num">
                Best epoch
              </th>
              <SortHeader label="Created" sort={{ by: 'createdAt' }} view={view} onSort={onSort} />
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {paddingTop > 0 && (
              <tr aria-hidden="true" style={{ height: paddingTop }}>
                <td colSpan={columns} />
              </tr>
            )}
            {items.map((item) => {
              const row = rows[item.index];
              if (row === undefined) {
                return (
                  <tr key="loading" aria-rowindex={item.index + 2}>
                    <td colSpan={columns} className="muted">
                      Loading more trials…
                    </td>
                  </tr>
                );
              }
              const params = (row.config as { params?: Record<string, unknown> } | null)?.params;
              return (
                <tr
                  key={row.id}
                  aria-rowindex={item.index + 2}
                  data-testid="trial-row"
                  data-trial-id={row.id}
                  data-index={row.index}
                  data-status={row.status}
                >
                  <td className="num">
                    <Link href={`/trials/${row.id}`} data-testid="trial-link">
                      {row.index}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={row.status} />
                  </td>
                  <td>{row.architecture}</td>
                  <td title={row.initialisation}>{row.initialisation}</td>
                  <td className="num">{row.seed}</td>
                  <td title={describeParams(params)} className="mono">
                    {describeParams(params)}
                  </td>
                  <td className="num" data-testid="trial-primary-metric">
                    {formatMetric(row.primaryMetricValue)}
                  </td>
                  {metricColumns.map((m) => (
                    <td key={`${m.split}-${m.name}`} className="num">
                      {formatMetric(metricOf(row, m.split, m.name))}
                    </td>
                  ))}
                  <td className="num">{row.bestEpoch ?? '—'}</td>
                  <td>{formatTime(row.createdAt)}</td>
                  <td>{formatDuration(row.startedAt, row.finishedAt)}</td>
                </tr>
              );
            })}
            {paddingBottom > 0 && (
              <tr aria-hidden="true" style={{ height: paddingBottom }}>
                <td colSpan={columns} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
