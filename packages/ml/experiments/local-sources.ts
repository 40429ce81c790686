// What a spec names (a dataset, weights refs), found in the shared data directory instead of the
// stack's registry: MedMNIST files by dataset name, ImageNet weights as `imagenet/<architecture>`.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../src/index.js';
import {
  getArchitecture,
  importMedmnistNpz,
  loadDataset,
  LocalDirectoryBlobStore,
  MEDMNIST_DATASETS,
} from '../src/index.js';

/**
 * The MedMNIST dataset `name` from `<dataDir>/medmnist/<name>.npz`, stored content-addressed under
 * `blobDir` and loaded back with every shard verified, as a worker loads it. Imported with the arguments
 * `medsweep data import` uses, so its id is the manifest hash that command registers.
 */
export async function loadSharedMedmnist(dataDir: string, blobDir: string, name: string): Promise<Dataset> {
  if (!Object.hasOwn(MEDMNIST_DATASETS, name)) {
    throw new Error(
      `dataset ${name}: the runner reads MedMNIST files from ${join(dataDir, 'medmnist')}; accepted: ${Object.keys(MEDMNIST_DATASETS).join(', ')}`,
    );
  }
  const known = MEDMNIST_DATASETS[name as keyof typeof MEDMNIST_DATASETS];
  const store = new LocalDirectoryBlobStore(blobDir);
  const { id } = await importMedmnistNpz(
    {
      path: join(dataDir, 'medmnist', `${name}.npz`),
      name,
      classNames: known.classNames,
      licence: known.licence,
      citation: known.citation,
    },
    store,
  );
  return loadDataset(store, id);
}

/**
 * The weights file of a pretrained arm (`pretrained:<ref>[,<fallback>...]`) for `architecture`: the first
 * ref that is `imagenet` and whose published `_notop` file is in `<dataDir>/weights` with its published
 * md5. Throws when none is (other refs name trial outputs, which live in the stack's registry).
 */
export async function imagenetWeightsFor(
  dataDir: string,
  arm: string,
  architecture: string,
): Promise<string> {
  const file = getArchitecture(architecture).imagenetWeights;
  const path = join(dataDir, 'weights', file.fileName);
  const refs = arm.slice('pretrained:'.length).split(',');
  if (!refs.includes('imagenet') || !existsSync(path)) {
    throw new Error(
      `arm ${arm} of ${architecture}: the runner resolves only imagenet/<architecture> from ${join(dataDir, 'weights')}; ` +
        `${refs.includes('imagenet') ? `${file.fileName} is not there` : 'the arm names no imagenet ref'}`,
    );
  }
  const md5 = createHash('md5')
    .update(await readFile(path))
    .digest('hex');
  if (md5 !== file.md5) throw new Error(`${path}: md5 ${md5}; expected the published ${file.md5}`);
  return path;
}
