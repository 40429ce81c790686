// A configuration's robustness in one cell of its leaderboard row: for each seed with a panel, the mean
// AUC drop over the corruptions at severity 3 and the worst corruption and severity, linked to the trial
// whose page has the full table. Configurations without a panel say so (the trial page runs one).
import type { RouterOutputs } from '@medsweep/api';
import Link from 'next/link';
import { formatMetric } from '../../lib/format';

export type ConfigurationRobustness = RouterOutputs['evaluations']['robustness'][number];

export function RobustnessSummaryCell({ robustness }: { robustness: ConfigurationRobustness | undefined }) {
  if (robustness === undefined || robustness.trials.length === 0) {
    return (
      <td className="muted" data-testid="leaderboard-robustness">
        —
      </td>
    );
  }
  return (
    <td data-testid="leaderboard-robustness">
      {robustness.trials.map(({ trialId, seed, summary }) => (
        <div key={trialId}>
          <Link href={`/trials/${trialId}`} data-testid="leaderboard-robustness-link">
            seed {seed}
          </Link>
          : mean AUC drop {formatMetric(summary.meanDrop.auc, 3)} at severity {summary.severity} over{' '}
          {summary.corruptions} corruptions
          {summary.worst && (
            <span className="muted">
              ; worst {summary.worst.corruption} {summary.worst.severity} (
              {formatMetric(summary.worst.aucDrop, 3)})
            </span>
          )}
        </div>
      ))}
    </td>
  );
}
