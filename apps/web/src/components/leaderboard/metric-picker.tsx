// Choosing the ranked metric: a plain GET form, so it works before (and without) JavaScript.
import type { MetricChoice } from '../../lib/metric-choice';
import { metricParam } from '../../lib/metric-choice';

export function MetricPicker({
  metrics,
  choice,
}: {
  metrics: MetricChoice['metric'][];
  choice: MetricChoice;
}) {
  return (
    <form className="toolbar" method="get" data-testid="metric-picker">
      <label>
        Metric
        <select name="metric" defaultValue={metricParam(choice.metric)}>
          {metrics.map((m) => (
            <option key={metricParam(m)} value={metricParam(m)}>
              {m.split} {m.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Better is
        <select name="goal" defaultValue={choice.goal}>
          <option value="maximize">higher</option>
          <option value="minimize">lower</option>
        </select>
      </label>
      <button type="submit">Rank</button>
    </form>
  );
}
