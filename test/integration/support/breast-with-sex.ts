// BreastMNIST as a manifest with a per-sample `sex` column would give it: the official images, labels and
// splits, every sample carrying a generated sex (about 40% M), for subgroup evaluations in tests.
import { MEDMNIST_DATASETS, readMedmnistDraft } from '@medsweep/ml';
import type { DatasetDraft } from '@medsweep/ml';

export async function breastWithSex(npz: string): Promise<DatasetDraft> {
  const draft = await readMedmnistDraft({ path: npz, ...MEDMNIST_DATASETS.breastmnist });
  const samples = draft.samples!;
  const withSex = (split: 'train' | 'val' | 'test') =>
    samples.bySplit[split].map((s, i) => ({ ...s, attributes: { sex: (i * 7919) % 5 < 2 ? 'M' : 'F' } }));
  return {
    ...draft,
    samples: { ...samples, bySplit: { train: withSex('train'), val: withSex('val'), test: withSex('test') } },
  };
}
