// A weights file as a weights source: registered once its content is stored at its content address,
// whether uploaded through the API and verified there, or put there by an operator command.
import { basename } from 'node:path';
import type { Db } from '@medsweep/db';
import { registerWeightsFileSource } from '@medsweep/db';
import type { ObjectStore } from '@medsweep/storage';

/** Where stored weights live: one object per content. */
export const weightsKey = (sha256: string) => `weights/${sha256}.h5`;

export interface RegisterStoredWeights {
  /** The project's slug. */
  project: string;
  /** `<ref>/<architecture>`, e.g. imagenet/squeezenet1_1. */
  name: string;
  sha256: string;
  fileName: string;
  actor: string;
}

/**
 * Registers the content stored at weightsKey(sha256) as the weights source `name` of the project, for
 * the architecture its name ends with (WeightsSourceConflictError when the name means other content).
 */
export function registerStoredWeights(db: Db, store: ObjectStore, input: RegisterStoredWeights) {
  return registerWeightsFileSource(db, {
    project: input.project,
    name: input.name,
    architecture: input.name.split('/')[1]!,
    uri: store.uriOf(weightsKey(input.sha256)),
    sha256: input.sha256,
    fileName: basename(input.fileName),
    actor: input.actor,
  });
}
