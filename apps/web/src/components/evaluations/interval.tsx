// One metric with its interval, as every evaluation table shows it: `0.852 [0.809, 0.887]`, the value
// alone with why there is no interval, or a dash where the metric is undefined. The method, n and
// confidence are in the cell's title, so a number always says how it was made.
import type { MetricInterval } from '@medsweep/core';
import { formatMetric } from '../../lib/format';

export function IntervalCell({ value, testId }: { value: MetricInterval; testId?: string }) {
  const title = `${value.method}, n = ${value.n}, ${Math.round(value.confidence * 100)}%`;
  if (value.outcome === 'interval') {
    return (
      <td className="num" title={title} data-testid={testId}>
        {formatMetric(value.estimate, 3)}{' '}
        <span className="muted">
          [{formatMetric(value.lower, 3)}, {formatMetric(value.upper, 3)}]
        </span>
      </td>
    );
  }
  return (
    <td className="num" title={`${title}: ${value.reason}`} data-testid={testId}>
      {formatMetric(value.estimate, 3)} <span className="muted">(no interval)</span>
    </td>
  );
}
