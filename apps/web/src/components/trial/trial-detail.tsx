'use client';
// Everything about one trial. While it runs, the page refetches, so its curves grow epoch by epoch.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage } from '../../lib/api-error';
import { formatDuration, formatMetric, formatTime, shortHash } from '../../lib/format';
import { isActiveTrial, LIVE_REFRESH_MS } from '../../lib/statuses';
import { useTRPC } from '../../trpc/client';
import { StatusBadge } from '../status-badge';
import { ArtifactsPanel, GradCamGallery } from './artifacts-panel';
import { EvaluationCharts } from './evaluation-charts';
import { LearningCurves } from './learning-curves';
import { LineagePanel } from './lineage-panel';

export function TrialDetail({ trialId, canVerify }: { trialId: string; canVerify: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.trials.get.queryOptions(
      { trialId },
      {
        refetchInterval: (q) =>
          q.state.data && isActiveTrial(q.state.data.trial.status) ? LIVE_REFRESH_MS : false,
      },
    ),
  );
  if (query.isError) {
    return (
      <p className="notice error" role="alert">
        {errorMessage(query.error)}
      </p>
    );
  }
  const detail = query.data;
  if (detail === undefined) return <p className="muted">Loading…</p>;
  const { trial, sweep, dataset, weightsSource } = detail;
  return (
    <article data-testid="trial-detail" data-status={trial.status}>
      <p className="crumbs">
        <Link href={`/sweeps?project=${encodeURIComponent(detail.project)}`}>{detail.project}</Link> /{' '}
        <Link href={`/sweeps/${sweep.id}`} data-testid="trial-sweep-link">
          {sweep.name}
        </Link>{' '}
        / trial
      </p>
      <h1>
        Trial {trial.index}: {trial.architecture} · {trial.initialisation} · seed {trial.seed}{' '}
        <StatusBadge status={trial.status} testId="trial-status" />
      </h1>
      {trial.error && (
        <p className="notice error" data-testid="trial-error">
          {trial.error}
        </p>
      )}
      <div className="grid-2">
        <section className="panel" aria-labelledby="summary-heading">
          <h2 id="summary-heading" style={{ marginTop: 0 }}>
            Summary
          </h2>
          <dl className="facts">
            <dt>{sweep.primaryMetric}</dt>
            <dd data-testid="trial-primary-metric">
              <strong>{formatMetric(trial.primaryMetricValue)}</strong> at epoch {trial.bestEpoch ?? '—'}
            </dd>
            <dt>Dataset</dt>
            <dd>
              <Link href={`/datasets/${dataset.id}`} data-testid="trial-dataset-link">
                {dataset.name}
              </Link>{' '}
              ({dataset.task}, {dataset.numClasses}{' '}
              {dataset.task === 'multi-label, binary-class' ? 'labels' : 'classes'}){' '}
              <span className="mono" title={dataset.contentHash}>
                {shortHash(dataset.contentHash)}
              </span>
            </dd>
            <dt>Initial weights</dt>
            <dd>
              {weightsSource ? (
                <>
                  {weightsSource.name}{' '}
                  <span className="mono" title={weightsSource.sha256}>
                    {shortHash(weightsSource.sha256)}
                  </span>
                </>
              ) : (
                'none (from scratch)'
              )}
            </dd>
            <dt>Transfer</dt>
            <dd>{trial.transferMode}</dd>
            <dt>Created / started / finished</dt>
            <dd>
              {formatTime(trial.createdAt)} / {formatTime(trial.startedAt)} / {formatTime(trial.finishedAt)} (
              {formatDuration(trial.startedAt, trial.finishedAt)})
            </dd>
            <dt>Config hash</dt>
            <dd className="mono" title={trial.configHash}>
              {shortHash(trial.configHash)}
            </dd>
          </dl>
          <h3>Final metrics</h3>
          {detail.finalMetrics.length === 0 ? (
            <p className="muted">None recorded yet.</p>
          ) : (
            <table className="data" data-testid="final-metrics">
              <thead>
                <tr>
                  <th scope="col">Split</th>
                  <th scope="col">Metric</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                </tr>
              </thead>
              <tbody>
                {detail.finalMetrics.map((m) => (
                  <tr key={`${m.split}-${m.name}`}>
                    <td>{m.split}</td>
                    <td>{m.name}</td>
                    <td className="num">{formatMetric(m.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="panel" aria-labelledby="config-heading">
          <h2 id="config-heading" style={{ marginTop: 0 }}>
            Config
          </h2>
          <pre
            className="mono"
            data-testid="trial-config"
            style={{ overflow: 'auto', maxHeight: '24rem', margin: 0 }}
          >
            {JSON.stringify(trial.config, null, 2)}
          </pre>
        </section>
      </div>
      <h2>Lineage</h2>
      <LineagePanel detail={detail} canVerify={canVerify} />
      <h2>Learning curves</h2>
      <LearningCurves curves={detail.curves} bestEpoch={trial.bestEpoch} />
      <h2>Evaluation</h2>
      <EvaluationCharts trialId={trial.id} />
      <h2>Grad-CAM</h2>
      <GradCamGallery artifacts={detail.artifacts} />
      <h2>Artifacts</h2>
      <ArtifactsPanel artifacts={detail.artifacts} />
      <h2>Attempts and workers</h2>
      {detail.attempts.length === 0 ? (
        <p className="muted" data-testid="attempts-empty">
          No worker attempts are recorded for this trial.
        </p>
      ) : (
        <table className="data" data-testid="attempts-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                Attempt
              </th>
              <th scope="col">Worker</th>
              <th scope="col">Backend</th>
              <th scope="col">Code</th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {detail.attempts.map((a) => (
              <tr key={a.id} data-testid="attempt-row">
                <td className="num">{a.attempt}</td>
                <td className="mono">{a.workerIdentity}</td>
                <td>
                  {a.backend} {a.backendVersion}
                </td>
                <td className="mono" title={a.codeVersion}>
                  {a.codeVersion.slice(0, 10)}
                </td>
                <td>{formatTime(a.startedAt)}</td>
                <td>{formatTime(a.endedAt)}</td>
                <td>
                  {a.outcome ?? 'running'}
                  {a.error && <span className="muted"> — {a.error}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
