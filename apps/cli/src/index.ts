// What cross-package tests drive without a subprocess: the renderer of `medsweep verify`'s report (the
// verifier itself runs on workers: @medsweep/worker), and the importer behind `medsweep data import`.
export { renderVerification } from './commands/verify.js';
export { importDataset } from './stack-import.js';
export type { CliContext } from './context.js';
