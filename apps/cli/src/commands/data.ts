import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { sha256Hex } from '@medsweep/core';
import type { StoredDatasetReport } from '@medsweep/core';
import { leakageCounts, registerDataset, registerWeightsFileSource } from '@medsweep/db';
import type { DatasetImportArgs } from '@medsweep/ml';
import { importDatasetSource } from '@medsweep/ml';
import { ObjectBlobStore } from '@medsweep/storage';
import type { CliContext } from '../context.js';
import { withContext } from '../context.js';
import { registerDataInspectCommand } from './data-inspect.js';
import type { DatasetSourceOptions } from './dataset-source.js';
import { datasetSourceArgs, withDatasetSourceOptions } from './dataset-source.js';

/** A dataset as `data import` registered it. */
export interface ImportedDatasetSummary {
  datasetId: string;
  contentHash: string;
  /** False when the project already had this manifest (nothing changed). */
  created: boolean;
  task: string;
  splitAssignmentHash: string | null;
  leaky: boolean;
  /** One line per reason the dataset is leaky. */
  leakageReasons: string[];
  leakage: ReturnType<typeof leakageCounts>;
}

/**
 * Imports any source `data inspect` reads into the bucket (shards, manifest, sample PNGs) and registers
 * it in the project with its duplicate and leakage report; importing it again changes nothing. A source
 * that fails to read or check (its error names file, row and problem) registers nothing.
 */
export async function importDataset(
  ctx: CliContext,
  args: { name: string; project: string; source: DatasetImportArgs },
): Promise<ImportedDatasetSummary> {
  const store = ctx.objectStore;
  await store.ensureBucket();
  const stored = await importDatasetSource({ ...args.source, name: args.name }, new ObjectBlobStore(store));
  const { manifest } = stored;
  const splitAssignmentHash = manifest.splitAssignment?.sha256 ?? null;
  // Without per-sample records (never, for the importers of today) there is nothing to check.
  const report: StoredDatasetReport | null = splitAssignmentHash === null ? null : stored.report;
  const { dataset, created } = await registerDataset(ctx.db, {
    project: args.project,
    name: args.name,
    contentHash: stored.manifestSha256,
    manifestUri: stored.manifestUri,
    splits: Object.fromEntries(
      Object.entries(manifest.splits).map(([k, v]) => [
        k,
        { count: v.count, labelHistogram: v.labelHistogram },
      ]),
    ),
    numClasses: stored.numClasses,
    task: stored.task,
    licence: manifest.source.licence ?? 'unknown',
    source: manifest.source.citation ?? args.source.path,
    splitAssignmentHash,
    report,
    previews: stored.previews,
    actor: ctx.actor,
  });
  return {
    datasetId: dataset.id,
    contentHash: dataset.contentHash,
    created,
    task: dataset.task,
    splitAssignmentHash: dataset.splitAssignmentHash,
    leaky: dataset.leaky,
    leakageReasons: stored.report.leakage.reasons,
    leakage: leakageCounts(stored.report),
  };
}

/** Uploads a Keras .h5 weights file (content-addressed) and registers it as a weights source. */
export async function registerWeightsFile(
  ctx: CliContext,
  args: { path: string; name: string; architecture: string; project: string },
): Promise<{ weightsSourceId: string; sha256: string; created: boolean }> {
  const bytes = new Uint8Array(readFileSync(args.path));
  const sha256 = sha256Hex(bytes);
  const store = ctx.objectStore;
  await store.ensureBucket();
  const key = `weights/${sha256}.h5`;
  if (!(await store.exists(key))) await store.put(key, bytes, 'application/x-hdf5');
  const { weightsSource, created } = await registerWeightsFileSource(ctx.db, {
    project: args.project,
    name: args.name,
    architecture: args.architecture,
    uri: store.uriOf(key),
    sha256,
    fileName: basename(args.path),
    actor: ctx.actor,
  });
  return { weightsSourceId: weightsSource.id, sha256, created };
}

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('datasets');
  registerDataInspectCommand(data);
  withDatasetSourceOptions(
    data
      .command('import <path>')
      .description(
        'import a MedMNIST .npz, an image folder (root/<class>/ or root/<split>/<class>/) or a CSV/JSONL ' +
          'manifest (PNG, JPEG, DICOM) into the bucket and register it with its duplicate and leakage report',
      )
      .requiredOption('--name <name>', 'dataset name in the project, e.g. breastmnist')
      .option('--project <slug>', 'project', 'default')
      .option('--json', 'print the registered dataset as JSON (the last line of output)'),
    '20',
  ).action(
    async (path: string, opts: DatasetSourceOptions & { name: string; project: string; json?: boolean }) => {
      const source = datasetSourceArgs(path, opts);
      await withContext(async (ctx) => {
        const r = await importDataset(ctx, { name: opts.name, project: opts.project, source });
        if (opts.json) {
          console.log(JSON.stringify(r));
          return;
        }
        console.log(
          `dataset ${opts.name} (sha256:${r.contentHash}) ${r.created ? 'registered' : 'already registered'} as ${r.datasetId}`,
        );
        if (r.leaky) {
          console.log(
            `LEAKY: ${r.leakageReasons.join('; ')}. A sweep on it must say why it may: ` +
              `dataset: { name: ${opts.name}, allowLeakage: "<reason>" }`,
          );
        }
      });
    },
  );
}

/** The shared MedMNIST file of a dataset name. */
export const sharedMedmnistPath = (dataDir: string, name: string) => join(dataDir, 'medmnist', `${name}.npz`);
