// Importing any dataset source `data inspect` reads (a MedMNIST .npz, an image folder, a CSV / JSON Lines
// manifest, DICOM through either): read and check it in full, report on it exactly as `data inspect`
// does, then store its shards and manifest and a few sample images per class as PNGs. Nothing is stored
// until the whole source has been read and checked, so bad input leaves the store untouched.
import type { AddressableBlobSink, DatasetDraft, SplitName, StoredDataset } from '@medsweep/core/records';
import {
  draftSampleRows,
  draftTask,
  importDatasetTo,
  sampleLabels,
  SPLIT_NAMES,
  writeDataset,
} from '@medsweep/core/records';
import type { DatasetInspection, DatasetSourceArgs } from './dataset-inspection.js';
import { inspectDraft, readDatasetDraft } from './dataset-inspection.js';
import { encodePng } from './png.js';
import { sha256Hex } from '@medsweep/core';

/** Sample images stored per class (per label for multi-label) unless the caller says otherwise. */
export const PREVIEWS_PER_CLASS = 6;

/** One stored sample image: a PNG named by its sha256, beside the dataset's blobs. */
export interface DatasetPreviewImage {
  /** The class (label) it is an example of. */
  classIndex: number;
  split: SplitName;
  /** The sample's key in the dataset. */
  key: string;
  uri: string;
  sha256: string;
}

export interface ImportedDataset extends StoredDataset {
  /** What `data inspect` reports on it, lists bounded by maxListed. */
  report: DatasetInspection;
  previews: DatasetPreviewImage[];
}

export interface DatasetImportArgs extends DatasetSourceArgs {
  /** Duplicate pairs, patients and studies the report lists (default 20). */
  maxListed?: number;
  /** Hamming distance of near-duplicates (default core's NEAR_DUPLICATE_MAX_DISTANCE). */
  maxDistance?: number;
  /** Sample images per class (default PREVIEWS_PER_CLASS). */
  previewsPerClass?: number;
}

/**
 * Reads `args.path` (readDatasetDraft's errors name file, row and problem), reports on it, and stores
 * the dataset and its preview PNGs in `sink`. Deterministic: same source and args, same dataset id,
 * report and previews.
 */
export async function importDatasetSource(
  args: DatasetImportArgs,
  sink: AddressableBlobSink,
): Promise<ImportedDataset> {
  const draft = await readDatasetDraft(args);
  const rows = draftSampleRows(draft);
  const report = inspectDraft(
    draft,
    {
      maxListed: args.maxListed ?? 20,
      ...(args.maxDistance === undefined ? {} : { maxDistance: args.maxDistance }),
    },
    rows,
  );
  const stored = await importDatasetTo(sink, (target) => writeDataset(draft, target, rows));
  const previews: DatasetPreviewImage[] = [];
  for (const preview of previewImages(draft, args.previewsPerClass ?? PREVIEWS_PER_CLASS)) {
    const sha256 = sha256Hex(preview.png);
    const name = `${sha256}.png`;
    await sink.put(name, preview.png);
    previews.push({ ...preview.sample, uri: sink.uriOf(name), sha256 });
  }
  return { ...stored, report, previews };
}

/**
 * The first `perClass` samples of each class, in split order (train first), encoded as PNGs. A
 * multi-label sample is an example of each of its labels.
 */
function previewImages(
  draft: DatasetDraft,
  perClass: number,
): { sample: Omit<DatasetPreviewImage, 'uri' | 'sha256'>; png: Uint8Array }[] {
  const numClasses = draft.classNames.length;
  const multiLabel = draftTask(draft) === 'multi-label, binary-class';
  const taken = new Array<number>(numClasses).fill(0);
  const out: { sample: Omit<DatasetPreviewImage, 'uri' | 'sha256'>; png: Uint8Array }[] = [];
  for (const split of SPLIT_NAMES) {
    const images = draft.splits[split];
    const size = images.height * images.width * images.channels;
    for (let i = 0; i < images.count && taken.some((n) => n < perClass); i++) {
      const wanted = sampleLabels(images.labels, i, numClasses, multiLabel).filter(
        (c) => (taken[c] ?? perClass) < perClass,
      );
      if (wanted.length === 0) continue;
      const png = encodePng(
        images.images.subarray(i * size, (i + 1) * size),
        images.height,
        images.width,
        images.channels,
      );
      const key = draft.samples?.bySplit[split][i]?.key ?? `${split}/${i}`;
      for (const classIndex of wanted) {
        taken[classIndex] = (taken[classIndex] ?? 0) + 1;
        out.push({ sample: { classIndex, split, key }, png });
      }
    }
  }
  return out;
}
