// @medsweep/core/records: the stored dataset records — the manifest and the per-split samples tables
// (their formats, readers and blob names), the in-memory splits, and writing and reading a dataset through
// the BlobSink/BlobSource ports — for every package that stores or reads datasets, the API included, which
// must never load TensorFlow.
export type { BlobSink, BlobSource } from './blob-ports.js';
export {
  DATASET_FORMAT,
  datasetIdOf,
  decodeManifest,
  encodeManifest,
  labelsPerSample,
  manifestBlobName,
  shardBlobName,
  taskFits,
  taskOf,
} from './dataset-manifest.js';
export type { BlobRef, DatasetManifest, DatasetSplitEntry, SplitAssignment } from './dataset-manifest.js';
export { SAMPLE_TABLE_FORMAT, decodeSampleTable, encodeSampleTable } from './sample-table.js';
export type { SampleRow } from './sample-table.js';
export {
  draftSampleRows,
  draftTask,
  importDatasetTo,
  loadDataset,
  loadSampleRecords,
  sampleRecordsOf,
  writeDataset,
} from './dataset-store.js';
export type {
  AddressableBlobSink,
  Dataset,
  DatasetDraft,
  SampleSource,
  StoredDataset,
} from './dataset-store.js';
export { MAX_CLASSES, labelHistogram, sampleLabels } from './image-split.js';
export type { ImageSplit } from './image-split.js';
export { SPLIT_NAMES } from './splits.js';
export type { SplitName } from './splits.js';
export { perceptualHash, pixelSha256 } from './perceptual-hash.js';
export { encodePng } from './png.js';
export { PREVIEWS_PER_CLASS, previewImages } from './previews.js';
export type { PreviewSample } from './previews.js';
