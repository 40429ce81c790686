import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { sha256Hex } from '@medsweep/core';
import { registerDataset, registerTrialWeightsSource, registerWeightsFileSource } from '@medsweep/db';
import { importDatasetTo, importImageFolder, importMedmnistNpz, selectBackend } from '@medsweep/ml';
import { ObjectBlobStore } from '@medsweep/storage';
import type { CliContext } from '../context.js';
import { withContext } from '../context.js';
import { registerDataInspectCommand } from './data-inspect.js';

/** Image decoding needs the native backend (tf.node.decodeImage). */
async function imageFolder(root: string, name: string, sink: Parameters<typeof importImageFolder>[1]) {
  const { tf } = await selectBackend();
  return importImageFolder({ tf, root, name }, sink);
}

/** Imports a dataset into the bucket and registers it in the project; importing it again changes nothing. */
export async function importDataset(
  ctx: CliContext,
  args: {
    path: string;
    name: string;
    project: string;
    kind: 'medmnist' | 'image-folder';
    classNames?: string[];
  },
): Promise<{ datasetId: string; contentHash: string; created: boolean }> {
  const store = ctx.objectStore;
  await store.ensureBucket();
  // The importer knows the official MedMNIST files by name and infers the task of any other .npz.
  const stored = await importDatasetTo(new ObjectBlobStore(store), (sink) =>
    args.kind === 'medmnist'
      ? importMedmnistNpz(
          { path: args.path, name: args.name, ...(args.classNames ? { classNames: args.classNames } : {}) },
          sink,
        )
      : imageFolder(args.path, args.name, sink),
  );
  const { manifest } = stored;
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
    source: manifest.source.citation ?? args.path,
    actor: ctx.actor,
  });
  return { datasetId: dataset.id, contentHash: dataset.contentHash, created };
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

/** Registers a completed trial's output weights as a weights source (pretrain on one dataset, fine-tune on another). */
export async function registerTrialWeights(
  ctx: CliContext,
  args: { trialId: string; name: string },
): Promise<{ weightsSourceId: string; created: boolean }> {
  const { weightsSource, created } = await registerTrialWeightsSource(ctx.db, { ...args, actor: ctx.actor });
  return { weightsSourceId: weightsSource.id, created };
}

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('datasets');
  registerDataInspectCommand(data);
  data
    .command('import <path>')
    .description(
      'import a MedMNIST .npz or an image folder (root/<split>/<class>/*.png) into the bucket and register it',
    )
    .requiredOption('--name <name>', 'dataset name in the project, e.g. breastmnist')
    .option('--project <slug>', 'project', 'default')
    .option('--kind <kind>', 'medmnist | image-folder (default: by path)')
    .option('--json', 'JSON output')
    .action(async (path: string, opts: { name: string; project: string; kind?: string; json?: boolean }) => {
      const kind = opts.kind ?? (path.endsWith('.npz') ? 'medmnist' : 'image-folder');
      if (kind !== 'medmnist' && kind !== 'image-folder')
        throw new RangeError(`--kind must be medmnist or image-folder, got ${kind}`);
      await withContext(async (ctx) => {
        const r = await importDataset(ctx, { path, name: opts.name, project: opts.project, kind });
        if (opts.json) console.log(JSON.stringify(r));
        else
          console.log(
            `dataset ${opts.name} (sha256:${r.contentHash}) ${r.created ? 'registered' : 'already registered'} as ${r.datasetId}`,
          );
      });
    });

  const weights = program.command('weights').description('weights sources for pretrained arms');
  weights
    .command('register <file>')
    .description('upload a Keras .h5 weights file and register it, e.g. --name imagenet/squeezenet1_1')
    .requiredOption('--name <ref/architecture>', 'weights source name: <ref>/<architecture>')
    .option('--project <slug>', 'project', 'default')
    .option('--json', 'print {"name", "sha256", "created"} as JSON')
    .action(async (file: string, opts: { name: string; project: string; json?: boolean }) => {
      const architecture = opts.name.split('/')[1];
      if (!architecture)
        throw new RangeError(
          `--name must be <ref>/<architecture>, e.g. imagenet/squeezenet1_1; got ${opts.name}`,
        );
      await withContext(async (ctx) => {
        const r = await registerWeightsFile(ctx, {
          path: file,
          name: opts.name,
          architecture,
          project: opts.project,
        });
        console.log(
          opts.json
            ? JSON.stringify({ name: opts.name, sha256: r.sha256, created: r.created })
            : `weights ${opts.name} (sha256 ${r.sha256}) ${r.created ? 'registered' : 'already registered'}`,
        );
      });
    });
  weights
    .command('from-trial <trialId>')
    .description("register a completed trial's output weights, e.g. --name pneumonia/vgg16")
    .requiredOption('--name <ref/architecture>', 'weights source name')
    .option('--json', 'print {"name", "trialId", "created"} as JSON')
    .action(async (trialId: string, opts: { name: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        const r = await registerTrialWeights(ctx, { trialId, name: opts.name });
        console.log(
          opts.json
            ? JSON.stringify({ name: opts.name, trialId, created: r.created })
            : `weights ${opts.name} ${r.created ? 'registered' : 'already registered'} from trial ${trialId}`,
        );
      });
    });
}

/** The shared MedMNIST file of a dataset name. */
export const sharedMedmnistPath = (dataDir: string, name: string) => join(dataDir, 'medmnist', `${name}.npz`);
