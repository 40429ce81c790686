// What selectBackend() tried, as data: backend.ts records it and errors.ts reports it, so it lives apart
// from both (errors.ts importing backend.ts, which throws those errors, made an import circle).

export type BackendPackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@tensorflow/tfjs';

/** One package selectBackend() considered, and why it was or was not used. */
export interface BackendAttempt {
  package: BackendPackage;
  outcome: 'used' | 'skipped' | 'not-installed' | 'load-failed';
  detail?: string;
}
