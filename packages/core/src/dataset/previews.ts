// A dataset's sample images: the first few samples of each class as PNGs, shown on the dataset page.
// Made from the stored shards (pure pixels in, PNG bytes out), so whoever stores them needs no TensorFlow
// and they always show what the dataset really holds.
import type { TaskType } from '../metrics/task.js';
import type { ImageSplit } from './image-split.js';
import { sampleLabels } from './image-split.js';
import { encodePng } from './png.js';
import type { SplitName } from './splits.js';
import { SPLIT_NAMES } from './splits.js';

/** Sample images made per class (per label for multi-label) unless the caller says otherwise. */
export const PREVIEWS_PER_CLASS = 6;

/** Which sample a preview shows and of which class it is an example. */
export interface PreviewSample {
  classIndex: number;
  split: SplitName;
  /** The sample's key in the dataset. */
  key: string;
}

/**
 * The first `perClass` samples of each class, in split order (train first), encoded as PNGs. A
 * multi-label sample is an example of each of its labels. `keyOf` names a sample (its samples-table key).
 */
export function previewImages(
  dataset: { task: TaskType; numClasses: number; splits: Record<SplitName, ImageSplit> },
  perClass: number,
  keyOf: (split: SplitName, index: number) => string,
): { sample: PreviewSample; png: Uint8Array }[] {
  const { numClasses } = dataset;
  const multiLabel = dataset.task === 'multi-label, binary-class';
  const taken = new Array<number>(numClasses).fill(0);
  const out: { sample: PreviewSample; png: Uint8Array }[] = [];
  for (const split of SPLIT_NAMES) {
    const images = dataset.splits[split];
    const size = images.height * images.width * images.channels;
    for (let i = 0; i < images.count && taken.some((n) => n < perClass); i++) {
      const wanted = sampleLabels(images.labels, i, numClasses, multiLabel).filter(
        (c) => (taken[c] ?? perClass) < perClass,
      );
      if (wanted.length === 0) continue;
      const png = encodePng(
        images.images.subarray(i * size, (i + 1) * size),
        images.height,
        images.width,
        images.channels,
      );
      const key = keyOf(split, i);
      for (const classIndex of wanted) {
        taken[classIndex] = (taken[classIndex] ?? 0) + 1;
        out.push({ sample: { classIndex, split, key }, png });
      }
    }
  }
  return out;
}
