export * from './errors.js';
export { Rng, seedState } from './random.js';
export type { RngState } from './random.js';
export * from './metrics/index.js';
export * from './stats/index.js';
export * from './sweep/index.js';
export * from './lineage/index.js';
export * from './leaderboard/index.js';
export * from './export/index.js';
