// Ranked configurations: mean and spread over seeds, the Student-t interval of the mean over seeds, the
// two-level interval for new patients, and every run, each linked to its trial so any number traces
// back to what produced it.
import type { RouterOutputs } from '@medsweep/api';
import Link from 'next/link';
import { describeParams, formatMetric } from '../../lib/format';
import { IntervalCell } from './interval-cell';

type Entry = RouterOutputs['leaderboard']['get']['entries'][number];

export function LeaderboardTable({
  entries,
  metricLabel,
}: {
  entries: readonly Entry[];
  metricLabel: string;
}) {
  if (entries.length === 0) {
    return (
      <p className="notice" data-testid="leaderboard-empty">
        No completed trials with {metricLabel} yet.
      </p>
    );
  }
  return (
    <table className="data" data-testid="leaderboard-table" aria-labelledby="leaderboard-heading">
      <thead>
        <tr>
          <th scope="col" className="num">
            Rank
          </th>
          <th scope="col">Architecture</th>
          <th scope="col">Arm</th>
          <th scope="col">Configuration</th>
          <th scope="col" className="num">
            n
          </th>
          <th scope="col" className="num">
            Mean
          </th>
          <th scope="col" className="num">
            Std
          </th>
          <th
            scope="col"
            className="num"
            title="Student t over the seeds: the mean over seeds on these test images"
          >
            95% CI over seeds (t)
          </th>
          <th
            scope="col"
            className="num"
            title="Seeds and test images resampled: what another sample of patients would show"
          >
            95% CI for new patients (two-level)
          </th>
          <th scope="col">Runs (seed: value)</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => {
          const params = (e.label.config as { params?: Record<string, unknown> }).params;
          return (
            <tr key={e.groupKey} data-testid="leaderboard-row" data-rank={e.rank}>
              <td className="num">{e.rank}</td>
              <td>{e.label.architecture}</td>
              <td>
                {e.label.initialisation}
                {e.label.transferMode !== 'full' && <span className="muted"> ({e.label.transferMode})</span>}
              </td>
              <td className="mono">{describeParams(params)}</td>
              <td className="num">{e.n}</td>
              <td className="num" data-testid="leaderboard-mean">
                {formatMetric(e.mean)}
              </td>
              <td className="num">{formatMetric(e.std)}</td>
              <IntervalCell interval={e.overSeeds} testId="leaderboard-ci" />
              <IntervalCell interval={e.newPatients} testId="leaderboard-new-patients" />
              <td>
                {e.runs.map((r, i) => (
                  <span key={r.trialId}>
                    {i > 0 && ', '}
                    <Link href={`/trials/${r.trialId}`} data-testid="leaderboard-run-link">
                      {r.seed}: {formatMetric(r.value, 3)}
                    </Link>
                  </span>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
