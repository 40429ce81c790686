export {
  cancelSweep,
  pauseSweep,
  resolveSweep,
  startSweepWorkflow,
  submitSweep,
  sweepProgress,
} from './services/sweeps.js';
export type { SubmittedSweep, SweepServiceDeps } from './services/sweeps.js';
export { SweepNotFoundError, UnknownDatasetError, UnknownWeightsError } from './errors.js';
