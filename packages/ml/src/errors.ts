import type { BackendAttempt } from './backend.js';

const FIX_HINT =
  'fix: run `npm run setup` (or `bash infra/native-tf.sh`) to build or restore the native addon, then `npm run check:backend`';

function listAttempts(attempts: readonly BackendAttempt[]): string {
  return attempts.map((a) => `  - ${a.package}: ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`).join('\n');
}

/**
 * Thrown by selectBackend() when neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node loads
 * and the caller did not pass allowSlowBackend: true. Training on the pure-JS backend is 10-100x
 * slower, so silently falling back would only show up as a sweep that never finishes.
 */
export class NativeBackendUnavailableError extends Error {
  constructor(
    /** Every package tried, in order, with why it was not used. */
    readonly attempts: readonly BackendAttempt[],
    options: { cause: unknown },
  ) {
    super(
      `no native TensorFlow backend could be loaded:\n${listAttempts(attempts)}\n${FIX_HINT}\n` +
        'or pass allowSlowBackend: true to run on the slow pure-JS cpu backend',
      options,
    );
    this.name = 'NativeBackendUnavailableError';
  }
}

/**
 * Thrown by selectBackend() with allowSlowBackend: true when even the pure-JS cpu backend of
 * @tensorflow/tfjs cannot be loaded or initialised, i.e. the install itself is broken.
 */
export class NoBackendAvailableError extends Error {
  constructor(
    readonly attempts: readonly BackendAttempt[],
    options: { cause: unknown },
  ) {
    super(
      `no TensorFlow.js backend could be loaded, not even the pure-JS one:\n${listAttempts(attempts)}\n` +
        'fix: run `npm install` at the repo root, then `npm run setup`',
      options,
    );
    this.name = 'NoBackendAvailableError';
  }
}
