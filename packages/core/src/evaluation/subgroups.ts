// Which per-sample attributes a dataset can be split into subgroups by, and one attribute's values over a
// split, from its samples table (dataset/splits.ts records): the acquisition site, and every free attribute
// the source gave (sex, age band, device, ...). Numbers and booleans are subgroups by their text.
import type { SampleRecord, SplitName } from '../dataset/splits.js';

/** The attribute that is a provenance column rather than a free attribute. */
const SITE = 'site';

/** The attributes some sample of `records` carries: `site` first when present, then the others sorted. */
export function subgroupAttributes(records: readonly SampleRecord[]): string[] {
  const names = new Set<string>();
  let site = false;
  for (const record of records) {
    if (record.site !== undefined) site = true;
    for (const name of Object.keys(record.attributes ?? {})) names.add(name);
  }
  names.delete(SITE);
  return [...(site ? [SITE] : []), ...[...names].sort()];
}

/** Each sample of `split`'s value of `attribute`, in split order; null where it has none. */
export function attributeColumn(
  records: readonly SampleRecord[],
  split: SplitName,
  attribute: string,
): (string | null)[] {
  return records
    .filter((r) => r.split === split)
    .map((r) => {
      const value = attribute === SITE ? (r.site ?? r.attributes?.[SITE]) : r.attributes?.[attribute];
      return value === undefined ? null : String(value);
    });
}
