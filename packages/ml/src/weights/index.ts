export { loadKerasWeights } from './load-keras-weights.js';
export type { LoadKerasWeightsArgs, LoadKerasWeightsReport } from './load-keras-weights.js';
export type { KerasWeightsFormat } from './keras-weights-file.js';
export { readKerasWeightsInput, saveKerasWeights } from './save-keras-weights.js';
export type { SaveKerasWeightsArgs } from './save-keras-weights.js';
