// Downloads of the leaderboard, scratch-vs-transfer, pairwise (Holm) and paper (Table 1) tables in each
// format, served by the export route (a real file download).
import type { MetricChoice } from '../../lib/metric-choice';
import { metricParam } from '../../lib/metric-choice';

const TABLES = [
  { table: 'leaderboard', label: 'Leaderboard' },
  { table: 'scratchVsTransfer', label: 'Scratch vs transfer' },
  { table: 'pairwise', label: 'Pairwise tests' },
  { table: 'paper', label: 'Paper table' },
] as const;
const FORMATS = [
  { format: 'csv', label: 'CSV' },
  { format: 'markdown', label: 'Markdown' },
  { format: 'latex', label: 'LaTeX' },
] as const;

export function ExportLinks({ sweepId, choice }: { sweepId: string; choice: MetricChoice }) {
  return (
    <div className="toolbar" role="group" aria-label="Export" data-testid="export-links">
      {TABLES.map(({ table, label }) => (
        <span key={table}>
          {label}:{' '}
          {FORMATS.map(({ format, label: formatLabel }) => {
            const query = new URLSearchParams({
              table,
              format,
              metric: metricParam(choice.metric),
              goal: choice.goal,
            });
            return (
              <a
                key={format}
                className="button"
                href={`/sweeps/${sweepId}/leaderboard/export?${query}`}
                download
                data-testid={`export-${table}-${format}`}
              >
                {formatLabel}
              </a>
            );
          })}
        </span>
      ))}
    </div>
  );
}
