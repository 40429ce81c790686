// Reading facts for a report through one door, so every value a filler states is recorded as a citation
// of the record and field it came from.
import { InvalidReportFactError } from '../errors.js';
import type { JsonValue } from '../lineage/canonical-json.js';
import type { RecordKind, ReportFacts } from './facts.js';
import type { Citation } from './items.js';

/** The record of `kind` (for list records, the element with `id`), or undefined. */
export function recordOf(facts: ReportFacts, kind: RecordKind, id?: string): { id: string } | undefined {
  const record = facts[kind] as { id: string } | readonly { id: string }[] | undefined;
  if (Array.isArray(record)) return record.find((r) => r.id === id);
  return record as { id: string } | undefined;
}

/** The value at a dotted path (`splits.test.count`, `rows.0.drop.auc.lower`) of a record. */
export function valueAt(record: unknown, field: string): unknown {
  let value: unknown = record;
  for (const key of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Reads facts and remembers what was read, for one item. */
export class Sources {
  private readonly cited: Citation[] = [];

  constructor(readonly facts: ReportFacts) {}

  /** The value of `field` in record `kind` (list records: the element `id`), cited. */
  read(kind: RecordKind, field: string, id?: string): JsonValue {
    const record = recordOf(this.facts, kind, id);
    if (!record)
      throw new InvalidReportFactError(kind, field, id === undefined ? 'is absent' : `has no record ${id}`);
    const value = valueAt(record, field);
    if (value === undefined) throw new InvalidReportFactError(kind, field, 'is undefined');
    const json = value as JsonValue;
    if (!this.cited.some((c) => c.recordKind === kind && c.recordId === record.id && c.field === field)) {
      this.cited.push({ recordKind: kind, recordId: record.id, field, value: json });
    }
    return json;
  }

  number(kind: RecordKind, field: string, id?: string): number {
    return this.read(kind, field, id) as number;
  }

  text(kind: RecordKind, field: string, id?: string): string {
    return String(this.read(kind, field, id));
  }

  citations(): readonly Citation[] {
    return [...this.cited];
  }
}
