// @medsweep/ml/records: the stored dataset records without TensorFlow — the manifest and the per-split
// samples tables (their formats, readers and blob names) — for readers that never touch pixels, such as
// the API's report and evaluation services (imported into the dashboard's server, where tfjs must not load).
export { DATASET_FORMAT, decodeManifest, manifestBlobName, shardBlobName } from './data/dataset-manifest.js';
export type { DatasetManifest, DatasetSplitEntry, SplitAssignment } from './data/dataset-manifest.js';
export { decodeSampleTable, SAMPLE_TABLE_FORMAT } from './data/sample-table.js';
export type { SampleRow } from './data/sample-table.js';
