// What cross-package tests drive without a subprocess: the verifier behind `medsweep verify`, and the
// importer behind `medsweep data import`.
export { SCORE_TOLERANCE, verifyTrial } from './verify/verify-trial.js';
export type {
  LinkStatus,
  TrialVerificationReport,
  VerifiedLink,
  VerifyTrialDeps,
} from './verify/verify-trial.js';
export { renderVerification } from './commands/verify.js';
export { importDataset } from './commands/data.js';
export type { ImportedDatasetSummary } from './commands/data.js';
export type { CliContext } from './context.js';
