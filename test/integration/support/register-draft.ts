// Registers an in-memory dataset draft (e.g. BreastMNIST with a generated attribute) as `data import`
// registers a source: its blobs in the bucket, and the row with its split assignment hash and its
// duplicate and leakage report; no sample images, which no test here reads.
import type { Db } from '@medsweep/db';
import { registerDataset } from '@medsweep/db';
import { draftSampleRows, importDatasetTo, inspectDraft, writeDataset } from '@medsweep/ml';
import type { DatasetDraft } from '@medsweep/ml';
import { ObjectBlobStore } from '@medsweep/storage';
import type { ObjectStore } from '@medsweep/storage';

export async function registerDraft(
  db: Db,
  store: ObjectStore,
  args: { project: string; name: string; draft: DatasetDraft; source: string; actor: string },
) {
  const rows = draftSampleRows(args.draft);
  const stored = await importDatasetTo(new ObjectBlobStore(store), (sink) =>
    writeDataset(args.draft, sink, rows),
  );
  const splitAssignmentHash = stored.manifest.splitAssignment?.sha256 ?? null;
  const { dataset } = await registerDataset(db, {
    project: args.project,
    name: args.name,
    contentHash: stored.manifestSha256,
    manifestUri: stored.manifestUri,
    splits: {},
    numClasses: stored.numClasses,
    task: stored.task,
    licence: 'CC BY 4.0',
    source: args.source,
    splitAssignmentHash,
    report: splitAssignmentHash === null ? null : inspectDraft(args.draft, {}, rows),
    previews: [],
    actor: args.actor,
  });
  return dataset;
}
