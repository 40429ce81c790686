// A report as one self-contained HTML page: inline style, no scripts, no external resources; every
// string escaped; tables as tables; reliability diagrams as inline SVG.
import type { ReliabilityBin } from '../metrics/calibration.js';
import type { Report } from './assemble.js';
import { statusCounts } from './assemble.js';
import type { ReportBlock, ReportItem } from './items.js';
import { citationSummary } from './items.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function htmlTable(
  caption: string,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const SIZE = 320;
const MARGIN = 40;
const PLOT = SIZE - 2 * MARGIN;
const x = (p: number) => (MARGIN + p * PLOT).toFixed(1);
const y = (p: number) => (SIZE - MARGIN - p * PLOT).toFixed(1);

function binPoints(bins: readonly ReliabilityBin[], colour: string, label: string): string {
  const total = bins.reduce((s, b) => s + b.count, 0) || 1;
  return bins
    .filter((b) => b.count > 0 && b.meanConfidence !== null && b.observedFrequency !== null)
    .map((b) => {
      const radius = (2 + 10 * Math.sqrt(b.count / total)).toFixed(1);
      const title = `${label}: ${b.count} images, confidence ${b.meanConfidence!.toFixed(3)}, observed ${b.observedFrequency!.toFixed(3)}`;
      return `<circle cx="${x(b.meanConfidence!)}" cy="${y(b.observedFrequency!)}" r="${radius}" fill="${colour}" fill-opacity="0.6"><title>${escapeHtml(title)}</title></circle>`;
    })
    .join('');
}

/** Observed frequency against mean confidence per bin (area by image count), with the diagonal. */
export function reliabilitySvg(
  before: readonly ReliabilityBin[],
  after: readonly ReliabilityBin[] | null,
  caption: string,
): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<text x="${x(t)}" y="${SIZE - MARGIN + 16}" text-anchor="middle">${t}</text>` +
        `<text x="${MARGIN - 6}" y="${y(t)}" text-anchor="end" dominant-baseline="middle">${t}</text>`,
    )
    .join('');
  return (
    `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-label="${escapeHtml(caption)}" font-size="11">` +
    `<rect x="${MARGIN}" y="${MARGIN}" width="${PLOT}" height="${PLOT}" fill="none" stroke="#888"/>` +
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#888" stroke-dasharray="4 3"/>` +
    ticks +
    `<text x="${SIZE / 2}" y="${SIZE - 6}" text-anchor="middle">mean predicted probability</text>` +
    `<text x="12" y="${SIZE / 2}" text-anchor="middle" transform="rotate(-90 12 ${SIZE / 2})">observed frequency</text>` +
    binPoints(before, '#c0392b', 'as trained') +
    (after === null ? '' : binPoints(after, '#2471a3', 'after temperature scaling')) +
    `</svg><figcaption>${escapeHtml(caption)}: <span style="color:#c0392b">&#9679; as trained</span>` +
    (after === null ? '' : ` <span style="color:#2471a3">&#9679; after temperature scaling</span>`) +
    `</figcaption></figure>`
  );
}

function blockHtml(block: ReportBlock): string {
  switch (block.kind) {
    case 'text':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'table':
      return htmlTable(block.caption, block.columns, block.rows);
    case 'reliability-diagram':
      return reliabilitySvg(block.before, block.after, block.caption);
  }
}

const STATUS_CLASS = {
  filled: 'filled',
  'to be supplied by the authors': 'pending',
  'not applicable': 'na',
} as const;

function itemHtml(item: ReportItem): string {
  const sources =
    item.citations.length === 0
      ? ''
      : `<details><summary>Sources (${item.citations.length} fields)</summary><ul>${citationSummary(
          item.citations,
        )
          .map((line) => `<li><code>${escapeHtml(line)}</code></li>`)
          .join('')}</ul></details>`;
  return (
    `<section class="item ${STATUS_CLASS[item.status]}" id="item-${escapeHtml(item.id)}">` +
    `<h3>${escapeHtml(`${item.id} ${item.topic}`)} <span class="status">${escapeHtml(item.status)}</span></h3>` +
    `<p class="asks">${escapeHtml(item.asks)}</p>` +
    item.value.map(blockHtml).join('\n') +
    (item.authorsAdd === null
      ? ''
      : `<p class="add"><strong>Authors add:</strong> ${escapeHtml(item.authorsAdd)}</p>`) +
    sources +
    `</section>`
  );
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:0.8em 0;font-size:0.92em}caption{text-align:left;font-weight:600;padding:0.3em 0}
th,td{border:1px solid #ccc;padding:0.25em 0.5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
.item{border-left:4px solid #ccc;padding:0.2em 1em;margin:1em 0}.filled{border-color:#27ae60}.pending{border-color:#e67e22}.na{border-color:#999}
.status{font-size:0.75em;font-weight:normal;color:#555;margin-left:0.5em}.asks{color:#555;font-style:italic}.add{color:#a04000}
code{font-size:0.85em;word-break:break-all}`;

/** The whole report as a self-contained HTML document. */
export function renderHtml(report: Report): string {
  const { checklist, subject } = report;
  const counts = statusCounts(report);
  const pending = report.items.filter((i) => i.status === 'to be supplied by the authors');
  const body: string[] = [];
  let current = '';
  for (const item of report.items) {
    if (item.section !== current) {
      current = item.section;
      body.push(`<h2>${escapeHtml(current)}</h2>`);
    }
    body.push(itemHtml(item));
  }
  const title = `${checklist.name}: ${subject.sweepName}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(checklist.reference)}</p>
<p>${escapeHtml(`Sweep ${subject.sweepId}, configuration ${subject.configuration}, trial ${subject.trialId}, dataset ${subject.datasetName}, lineage record ${subject.lineageRecordHash}.`)}</p>
<p>${escapeHtml(`${counts.filled} items filled from the platform's records, ${counts['to be supplied by the authors']} to be supplied by the authors, ${counts['not applicable']} not applicable.`)}</p>
${htmlTable(
  'Items',
  ['item', 'topic', 'status'],
  report.items.map((i) => [i.id, i.topic, i.status]),
)}
<h2>To be supplied by the authors</h2>
${pending.length === 0 ? '<p>None.</p>' : `<ul>${pending.map((i) => `<li>${escapeHtml(`${i.id} ${i.topic}: ${i.asks}`)}</li>`).join('')}</ul>`}
${body.join('\n')}
</body></html>
`;
}
