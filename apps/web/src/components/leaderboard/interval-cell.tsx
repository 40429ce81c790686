// One interval of a leaderboard table: the range (with how a gain pairs its arms), "n too small" below
// three seeds, or a dash with the reason on hover where it could not be computed. The title carries the
// method, n and df, so every shown range says how it was made.
import type { RouterOutputs } from '@medsweep/api';
import { formatMetric } from '../../lib/format';

type Entry = RouterOutputs['leaderboard']['get']['entries'][number];
type Row = RouterOutputs['leaderboard']['scratchVsTransfer']['rows'][number];
export type ShownInterval =
  | Entry['overSeeds']
  | NonNullable<Entry['newPatients']>
  | NonNullable<Row['gain']>
  | NonNullable<Row['newPatients']>;

const PAIRING: Record<string, string> = {
  'paired-t': 'paired',
  'welch-t': 'Welch',
  'two-level-paired': 'paired',
  'two-level-welch': 'Welch',
};

export function IntervalCell({
  interval,
  testId,
}: {
  interval: ShownInterval | null | undefined;
  testId: string;
}) {
  if (interval === null || interval === undefined) {
    return (
      <td className="num muted" data-testid={testId}>
        —
      </td>
    );
  }
  switch (interval.outcome) {
    case 'unavailable':
      return (
        <td className="num muted" data-testid={testId} data-outcome="unavailable" title={interval.reason}>
          —
        </td>
      );
    case 'refused':
      return (
        <td className="num muted" data-testid={testId} data-outcome="refused" title={interval.reason}>
          n too small
        </td>
      );
    case 'interval': {
      const pairing = PAIRING[interval.method];
      return (
        <td
          className="num"
          data-testid={testId}
          data-outcome="interval"
          data-method={interval.method}
          title={`${interval.method}, n = ${interval.n}, df = ${interval.df.toFixed(1)}, ${Math.round(interval.confidence * 100)}% confidence`}
        >
          [{formatMetric(interval.lower)}, {formatMetric(interval.upper)}]
          {pairing && <span className="muted"> {pairing}</span>}
        </td>
      );
    }
    default: {
      const unknown: never = interval;
      return unknown;
    }
  }
}
