import { basename } from 'node:path';
import type { Command } from 'commander';
import { sendPlannedUpload } from '@medsweep/storage';
import type { ApiClient } from '../client/api.js';
import { projectOf, withApi } from '../client/api.js';
import { fileBody, progressLine } from '../client/upload.js';

/** `<ref>/<architecture>` → the architecture. */
function architectureOf(name: string): string {
  const architecture = name.split('/')[1];
  if (!architecture) {
    throw new RangeError(`--name must be <ref>/<architecture>, e.g. imagenet/squeezenet1_1; got ${name}`);
  }
  return architecture;
}

/**
 * Uploads a weights file straight to the object store through the URLs the API signs (one PUT, or a
 * multipart upload in parts for a large file, read from disk part by part), then has the API verify
 * its sha256 and register it. Content the store already holds is not uploaded again.
 */
async function uploadWeights(api: ApiClient, project: string, file: string, name: string) {
  const body = await fileBody(file);
  const upload = await api.weights.startUpload.mutate({ project, sha256: body.sha256, bytes: body.bytes });
  const [sent] = await sendPlannedUpload(
    upload.blobs,
    new Map(upload.blobs.map((b) => [b.name, body])),
    progressLine(() => basename(file)),
  );
  return api.weights.register.mutate({
    project,
    name,
    sha256: body.sha256,
    fileName: basename(file),
    uploadId: upload.uploadId,
    ...(sent?.multipart ? { multipart: sent.multipart } : {}),
  });
}

export function registerWeightsCommands(program: Command): void {
  const weights = program
    .command('weights')
    .description('weights sources for pretrained arms (through the API: members, leads and admins)');
  weights
    .command('register <file>')
    .description(
      'upload a Keras .h5 weights file (presigned URLs, multipart for large files, verified by sha256) and register it, e.g. --name imagenet/squeezenet1_1',
    )
    .requiredOption('--name <ref/architecture>', 'weights source name: <ref>/<architecture>')
    .option('--project <slug>', "the project (default: your token's project)")
    .option('--json', 'print {"name", "sha256", "created"} as JSON')
    .action(async (file: string, opts: { name: string; project?: string; json?: boolean }) => {
      architectureOf(opts.name);
      await withApi(async (api, profile) => {
        const project = await projectOf(api, opts.project, profile);
        const r = await uploadWeights(api, project, file, opts.name);
        console.log(
          opts.json
            ? JSON.stringify({ name: r.name, sha256: r.sha256, created: r.created })
            : `weights ${r.name} (sha256 ${r.sha256}) ${r.created ? 'registered' : 'already registered'} in ${project}`,
        );
      });
    });
  weights
    .command('from-trial <trialId>')
    .description("register a completed trial's output weights, e.g. --name pneumonia/vgg16")
    .requiredOption('--name <ref/architecture>', 'weights source name')
    .option('--json', 'print {"name", "trialId", "created"} as JSON')
    .action(async (trialId: string, opts: { name: string; json?: boolean }) => {
      await withApi(async (api) => {
        const r = await api.weights.fromTrial.mutate({ trialId, name: opts.name });
        console.log(
          opts.json
            ? JSON.stringify({ name: r.name, trialId, created: r.created })
            : `weights ${r.name} ${r.created ? 'registered' : 'already registered'} from trial ${trialId}`,
        );
      });
    });
}
