export type { ArchitectureArgs } from './architecture-args.js';
export { vgg16 } from './vgg16.js';
export { resnet50 } from './resnet.js';
export { densenet121 } from './densenet.js';
export { efficientnetb0 } from './efficientnet.js';
export { squeezenet11 } from './squeezenet.js';
export { ARCHITECTURES, ARCHITECTURE_NAMES, getArchitecture, blockOfLayer } from './registry.js';
export type {
  ArchitectureName,
  ArchitectureSpec,
  ImagenetPreprocessing,
  ImagenetWeightsFile,
  TransferBlock,
} from './registry.js';
export { applyTransferMode, headLayerNames } from './transfer.js';
export type { TransferMode, TransferSummary } from './transfer.js';
// Exported so that loading a saved model topology finds them registered.
export { FreezableBatchNormalization } from './layers/freezable-batch-normalization.js';
export { Normalization } from './layers/normalization.js';
export { PerChannelRescaling } from './layers/per-channel-rescaling.js';
