'use client';
// The sweep's header: status, progress and counts, refreshed while it runs, with its controls.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage } from '../../lib/api-error';
import { formatMetric, formatTime, shortHash } from '../../lib/format';
import { isActiveSweep, LIVE_REFRESH_MS } from '../../lib/statuses';
import { useTRPC } from '../../trpc/client';
import { StatusBadge } from '../status-badge';
import { SweepControls } from './sweep-controls';

const COUNTED = ['pending', 'running', 'completed', 'pruned', 'failed', 'cancelled'] as const;

export function SweepOverview({ sweepId, role }: { sweepId: string; role: string | null }) {
  const trpc = useTRPC();
  const sweep = useQuery(
    trpc.sweeps.get.queryOptions(
      { sweepId },
      {
        refetchInterval: (q) =>
          q.state.data && isActiveSweep(q.state.data.status) ? LIVE_REFRESH_MS : false,
      },
    ),
  );
  if (sweep.isError) {
    return (
      <p className="notice error" role="alert">
        {errorMessage(sweep.error)}
      </p>
    );
  }
  const s = sweep.data;
  if (s === undefined) return <p className="muted">Loading…</p>;
  const finished = Math.round(s.progress * s.plannedTrials);
  return (
    <section aria-labelledby="sweep-heading" data-testid="sweep-overview" data-status={s.status}>
      <p className="crumbs">
        <Link href={`/sweeps?project=${encodeURIComponent(s.project)}`}>{s.project}</Link> / sweep
      </p>
      <h1 id="sweep-heading">
        {s.name} <StatusBadge status={s.status} testId="sweep-status" />
      </h1>
      <p>
        <progress
          value={s.progress}
          max={1}
          aria-label={`${finished} of ${s.plannedTrials} trials finished`}
          data-testid="sweep-progress"
          data-progress={s.progress}
        />{' '}
        <span data-testid="sweep-progress-text">
          {finished} of {s.plannedTrials} trials finished
        </span>
        {' · '}
        {COUNTED.map((status) => `${s.trialCounts[status] ?? 0} ${status}`).join(', ')}
      </p>
      <dl className="facts">
        <dt>Primary metric</dt>
        <dd>
          {s.primaryMetric} ({s.primaryMetricGoal}), best so far{' '}
          <strong data-testid="sweep-best">{formatMetric(s.bestPrimaryMetricValue)}</strong>
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(s.createdAt)}</dd>
        <dt>Started / finished</dt>
        <dd>
          {formatTime(s.startedAt)} / {formatTime(s.finishedAt)}
        </dd>
        <dt>Dataset</dt>
        <dd>
          {s.dataset === null ? (
            'no longer registered'
          ) : (
            <Link href={`/datasets/${s.dataset.id}`} data-testid="sweep-dataset-link">
              {s.dataset.name}
            </Link>
          )}
          {s.dataset?.leaky && ' (leaky: trained on with the reason its spec gives)'}
        </dd>
        <dt>Spec hash</dt>
        <dd className="mono" title={s.specHash}>
          {shortHash(s.specHash)}
        </dd>
        <dt>Workflow</dt>
        <dd className="mono">{s.workflowId}</dd>
      </dl>
      <p>
        <Link className="button" href={`/sweeps/${s.id}/leaderboard`} data-testid="leaderboard-link">
          Leaderboard
        </Link>
      </p>
      <SweepControls sweepId={s.id} status={s.status} canControl={s.canControl} role={role} />
    </section>
  );
}
