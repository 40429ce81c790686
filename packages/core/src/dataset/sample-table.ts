// The per-sample records of one split, stored as one content-addressed JSON blob in columns (one array
// per field, index = sample in the split's shards): keys, exact and perceptual image hashes and, when
// the source gives them, patient, study, series, site, modality and free attributes. Columns without
// any value are left out, so a table holds only what the source said.
import { z } from 'zod';
import { canonicalJson } from '../lineage/canonical-json.js';
import type { SampleAttributes, SampleProvenance } from './splits.js';
import { DatasetManifestError } from '../errors.js';

export const SAMPLE_TABLE_FORMAT = 'medsweep.samples/1';

/** One sample's row: its key, hashes and provenance (labels stay in the label shard). */
export interface SampleRow extends SampleProvenance {
  key: string;
  pixelSha256: string;
  perceptualHash: string;
}

const PROVENANCE_COLUMNS = ['patientId', 'studyId', 'seriesId', 'site', 'modality'] as const;

const optionalText = z.array(z.string().nullable()).optional();
const attributeValue = z.union([z.string(), z.number(), z.boolean()]).nullable();

const tableSchema = z.object({
  format: z.literal(SAMPLE_TABLE_FORMAT),
  keys: z.array(z.string().min(1)),
  pixelSha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  perceptualHash: z.array(z.string().regex(/^[0-9a-f]{16}$/)),
  patientId: optionalText,
  studyId: optionalText,
  seriesId: optionalText,
  site: optionalText,
  modality: optionalText,
  attributes: z.record(z.string(), z.array(attributeValue)).optional(),
});

/** The canonical JSON bytes of a split's rows (their sha256 is the blob's name). */
export function encodeSampleTable(rows: readonly SampleRow[]): Uint8Array {
  const table: Record<string, unknown> = {
    format: SAMPLE_TABLE_FORMAT,
    keys: rows.map((r) => r.key),
    pixelSha256: rows.map((r) => r.pixelSha256),
    perceptualHash: rows.map((r) => r.perceptualHash),
  };
  for (const column of PROVENANCE_COLUMNS) {
    if (rows.some((r) => r[column] !== undefined)) table[column] = rows.map((r) => r[column] ?? null);
  }
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.attributes ?? {})))].sort();
  if (names.length > 0) {
    table.attributes = Object.fromEntries(names.map((n) => [n, rows.map((r) => r.attributes?.[n] ?? null)]));
  }
  return new TextEncoder().encode(canonicalJson(table));
}

/** Parses a stored table back into rows; `count` is the split's sample count from the manifest. */
export function decodeSampleTable(
  bytes: Uint8Array,
  count: number,
  datasetId: string,
  split: string,
): SampleRow[] {
  let parsed: z.infer<typeof tableSchema>;
  try {
    parsed = tableSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    throw new DatasetManifestError(
      datasetId,
      `the ${split} samples table is not a ${SAMPLE_TABLE_FORMAT} table`,
      {
        cause: error,
      },
    );
  }
  const columns = [
    parsed.keys,
    parsed.pixelSha256,
    parsed.perceptualHash,
    ...PROVENANCE_COLUMNS.map((c) => parsed[c]),
    ...Object.values(parsed.attributes ?? {}),
  ];
  if (columns.some((c) => c !== undefined && c.length !== count)) {
    throw new DatasetManifestError(
      datasetId,
      `the ${split} samples table does not have ${count} rows in every column`,
    );
  }
  return parsed.keys.map((key, i) => {
    const row: SampleRow = {
      key,
      pixelSha256: parsed.pixelSha256[i] as string,
      perceptualHash: parsed.perceptualHash[i] as string,
    };
    for (const column of PROVENANCE_COLUMNS) {
      const value = parsed[column]?.[i];
      if (value !== undefined && value !== null) row[column] = value;
    }
    const attributes: Record<string, string | number | boolean> = {};
    for (const [name, values] of Object.entries(parsed.attributes ?? {})) {
      const value = values[i];
      if (value !== undefined && value !== null) attributes[name] = value;
    }
    if (Object.keys(attributes).length > 0) row.attributes = attributes as SampleAttributes;
    return row;
  });
}
