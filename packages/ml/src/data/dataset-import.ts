// Importing any dataset source `data inspect` reads (a MedMNIST .npz, an image folder, a CSV / JSON Lines
// manifest, DICOM through either): read and check it in full, then store its shards, samples tables and
// manifest. Nothing is stored until the whole source has been read and checked, so bad input leaves the
// store untouched. The report on it and its sample images are made by whoever registers it, from what
// was stored (the API's dataset registration), never taken from the importer.
import type { AddressableBlobSink, StoredDataset } from '@medsweep/core/records';
import { importDatasetTo, writeDataset } from '@medsweep/core/records';
import type { DatasetSourceArgs } from './dataset-inspection.js';
import { readDatasetDraft } from './dataset-inspection.js';

/** A source to import plus how its report lists duplicates (for the registration that reports on it). */
export interface DatasetImportArgs extends DatasetSourceArgs {
  /** Duplicate pairs, patients and studies the report lists (default 20). */
  maxListed?: number;
  /** Hamming distance of near-duplicates (default core's NEAR_DUPLICATE_MAX_DISTANCE). */
  maxDistance?: number;
}

/**
 * Reads `args.path` (readDatasetDraft's errors name file, row and problem) and stores the dataset in
 * `sink`. Deterministic: same source and args, same dataset id.
 */
export async function importDatasetSource(
  args: DatasetSourceArgs,
  sink: AddressableBlobSink,
): Promise<StoredDataset> {
  const draft = await readDatasetDraft(args);
  return importDatasetTo(sink, (target) => writeDataset(draft, target));
}
