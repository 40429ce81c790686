export type { SweepTrial } from './sweep-trial.js';
export { trialTrainingSettings } from './training-settings.js';
export type { TrialTrainingSettings } from './training-settings.js';
export { buildTrialModel } from './trial-model.js';
export type { BuildTrialModelArgs, TrialModel } from './trial-model.js';
