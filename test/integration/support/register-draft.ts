// Registers an in-memory dataset draft (e.g. BreastMNIST with a generated attribute): its blobs in the
// bucket and the row with its split assignment hash, but without `data import`'s duplicate and leakage
// report (nor sample images). The official BreastMNIST splits share near-duplicate images, which that
// report marks leaky and sweeps then refuse without dataset.allowLeakage; these worlds test evaluations
// and reports, datasets.test.ts the leakage rules.
import type { Db } from '@medsweep/db';
import { registerDataset } from '@medsweep/db';
import { importDatasetTo, writeDataset } from '@medsweep/ml';
import type { DatasetDraft } from '@medsweep/ml';
import { ObjectBlobStore } from '@medsweep/storage';
import type { ObjectStore } from '@medsweep/storage';

export async function registerDraft(
  db: Db,
  store: ObjectStore,
  args: { project: string; name: string; draft: DatasetDraft; source: string; actor: string },
) {
  const stored = await importDatasetTo(new ObjectBlobStore(store), (sink) => writeDataset(args.draft, sink));
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
    splitAssignmentHash: stored.manifest.splitAssignment?.sha256 ?? null,
    report: null,
    previews: [],
    actor: args.actor,
  });
  return dataset;
}
