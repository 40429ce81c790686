// What cross-package tests drive without a subprocess: the verifier behind `medsweep verify`.
export { SCORE_TOLERANCE, verifyTrial } from './verify/verify-trial.js';
export type {
  LinkStatus,
  TrialVerificationReport,
  VerifiedLink,
  VerifyTrialDeps,
} from './verify/verify-trial.js';
export { renderVerification } from './commands/verify.js';
