export * from './errors.js';
export { Rng, seedState } from './random.js';
export type { RngState } from './random.js';
export * from './metrics/index.js';
export * from './stats/index.js';
