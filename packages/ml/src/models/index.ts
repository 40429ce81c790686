export type { ArchitectureArgs } from './architecture-args.js';
export { vgg16 } from './vgg16.js';
export { resnet50 } from './resnet.js';
export { densenet121 } from './densenet.js';
export { efficientnetb0 } from './efficientnet.js';
export { squeezenet11 } from './squeezenet.js';
export { logisticRegression } from './classical/logistic-regression.js';
export { hogLinearSvm, SVM_MARGIN_LAYER } from './classical/hog-linear-svm.js';
export type { HogLinearSvmArgs } from './classical/hog-linear-svm.js';
export type { ClassicalModelArgs } from './classical/classical-args.js';
export { defaultHogArgs, hogFeatureCount, hogFeatures } from './classical/hog.js';
export type { HogArgs } from './classical/hog.js';
export {
  ARCHITECTURES,
  ARCHITECTURE_NAMES,
  CLASSICAL_MODELS,
  MODEL_TYPES,
  MODEL_TYPE_NAMES,
  getArchitecture,
  getModelType,
  blockOfLayer,
} from './registry.js';
export type {
  ArchitectureName,
  ArchitectureSpec,
  ClassicalModelName,
  ClassicalModelSpec,
  ImagenetPreprocessing,
  ImagenetWeightsFile,
  ModelTypeName,
  ModelTypeSpec,
  TransferBlock,
} from './registry.js';
export { applyTransferMode, headLayerNames } from './transfer.js';
export type { TransferMode, TransferSummary } from './transfer.js';
// Exported so that loading a saved model topology finds them registered.
export { FreezableBatchNormalization } from './layers/freezable-batch-normalization.js';
export { Normalization } from './layers/normalization.js';
export { PerChannelRescaling } from './layers/per-channel-rescaling.js';
export { HogFeatures } from './classical/hog-features-layer.js';
