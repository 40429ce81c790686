// Image files with their labels (and, from a manifest, their provenance and split) -> a dataset draft:
// the shared second half of the folder and manifest importers. Files are read a few at a time ahead of
// the decoder, decoded into one buffer in row order and then permuted in place into split order, so
// the dataset's pixels are held once; a split is generated from the pixels' hashes when none is given.
import { readFile } from 'node:fs/promises';
import type { SampleProvenance, SplitFractions, SplitProvenance, TaskType } from '@medsweep/core';
import { canonicalJson, duplicateLinks, findDuplicates, generateSplit, sha256Hex } from '@medsweep/core';
import type {
  DatasetDraft,
  DatasetManifest,
  ImageSplit,
  SampleSource,
  SplitName,
} from '@medsweep/core/records';
import { perceptualHash, SPLIT_NAMES } from '@medsweep/core/records';
import type { ImageDecoder } from './image-decoding.js';

/** One image to import. */
export interface ImageRow extends SampleProvenance {
  /** The image file to read. */
  file: string;
  /** Sample key: the path relative to the folder or manifest, '/'-separated. */
  key: string;
  /** One class index, or numClasses 0/1 values for multi-label data. */
  labelRow: readonly number[];
  /** The given split; all rows have one or none does. */
  split?: SplitName;
  /** Manifest row, for errors. */
  row?: number;
}

/** How to split rows that come without a split. */
export interface Holdout {
  fractions: SplitFractions;
  seed: number;
}

export interface ImageRowsDraftArgs {
  name: string;
  task: TaskType;
  classNames: readonly string[];
  kind: DatasetManifest['source']['kind'];
  /** The folder or manifest, named in errors. */
  origin: string;
  decoder: ImageDecoder;
  holdout: Holdout;
  /** Files hashed into the source hash besides the images (the manifest itself), by key. */
  extraFiles?: readonly [key: string, bytes: Uint8Array][];
  /** The error for a row whose file cannot be read because it does not exist. */
  missingFile?: (row: ImageRow) => Error;
  licence?: string;
  citation?: string;
}

/** Files read ahead of the decoder: enough to keep the disk busy while TensorFlow decodes. */
const READ_AHEAD = 16;

/** Decodes `rows` and assembles the draft (nothing is stored). */
export async function draftFromImageRows(
  rows: readonly ImageRow[],
  args: ImageRowsDraftArgs,
): Promise<DatasetDraft> {
  const { decoder } = args;
  const fileHashes: [string, string][] = (args.extraFiles ?? []).map(([key, bytes]) => [
    key,
    sha256Hex(bytes),
  ]);
  const provenance: SampleProvenance[] = [];
  let buffer: Uint8Array | undefined;
  let size = 0;
  const read = (row: ImageRow): Promise<Uint8Array> =>
    readFile(row.file).then(
      (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && args.missingFile)
          throw args.missingFile(row);
        throw error;
      },
    );
  const pending = rows.slice(0, READ_AHEAD).map(read);
  // Reads that fail after an earlier error are never awaited: keep them from being reported as unhandled.
  pending.forEach((p) => p.catch(() => undefined));
  for (const [i, row] of rows.entries()) {
    const bytes = await (pending[i] as Promise<Uint8Array>);
    pending[i] = Promise.resolve(new Uint8Array(0));
    const ahead = rows[i + READ_AHEAD];
    if (ahead) {
      const next = read(ahead);
      next.catch(() => undefined);
      pending[i + READ_AHEAD] = next;
    }
    fileHashes.push([row.key, sha256Hex(bytes)]);
    const decoded = decoder.decode(bytes, row.file, row.row);
    size = decoded.pixels.length;
    buffer ??= new Uint8Array(rows.length * size);
    buffer.set(decoded.pixels, i * size);
    // The manifest's columns win over what a DICOM file's tags say.
    const given = withoutUndefined(row);
    const attributes = { ...decoded.provenance?.attributes, ...given.attributes };
    provenance.push({
      ...decoded.provenance,
      ...given,
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    });
  }
  const pixels = buffer ?? new Uint8Array(0);
  const format = decoder.format ?? { height: 0, width: 0, channels: 1 as const };

  const { splitOf, assignment } = splitRows(rows, args, pixels, size, format);
  const order = SPLIT_NAMES.flatMap((split) => rows.flatMap((_, i) => (splitOf[i] === split ? [i] : [])));
  permuteRecords(pixels, size, order);

  const splits = {} as Record<SplitName, ImageSplit>;
  const bySplit = {} as Record<SplitName, SampleSource[]>;
  const labelWidth = rows[0]?.labelRow.length ?? 1;
  let start = 0;
  for (const split of SPLIT_NAMES) {
    const members = order.slice(start, start + order.filter((i) => splitOf[i] === split).length);
    const labels = new Uint8Array(members.length * labelWidth);
    members.forEach((i, k) => labels.set((rows[i] as ImageRow).labelRow, k * labelWidth));
    splits[split] = {
      count: members.length,
      ...format,
      images: pixels.subarray(start * size, (start + members.length) * size),
      labels,
    };
    bySplit[split] = members.map((i) => ({ key: (rows[i] as ImageRow).key, ...provenance[i] }));
    start += members.length;
  }
  fileHashes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    name: args.name,
    task: args.task,
    classNames: args.classNames,
    source: {
      kind: args.kind,
      sha256: sha256Hex(canonicalJson(fileHashes)),
      ...(args.licence === undefined ? {} : { licence: args.licence }),
      ...(args.citation === undefined ? {} : { citation: args.citation }),
    },
    origin: args.origin,
    splits,
    samples: { bySplit, assignment },
  };
}

