// One chart per recorded metric (loss, auc, ...), with a line per split (train, val) against epoch.
import type { RouterOutputs } from '@medsweep/api';
import { LineChart } from '../charts/line-chart';

type Curve = RouterOutputs['trials']['get']['curves'][number];

export function LearningCurves({
  curves,
  bestEpoch,
}: {
  curves: readonly Curve[];
  bestEpoch: number | null;
}) {
  if (curves.length === 0) return <p className="muted">No epochs recorded yet.</p>;
  const names = [...new Set(curves.map((c) => c.name))].sort((a, b) =>
    a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b),
  );
  return (
    <div className="grid-2" data-testid="learning-curves">
      {names.map((name) => (
        <LineChart
          key={name}
          title={`${name} per epoch${bestEpoch === null ? '' : ` (best epoch ${bestEpoch})`}`}
          xLabel="epoch"
          integerX
          yLabel={name}
          series={curves
            .filter((c) => c.name === name)
            .map((c) => ({
              label: `${c.split} ${name}`,
              x: c.epochs,
              y: c.values,
              dashed: c.split === 'train',
              markers: c.epochs.length <= 30,
            }))}
          testId={`curve-${name}`}
        />
      ))}
    </div>
  );
}
