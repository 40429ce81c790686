// @medsweep/ml/records: the stored dataset records without TensorFlow — the manifest and the per-split
// samples tables (their formats, readers and blob names), and storing a dataset drafted in memory — for
// code that never runs a model, such as the API's report and evaluation services (imported into the
// dashboard's server, where tfjs must not load) and their tests.
export { DATASET_FORMAT, decodeManifest, manifestBlobName, shardBlobName } from './data/dataset-manifest.js';
export type { DatasetManifest, DatasetSplitEntry, SplitAssignment } from './data/dataset-manifest.js';
export { decodeSampleTable, SAMPLE_TABLE_FORMAT } from './data/sample-table.js';
export type { SampleRow } from './data/sample-table.js';
export { importDatasetTo, writeDataset } from './data/dataset-store.js';
export type { DatasetDraft, SampleSource, StoredDataset } from './data/dataset-store.js';
export type { ImageSplit } from './data/image-split.js';
