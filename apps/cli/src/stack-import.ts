// Imports with the stack's own credentials, for the operator commands that run next to the stack (the
// demo) and for tests: the blobs go straight to the bucket and the registration is the API's own
// (registerStoredDataset), so what is registered is checked exactly as an upload through the API is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerStoredDataset, registerStoredWeights, weightsKey } from '@medsweep/api';
import type { RegisteredDatasetSummary } from '@medsweep/api';
import { sha256Hex } from '@medsweep/core';
import type { DatasetImportArgs } from '@medsweep/ml';
import { importDatasetSource } from '@medsweep/ml';
import { ObjectBlobStore } from '@medsweep/storage';
import { reportOptions } from './commands/dataset-source.js';
import type { CliContext } from './context.js';

/**
 * In-process import for operator commands (the demo) and tests with stack credentials: stores the
 * source's blobs in the bucket and registers it through the API's one registration path (which
 * verifies what is stored and computes the report and sample images). A source that fails to read or
 * check (its error names file, row and problem) registers nothing.
 */
export async function importDataset(
  ctx: CliContext,
  args: { name: string; project: string; source: DatasetImportArgs },
): Promise<RegisteredDatasetSummary> {
  const store = ctx.objectStore;
  await store.ensureBucket();
  const stored = await importDatasetSource({ ...args.source, name: args.name }, new ObjectBlobStore(store));
  return registerStoredDataset(ctx.db, store, {
    project: args.project,
    name: args.name,
    contentHash: stored.manifestSha256,
    origin: args.source.path,
    ...reportOptions(args.source),
    actor: ctx.actor,
  });
}

/**
 * Stores a Keras .h5 weights file at its content address and registers it as the weights source `name`
 * (<ref>/<architecture>) through the API's registration.
 */
export async function registerWeightsFile(
  ctx: CliContext,
  args: { path: string; name: string; project: string },
): Promise<{ weightsSourceId: string; sha256: string; created: boolean }> {
  const bytes = new Uint8Array(readFileSync(args.path));
  const sha256 = sha256Hex(bytes);
  const store = ctx.objectStore;
  await store.ensureBucket();
  const key = weightsKey(sha256);
  if (!(await store.exists(key))) await store.put(key, bytes, 'application/x-hdf5');
  const { weightsSource, created } = await registerStoredWeights(ctx.db, store, {
    project: args.project,
    name: args.name,
    sha256,
    fileName: args.path,
    actor: ctx.actor,
  });
  return { weightsSourceId: weightsSource.id, sha256, created };
}

/** The shared MedMNIST file of a dataset name. */
export const sharedMedmnistPath = (dataDir: string, name: string) => join(dataDir, 'medmnist', `${name}.npz`);