/** Each row's split: as given, or generated (patient-disjoint, stratified, duplicates kept together). */
function splitRows(
  rows: readonly ImageRow[],
  args: ImageRowsDraftArgs,
  pixels: Uint8Array,
  size: number,
  format: { height: number; width: number; channels: 1 | 3 },
): { splitOf: SplitName[]; assignment: SplitProvenance } {
  if (rows.every((r) => r.split !== undefined)) {
    return { splitOf: rows.map((r) => r.split as SplitName), assignment: { method: 'given' } };
  }
  const multiLabel = args.task === 'multi-label, binary-class';
  // Exact duplicates share their perceptual hash, so the perceptual hashes link both kinds.
  const hashes = rows.map((_, i) => ({
    perceptualHash: perceptualHash(
      pixels.subarray(i * size, (i + 1) * size),
      format.height,
      format.width,
      format.channels,
    ),
  }));
  const together = duplicateLinks(findDuplicates(hashes));
  const { assignment, groupedBy } = generateSplit(
    rows.map((r) => ({
      key: r.key,
      labels: multiLabel ? r.labelRow.flatMap((v, l) => (v === 1 ? [l] : [])) : [r.labelRow[0] as number],
      ...(r.patientId === undefined ? {} : { patientId: r.patientId }),
      ...(r.studyId === undefined ? {} : { studyId: r.studyId }),
    })),
    { seed: args.holdout.seed, fractions: args.holdout.fractions, together },
  );
  return {
    splitOf: assignment,
    assignment: {
      method: 'generated',
      seed: args.holdout.seed,
      fractions: args.holdout.fractions,
      stratified: true,
      groupedBy,
    },
  };
}

/**
 * Reorders fixed-size records in place so that record order[k] ends up at position k, following each
 * permutation cycle with one record of scratch space: no second copy of the pixels.
 */
function permuteRecords(data: Uint8Array, size: number, order: readonly number[]): void {
  const placed = new Uint8Array(order.length);
  const scratch = new Uint8Array(size);
  for (let start = 0; start < order.length; start++) {
    if (placed[start] || order[start] === start) continue;
    scratch.set(data.subarray(start * size, (start + 1) * size));
    let k = start;
    for (;;) {
      placed[k] = 1;
      const from = order[k] as number;
      if (from === start) {
        data.set(scratch, k * size);
        break;
      }
      data.copyWithin(k * size, from * size, (from + 1) * size);
      k = from;
    }
  }
}

/** The provenance fields of a row that are set. */
function withoutUndefined(row: ImageRow): SampleProvenance {
  const out: SampleProvenance = {};
  for (const field of ['patientId', 'studyId', 'seriesId', 'site', 'modality'] as const) {
    const value = row[field];
    if (value !== undefined) out[field] = value;
  }
  if (row.attributes !== undefined && Object.keys(row.attributes).length > 0) out.attributes = row.attributes;
  return out;
}
