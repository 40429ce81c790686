// The auditor's report of the sweep (TRIPOD+AI or CLAIM) and the model card of the configuration chosen
// on validation, as Markdown or HTML downloads served by the report route.
const CHECKLISTS = [
  { checklist: 'tripod-ai', label: 'TRIPOD+AI' },
  { checklist: 'claim', label: 'CLAIM' },
] as const;
const FORMATS = [
  { format: 'markdown', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
] as const;

export function ReportLinks({ sweepId }: { sweepId: string }) {
  return (
    <div className="toolbar" role="group" aria-label="Report" data-testid="report-links">
      {CHECKLISTS.map(({ checklist, label }) => (
        <span key={checklist}>
          {label} report:{' '}
          {FORMATS.map(({ format, label: formatLabel }) => (
            <a
              key={format}
              className="button"
              href={`/sweeps/${sweepId}/report?${new URLSearchParams({ checklist, format })}`}
              download
              data-testid={`report-${checklist}-${format}`}
            >
              {formatLabel}
            </a>
          ))}
        </span>
      ))}
      <span>
        Model card:{' '}
        {FORMATS.map(({ format, label }) => (
          <a
            key={format}
            className="button"
            href={`/sweeps/${sweepId}/report?${new URLSearchParams({ part: 'model-card', format })}`}
            download
            data-testid={`model-card-${format}`}
          >
            {label}
          </a>
        ))}
      </span>
    </div>
  );
}
