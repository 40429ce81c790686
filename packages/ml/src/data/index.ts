export { importMedmnistNpz, readMedmnistNpz, MEDMNIST_DATASETS } from './medmnist.js';
export type { MedmnistImportArgs } from './medmnist.js';
export { importImageFolder } from './image-folder.js';
export type { ImageFolderImportArgs } from './image-folder.js';
export { parseNpy } from './npy.js';
export type { NpyArray, NpyDtype } from './npy.js';
export { importDatasetTo, writeDataset, loadDataset } from './dataset-store.js';
export type { AddressableBlobSink, Dataset, DatasetDraft, StoredDataset } from './dataset-store.js';
export {
  DATASET_FORMAT,
  datasetIdOf,
  decodeManifest,
  encodeManifest,
  manifestBlobName,
  shardBlobName,
  taskOf,
} from './dataset-manifest.js';
export type { BlobRef, DatasetManifest, DatasetSplitEntry } from './dataset-manifest.js';
export { LocalDirectoryBlobStore } from './blob-store.js';
export type { BlobSink, BlobSource } from './blob-store.js';
export { SPLIT_NAMES, MAX_CLASSES, labelHistogram } from './image-split.js';
export type { ImageSplit, SplitName } from './image-split.js';
export { buildImageBatch, buildLabelBatch, validateInputSpec, PREPROCESSINGS } from './preprocess.js';
export type { BatchAugmentation, ModelInputSpec, Preprocessing } from './preprocess.js';
export { sampleAugmentation, transformRow, validateAugmentation } from './augmentation.js';
export type { AugmentationArgs, SampleAugmentation } from './augmentation.js';
export { epochOrder, batchesOf, sequentialOrder } from './batch-plan.js';
export { deriveSeed, rngFor, shuffledIndices } from './seed-streams.js';
export type { SeedStream } from './seed-streams.js';
export { ensureNativeTransformKernel } from './native-transform-kernel.js';
