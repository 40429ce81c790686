export {
  ARCHITECTURE_NAMES,
  CLASSICAL_MODEL_NAMES,
  CNN_ARCHITECTURE_NAMES,
  datasetOfSpec,
  HYPERPARAMETERS,
  isClassicalModel,
  modelFor,
  primaryMetricOf,
  sweepSpecSchema,
} from './spec.js';
export type {
  ArchitectureName,
  ClassicalModelName,
  HyperparameterName,
  ParamSpec,
  PrimaryMetric,
  SpecDataset,
  SweepSpec,
  SweepSpecInput,
} from './spec.js';
export {
  formatPath,
  parseSweepSpec,
  parseSweepSpecText,
  SPEC_MAX_ALIASES,
  SPEC_TEXT_MAX_CHARS,
} from './parse.js';
export { gridPoint, gridSize, sampleAssignment, sampleParam } from './space.js';
export type { Assignment, ParamValue } from './space.js';
export { proposeTpe } from './tpe.js';
export type { TpeObservation, TpeOptions } from './tpe.js';
export * from './planning.js';
