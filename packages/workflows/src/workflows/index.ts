// Entry point of the workflow bundle: every workflow type a worker can run.
export { doctorWorkflow } from './doctor.js';
export { evaluationWorkflow } from './evaluation.js';
export { sweepWorkflow } from './sweep.js';
export { trialWorkflow } from './trial.js';
export { verificationWorkflow } from './verification.js';
