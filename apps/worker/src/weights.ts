// Initial weights of pretrained arms: an imported Keras HDF5 file or the output weights of an earlier
// trial, both referenced by URI and sha256 and cached on the worker as <cacheDir>/weights/<sha256>.h5.
import type { ContentCache, ObjectStore } from '@medsweep/storage';
import type { TrialInput, WeightsRef } from '@medsweep/workflows';
import { MissingWeightsError, UnsupportedWeightsError } from './errors.js';

/** WeightsRef formats this worker loads (with @medsweep/ml's loadKerasWeights). */
export const LOADABLE_WEIGHTS_FORMATS = ['keras-h5', 'keras3-weights-h5'] as const;

/** The local path of a pretrained arm's initial weights (fetchWeights); undefined for scratch. */
export async function initialWeights(
  store: ObjectStore,
  cache: ContentCache,
  trial: TrialInput,
): Promise<string | undefined> {
  const { arm, architecture } = trial.plan;
  if (arm === 'scratch') return undefined;
  if (!trial.weights) throw new MissingWeightsError(trial.trialKey, arm, architecture);
  return fetchWeights(store, cache, trial.weights);
}

/** The local path of the weights `ref` names, downloaded and verified by hash when not yet cached. */
async function fetchWeights(store: ObjectStore, cache: ContentCache, ref: WeightsRef): Promise<string> {
  if (!(LOADABLE_WEIGHTS_FORMATS as readonly string[]).includes(ref.format)) {
    throw new UnsupportedWeightsError(ref.uri, `format ${ref.format}`, LOADABLE_WEIGHTS_FORMATS.join(', '));
  }
  return fetchWeightsFile(store, cache, ref);
}

/** The local path of a Keras HDF5 weights file in the bucket (e.g. a trial's output weights), cached by hash. */
export async function fetchWeightsFile(
  store: ObjectStore,
  cache: ContentCache,
  ref: { uri: string; sha256: string },
): Promise<string> {
  const key = store.keyInBucket(ref.uri);
  if (key === undefined) {
    throw new UnsupportedWeightsError(
      ref.uri,
      'not in the bucket this worker reads',
      `URIs under ${store.uriOf('')}`,
    );
  }
  const cached = await cache.file(`weights/${ref.sha256}.h5`, ref.sha256, () => store.get(key, ref.sha256));
  return cached.path;
}
