// Per architecture: the pretrained arm against training from scratch, and the gain with its interval.
import type { RouterOutputs } from '@medsweep/api';
import { formatMetric } from '../../lib/format';

type Row = RouterOutputs['leaderboard']['scratchVsTransfer'][number];
type Arm = NonNullable<Row['scratch']>;

function ArmCell({ arm }: { arm: Arm | null }) {
  if (arm === null) return <td className="muted">—</td>;
  return (
    <td className="num">
      {formatMetric(arm.mean)} ± {formatMetric(arm.std)} <span className="muted">(n={arm.n})</span>
    </td>
  );
}

export function ScratchVsTransferTable({ rows, metricLabel }: { rows: readonly Row[]; metricLabel: string }) {
  if (rows.length === 0) {
    return (
      <p className="notice" data-testid="arms-empty">
        No completed trials with {metricLabel} and its validation counterpart yet.
      </p>
    );
  }
  return (
    <table className="data" data-testid="arms-table" aria-labelledby="arms-heading">
      <thead>
        <tr>
          <th scope="col">Architecture</th>
          <th scope="col">Pretrained arm</th>
          <th scope="col" className="num">
            Pretrained
          </th>
          <th scope="col" className="num">
            Scratch
          </th>
          <th scope="col" className="num">
            Gain
          </th>
          <th scope="col" className="num">
            95% CI of gain
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.architecture}-${r.pretrained?.initialisation ?? 'none'}`} data-testid="arms-row">
            <td>{r.architecture}</td>
            <td>{r.pretrained?.initialisation ?? '—'}</td>
            <ArmCell arm={r.pretrained} />
            <ArmCell arm={r.scratch} />
            <td className="num">{formatMetric(r.gain?.estimate)}</td>
            <td className="num">
              {r.gain ? `[${formatMetric(r.gain.lower)}, ${formatMetric(r.gain.upper)}]` : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
