// Which final metric a leaderboard ranks: `?metric=test.auc&goal=maximize`, defaulting to test AUC.

export interface MetricChoice {
  metric: { split: 'val' | 'test'; name: string };
  goal: 'maximize' | 'minimize';
}

const METRIC_PARAM = /^(val|test)\.([a-z][a-z0-9_]{0,62})$/;

/** A loss is minimised, everything else (AUC, accuracy, F1, ...) maximised, unless `goal` says otherwise. */
export function metricChoice(metric: unknown, goal: unknown): MetricChoice {
  const match = typeof metric === 'string' ? METRIC_PARAM.exec(metric) : null;
  const chosen = match
    ? { split: match[1] as 'val' | 'test', name: match[2] as string }
    : { split: 'test' as const, name: 'auc' };
  const fallback = chosen.name.includes('loss') ? 'minimize' : 'maximize';
  return { metric: chosen, goal: goal === 'maximize' || goal === 'minimize' ? goal : fallback };
}

export const metricParam = (m: MetricChoice['metric']): string => `${m.split}.${m.name}`;
