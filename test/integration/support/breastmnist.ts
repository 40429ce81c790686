// The official BreastMNIST file imported into the object store and registered in each given project, as
// `medsweep data import` leaves it: for the tests that train real tiny trials on it.
import { join } from 'node:path';
import { loadConfig } from '@medsweep/config';
import { ensureProject } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { MEDMNIST_DATASETS, importDatasetTo, importMedmnistNpz } from '@medsweep/ml';
import { ObjectBlobStore } from '@medsweep/storage';
import type { ObjectStore } from '@medsweep/storage';

export async function registerBreastmnist(
  deps: { db: Db; store: ObjectStore },
  projects: readonly string[],
): Promise<void> {
  const dataset = await importDatasetTo(new ObjectBlobStore(deps.store), (sink) =>
    importMedmnistNpz(
      { path: join(loadConfig().dataDir, 'medmnist', 'breastmnist.npz'), ...MEDMNIST_DATASETS.breastmnist },
      sink,
    ),
  );
  for (const slug of projects) {
    const project = await ensureProject(deps.db, slug, slug);
    await deps.db.dataset.create({
      data: {
        projectId: project.id,
        name: 'breastmnist',
        contentHash: dataset.manifestSha256,
        manifestUri: dataset.manifestUri,
        splits: { train: 546, val: 78, test: 156 },
        numClasses: dataset.numClasses,
        task: dataset.task,
        licence: 'CC BY 4.0',
        source: 'MedMNIST v2',
      },
    });
  }
}
