// The official BreastMNIST file imported into the object store and registered in each given project, as
// `medsweep data import` leaves it: for the tests that train real tiny trials on it.
import { ensureProject } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import type { ObjectStore } from '@medsweep/storage';
import { importBreastmnist, registerBreastmnistRow } from '@medsweep/worker/test-support';

export async function registerBreastmnist(
  deps: { db: Db; store: ObjectStore },
  projects: readonly string[],
): Promise<void> {
  const dataset = await importBreastmnist(deps.store);
  for (const slug of projects) {
    const project = await ensureProject(deps.db, slug, slug);
    await registerBreastmnistRow(deps.db, project.id, dataset);
  }
}
