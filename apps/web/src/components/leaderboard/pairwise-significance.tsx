'use client';
// The leader's best run against each next entry's best run on the same test images: accuracy by
// McNemar, AUC by DeLong (binary tasks) and a paired bootstrap. Each comparison reads both runs'
// predictions, so they load here, after the page, one query per pair.
import { useQueries } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage } from '../../lib/api-error';
import { formatMetric } from '../../lib/format';
import { useTRPC } from '../../trpc/client';

export interface PairwiseEntry {
  rank: number;
  trialId: string;
  label: string;
}

const formatP = (p: number | null | undefined) =>
  p === null || p === undefined ? '—' : p < 1e-4 ? '< 0.0001' : p.toFixed(4);

export function PairwiseSignificance({ entries }: { entries: readonly PairwiseEntry[] }) {
  const trpc = useTRPC();
  const [leader, ...others] = entries;
  const comparisons = useQueries({
    queries: others.map((other) =>
      trpc.leaderboard.compare.queryOptions(
        { trialIdA: leader!.trialId, trialIdB: other.trialId },
        { staleTime: Infinity },
      ),
    ),
  });
  if (leader === undefined || others.length === 0) {
    return <p className="muted">Pairwise tests need at least two ranked configurations.</p>;
  }
  return (
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
            Δ AUC [95% CI]
          </th>
          <th scope="col" className="num">
            DeLong p
          </th>
        </tr>
      </thead>
      <tbody>
        {others.map((other, i) => {
          const q = comparisons[i]!;
          return (
            <tr key={other.trialId} data-testid="pairwise-row">
              <td>
                <Link href={`/trials/${leader.trialId}`}>
                  #{leader.rank} {leader.label}
                </Link>
              </td>
              <td>
                <Link href={`/trials/${other.trialId}`}>
                  #{other.rank} {other.label}
                </Link>
              </td>
              {q.isPending ? (
                <td colSpan={4} className="muted">
                  computing…
                </td>
              ) : q.isError ? (
                <td colSpan={4} className="muted" data-testid="pairwise-unavailable">
                  not available: {errorMessage(q.error)}
                </td>
              ) : (
                <>
                  <td className="num">{formatMetric(q.data.comparison.accuracy.difference)}</td>
                  <td className="num" data-testid="pairwise-p-mcnemar">
                    {formatP(q.data.comparison.accuracy.mcnemar.pValue)}
                  </td>
                  <td className="num">
                    {formatMetric(q.data.comparison.auc.difference)} [
                    {formatMetric(q.data.comparison.auc.pairedBootstrap.lower)},{' '}
                    {formatMetric(q.data.comparison.auc.pairedBootstrap.upper)}]
                  </td>
                  <td className="num" data-testid="pairwise-p-delong">
                    {formatP(q.data.comparison.auc.delong?.pValue)}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
