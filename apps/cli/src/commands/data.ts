// `medsweep data`: `inspect` reads a dataset source here and reports on it; `import` reads it here too,
// then uploads its blobs through the API, which verifies them and registers the dataset.
import type { Command } from 'commander';
import type { RegisteredDatasetSummary } from '@medsweep/api';
import { sha256Hex } from '@medsweep/core';
import type { DatasetImportArgs } from '@medsweep/ml';
import { importDatasetSource } from '@medsweep/ml';
import { bytesBody, sendPlannedUpload } from '@medsweep/storage';
import type { ApiClient } from '../client/api.js';
import { projectOf, withApi } from '../client/api.js';
import { progressLine } from '../client/upload.js';
import { registerDataInspectCommand } from './data-inspect.js';
import type { DatasetSourceOptions } from './dataset-source.js';
import { datasetSourceArgs, reportOptions, withDatasetSourceOptions } from './dataset-source.js';

/**
 * `data import` through the API: reads the source here (into memory: shards, samples tables, manifest),
 * uploads the blobs the store lacks straight to it through the URLs the API signs, and has the API
 * verify them and register the dataset with the report it computes itself.
 */
async function importDatasetThroughApi(
  api: ApiClient,
  args: { name: string; project: string; source: DatasetImportArgs },
): Promise<RegisteredDatasetSummary> {
  const blobs = new Map<string, Uint8Array>();
  const stored = await importDatasetSource(
    { ...args.source, name: args.name },
    { put: async (name, bytes) => void blobs.set(name, bytes), uriOf: (name) => name },
  );
  const bodies = new Map(
    [...blobs].map(([name, bytes]) => [name, { ...bytesBody(bytes), sha256: sha256Hex(bytes) }]),
  );
  const upload = await api.datasets.startUpload.mutate({
    project: args.project,
    blobs: [...bodies].map(([name, body]) => ({ name, sha256: body.sha256, bytes: body.bytes })),
  });
  const sent = await sendPlannedUpload(
    upload.blobs,
    bodies,
    progressLine((name) => `${args.name} ${name}`),
  );
  return api.datasets.register.mutate({
    project: args.project,
    name: args.name,
    contentHash: stored.manifestSha256,
    uploadId: upload.uploadId,
    blobs: sent,
    origin: args.source.path,
    ...reportOptions(args.source),
  });
}

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('datasets');
  registerDataInspectCommand(data);
  withDatasetSourceOptions(
    data
      .command('import <path>')
      .description(
        'import a MedMNIST .npz, an image folder (root/<class>/ or root/<split>/<class>/) or a CSV/JSONL ' +
          'manifest (PNG, JPEG, DICOM) through the API (uploads verified by sha256; members, leads and admins) ' +
          'and register it with the duplicate and leakage report the API computes',
      )
      .requiredOption('--name <name>', 'dataset name in the project, e.g. breastmnist')
      .option('--project <slug>', "the project (default: your token's project)")
      .option('--json', 'print the registered dataset as JSON (the last line of output)'),
    '20',
  ).action(
    async (path: string, opts: DatasetSourceOptions & { name: string; project?: string; json?: boolean }) => {
      const source = datasetSourceArgs(path, opts);
      await withApi(async (api, profile) => {
        const project = await projectOf(api, opts.project, profile);
        const r = await importDatasetThroughApi(api, { name: opts.name, project, source });
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
