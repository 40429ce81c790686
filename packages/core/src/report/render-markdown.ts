// A report as Markdown. Every string from the facts is escaped: HTML special characters become entities
// (Markdown passes raw HTML through) and Markdown punctuation is backslash-escaped, so a hostile dataset
// or class name renders as text.
import type { ReliabilityBin } from '../metrics/calibration.js';
import type { Report } from './assemble.js';
import { statusCounts } from './assemble.js';
import type { ReportBlock, ReportItem } from './items.js';
import { citationSummary } from './items.js';

/**
 * Text safe in Markdown prose and table cells: on one line, HTML special characters as entities, inline
 * markup characters and table pipes backslash-escaped, and a leading block marker (heading, list, rule)
 * escaped.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+=-])(?=[\s#+=-]|$)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}

function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [line(columns), `|${columns.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

const number = (x: number | null) => (x === null ? '' : x.toFixed(3));

function binRows(bins: readonly ReliabilityBin[]): string[][] {
  return bins.map((b) => [
    `${number(b.lower)}-${number(b.upper)}`,
    String(b.count),
    number(b.meanConfidence),
    number(b.observedFrequency),
  ]);
}

export function blockMarkdown(block: ReportBlock): string {
  switch (block.kind) {
    case 'text':
      return escapeMarkdown(block.text);
    case 'table':
      return `${escapeMarkdown(block.caption)}\n\n${markdownTable(block.columns, block.rows)}`;
    case 'reliability-diagram': {
      const columns = ['bin', 'images', 'mean confidence', 'observed frequency'];
      const before = `${escapeMarkdown(`${block.caption}: as trained`)}\n\n${markdownTable(columns, binRows(block.before))}`;
      return block.after === null
        ? before
        : `${before}\n\n${escapeMarkdown('After temperature scaling')}\n\n${markdownTable(columns, binRows(block.after))}`;
    }
  }
}

function itemMarkdown(item: ReportItem): string {
  const parts = [
    `### ${escapeMarkdown(`${item.id} ${item.topic}`)} (${item.status})`,
    `*${escapeMarkdown(`Asks: ${item.asks}`)}*`,
  ];
  parts.push(...item.value.map(blockMarkdown));
  if (item.authorsAdd !== null) parts.push(`**Authors add:** ${escapeMarkdown(item.authorsAdd)}`);
  if (item.citations.length > 0) {
    parts.push(`Sources: ${citationSummary(item.citations).map(escapeMarkdown).join('; ')}`);
  }
  return parts.join('\n\n');
}

/** The whole report: subject, summary, the items to be supplied, then every item by section. */
export function renderMarkdown(report: Report): string {
  const { checklist, subject } = report;
  const counts = statusCounts(report);
  const pending = report.items.filter((i) => i.status === 'to be supplied by the authors');
  const sections: string[] = [];
  let current = '';
  for (const item of report.items) {
    if (item.section !== current) {
      current = item.section;
      sections.push(`## ${escapeMarkdown(current)}`);
    }
    sections.push(itemMarkdown(item));
  }
  return (
    [
      `# ${escapeMarkdown(`${checklist.name}: ${subject.sweepName}`)}`,
      escapeMarkdown(checklist.reference),
      escapeMarkdown(
        `Sweep ${subject.sweepId}, configuration ${subject.configuration}, trial ${subject.trialId}, dataset ${subject.datasetName}, lineage record ${subject.lineageRecordHash}.`,
      ),
      escapeMarkdown(
        `${counts.filled} items filled from the platform's records, ${counts['to be supplied by the authors']} to be supplied by the authors, ${counts['not applicable']} not applicable.`,
      ),
      markdownTable(
        ['item', 'topic', 'status'],
        report.items.map((i) => [i.id, i.topic, i.status]),
      ),
      '## To be supplied by the authors',
      pending.length === 0
        ? 'None.'
        : pending.map((i) => `- ${escapeMarkdown(`${i.id} ${i.topic}: ${i.asks}`)}`).join('\n'),
      ...sections,
    ].join('\n\n') + '\n'
  );
}
