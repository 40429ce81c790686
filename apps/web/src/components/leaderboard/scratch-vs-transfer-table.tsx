// Per architecture: the pretrained arm against training from scratch, and the gain with its t interval
// over seeds and its two-level interval for new patients, each paired by seed or Welch.
import type { RouterOutputs } from '@medsweep/api';
import { formatMetric } from '../../lib/format';
import { IntervalCell } from './interval-cell';

type Row = RouterOutputs['leaderboard']['scratchVsTransfer']['rows'][number];
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
            Gain 95% CI over seeds (t)
          </th>
          <th scope="col" className="num">
            Gain 95% CI for new patients (two-level)
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
            <IntervalCell interval={r.gain} testId="arms-ci" />
            <IntervalCell interval={r.newPatients} testId="arms-new-patients" />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
