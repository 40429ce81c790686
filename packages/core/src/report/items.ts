// A report is a list of checklist items, each filled from facts with the records it cites, or marked as
// something only the authors can supply. Values are blocks (text, tables, a reliability diagram) so the
// renderers decide how they look; assembling never formats for one output.
import type { JsonValue } from '../lineage/canonical-json.js';
import type { ReliabilityBin } from '../metrics/calibration.js';
import type { RecordKind } from './facts.js';

export const ITEM_STATUSES = ['filled', 'to be supplied by the authors', 'not applicable'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Where a value came from: a record of the facts, a field of it (dotted path) and the value there. */
export interface Citation {
  readonly recordKind: RecordKind;
  readonly recordId: string;
  /** Dotted path in the record, e.g. `splits.test.count`, `result.metrics.auc.lower`. */
  readonly field: string;
  readonly value: JsonValue;
}

export type ReportBlock =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly caption: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    }
  | {
      readonly kind: 'reliability-diagram';
      readonly caption: string;
      readonly before: readonly ReliabilityBin[];
      readonly after: readonly ReliabilityBin[] | null;
    };

export interface ReportItem {
  /** The checklist's item number, e.g. `3c`, `23a`, `30`. */
  readonly id: string;
  readonly section: string;
  /** Short topic, e.g. `Fairness`. */
  readonly topic: string;
  /** What the item asks, in our words. */
  readonly asks: string;
  readonly status: ItemStatus;
  /** Empty unless filled. */
  readonly value: readonly ReportBlock[];
  /** Every fact the value states; non-empty for a filled item. */
  readonly citations: readonly Citation[];
  /** What the authors still have to add to a filled item (what the platform cannot know); null if nothing. */
  readonly authorsAdd: string | null;
}

/** The outcome of a filler: the blocks it wrote and, optionally, what remains for the authors. */
export interface FilledContent {
  readonly status: 'filled' | 'not applicable';
  readonly value: readonly ReportBlock[];
  readonly authorsAdd?: string;
}

/** Citations grouped by record: `dataset <id>: licence, name`. */
export function citationSummary(citations: readonly Citation[]): string[] {
  const byRecord = new Map<string, string[]>();
  for (const c of citations) {
    const record = `${c.recordKind} ${c.recordId}`;
    byRecord.set(record, [...(byRecord.get(record) ?? []), c.field]);
  }
  return [...byRecord].map(([record, fields]) => `${record}: ${fields.join(', ')}`);
}
