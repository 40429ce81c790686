export { importMedmnistNpz, readMedmnistDraft, readMedmnistNpz, MEDMNIST_DATASETS } from './medmnist.js';
export type { MedmnistImportArgs } from './medmnist.js';
export { importImageFolder, readImageFolderDraft } from './image-folder.js';
export { IMAGE_MANIFEST_FILE, importImageManifest, readImageManifestDraft } from './image-manifest.js';
export type { ImageManifestImportArgs } from './image-manifest.js';
export { IMAGE_FILE, ImageDecoder } from './image-decoding.js';
export type { ImageDecodeArgs, ImageFormat } from './image-decoding.js';
export { decodeDicom, dicomToUint8 } from './dicom.js';
export type { DicomImage, DicomWindow } from './dicom.js';
export type { ImageFolderImportArgs } from './image-folder.js';
export { parseNpy } from './npy.js';
export type { NpyArray, NpyDtype } from './npy.js';
export {
  draftSampleRows,
  draftTask,
  importDatasetTo,
  loadDataset,
  loadSampleRecords,
  sampleRecordsOf,
  writeDataset,
} from '@medsweep/core/records';
export type {
  AddressableBlobSink,
  Dataset,
  DatasetDraft,
  SampleSource,
  StoredDataset,
} from '@medsweep/core/records';
export { SAMPLE_TABLE_FORMAT, decodeSampleTable, encodeSampleTable } from '@medsweep/core/records';
export type { SampleRow } from '@medsweep/core/records';
export { perceptualHash, pixelSha256 } from '@medsweep/core/records';
export {
  DATASET_FORMAT,
  datasetIdOf,
  decodeManifest,
  encodeManifest,
  manifestBlobName,
  labelsPerSample,
  shardBlobName,
  taskFits,
  taskOf,
} from '@medsweep/core/records';
export type { BlobRef, DatasetManifest, DatasetSplitEntry, SplitAssignment } from '@medsweep/core/records';
export { LocalDirectoryBlobStore } from './blob-store.js';
export type { BlobSink, BlobSource } from '@medsweep/core/records';
export { SPLIT_NAMES, MAX_CLASSES, labelHistogram, sampleLabels } from '@medsweep/core/records';
export type { ImageSplit, SplitName } from '@medsweep/core/records';
export { buildImageBatch, buildLabelBatch, validateInputSpec, PREPROCESSINGS } from './preprocess.js';
export type { BatchAugmentation, ModelInputSpec, Preprocessing } from './preprocess.js';
export { sampleAugmentation, transformRow, validateAugmentation } from './augmentation.js';
export type { AugmentationArgs, SampleAugmentation } from './augmentation.js';
export { epochOrder, batchesOf, sequentialOrder } from './batch-plan.js';
export { deriveSeed, rngFor, shuffledIndices } from './seed-streams.js';
export type { SeedStream } from './seed-streams.js';
export { ensureNativeTransformKernel } from './native-transform-kernel.js';
export { datasetSourceKind, inspectDraft, readDatasetDraft } from './dataset-inspection.js';
export { importDatasetSource } from './dataset-import.js';
export type { DatasetImportArgs } from './dataset-import.js';
export { encodePng } from '@medsweep/core/records';
export type { DatasetInspection, DatasetSourceArgs, DatasetSourceKind } from './dataset-inspection.js';
