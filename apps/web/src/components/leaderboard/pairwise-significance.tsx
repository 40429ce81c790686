'use client';
// The leader's best run against each next entry's best run on the same test images: accuracy by
// McNemar, AUC by DeLong (binary tasks) and a paired bootstrap, each raw p-value beside its Holm-adjusted
// one over the family shown. The comparisons read the runs' predictions, so they load after the page.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage } from '../../lib/api-error';
import { formatMetric } from '../../lib/format';
import type { MetricChoice } from '../../lib/metric-choice';
import { useTRPC } from '../../trpc/client';

const formatP = (p: number | null | undefined) =>
  p === null || p === undefined ? '—' : p < 1e-4 ? '< 0.0001' : p.toFixed(4);

export function PairwiseSignificance({ sweepId, choice }: { sweepId: string; choice: MetricChoice }) {
  const trpc = useTRPC();
  const pairwise = useQuery(
    trpc.leaderboard.pairwise.queryOptions({ scope: { sweepId }, ...choice }, { staleTime: Infinity }),
  );
  if (pairwise.isPending) return <p className="muted">Computing the paired tests…</p>;
  if (pairwise.isError) {
    return (
      <p className="notice" data-testid="pairwise-unavailable">
        Not available: {errorMessage(pairwise.error)}
      </p>
    );
  }
  const table = pairwise.data;
  if (table === null) return <p className="muted">Pairwise tests need at least two ranked configurations.</p>;
  return (
    <>
      <table className="data" data-testid="pairwise-table" aria-labelledby="pairwise-heading">
        <thead>
          <tr>
            <th scope="col">Leader (A)</th>
            <th scope="col">Against (B)</th>
            <th scope="col" className="num">
              Δ accuracy
            </th>
            <th scope="col" className="num">
              McNemar p
            </th>
            <th scope="col" className="num">
              McNemar p (Holm)
            </th>
            <th scope="col" className="num">
              Δ AUC [95% CI, paired bootstrap]
            </th>
            <th scope="col" className="num">
              DeLong p
            </th>
            <th scope="col" className="num">
              DeLong p (Holm)
            </th>
            <th scope="col" className="num">
              Bootstrap p (Holm)
            </th>
          </tr>
        </thead>
        <tbody>
          {table.members.map(({ member: { a, b }, comparison, holm }) => (
            <tr key={b.trialId} data-testid="pairwise-row">
              <td>
                <Link href={`/trials/${a.trialId}`}>
                  #{a.rank} {a.label}
                </Link>
              </td>
              <td>
                <Link href={`/trials/${b.trialId}`}>
                  #{b.rank} {b.label}
                </Link>
              </td>
              <td className="num">{formatMetric(comparison.accuracy.difference)}</td>
              <td className="num" data-testid="pairwise-p-mcnemar">
                {formatP(comparison.accuracy.mcnemar.pValue)}
              </td>
              <td className="num" data-testid="pairwise-holm-mcnemar">
                {formatP(holm.mcnemar)}
              </td>
              <td className="num">
                {formatMetric(comparison.auc.difference)} [
                {formatMetric(comparison.auc.pairedBootstrap.lower)},{' '}
                {formatMetric(comparison.auc.pairedBootstrap.upper)}]
              </td>
              <td className="num" data-testid="pairwise-p-delong">
                {formatP(comparison.auc.delong?.pValue)}
              </td>
              <td className="num" data-testid="pairwise-holm-delong">
                {formatP(holm.delong)}
              </td>
              <td className="num" data-testid="pairwise-holm-bootstrap">
                {formatP(holm.pairedBootstrap)}{' '}
                <span className="muted">(raw {formatP(comparison.auc.pairedBootstrap.pValue)})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" data-testid="pairwise-family">
        Family: {table.description} ({table.size} comparison{table.size === 1 ? '' : 's'}). Holm-adjusted
        p-values control the family-wise error rate over these comparisons, separately for each test;
        differences are A − B.
      </p>
    </>
  );
}
