// Real BreastMNIST images written as PNG files into folders, for the folder and manifest importer tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tf } from '../../backend.js';
import type { ImageSplit } from '@medsweep/core/records';

/** Real BreastMNIST training image `index` (28x28 grey) as PNG bytes, optionally resized (nearest) to `size`. */
export async function breastPng(tf: Tf, breast: ImageSplit, index: number, size = 28): Promise<Uint8Array> {
  const encodePng = (
    tf as unknown as { node: { encodePng: (image: ReturnType<Tf['tensor3d']>) => Promise<Uint8Array> } }
  ).node.encodePng;
  const image = tf.tidy(() => {
    const t = tf.tensor3d(breast.images.subarray(index * 784, (index + 1) * 784), [28, 28, 1], 'int32');
    return size === 28 ? t : tf.image.resizeNearestNeighbor(t, [size, size]).toInt();
  });
  try {
    return await encodePng(image);
  } finally {
    image.dispose();
  }
}

/** Writes `files` (path relative to root -> bytes) under root and returns root. */
export async function writeFiles(
  root: string,
  files: Record<string, Uint8Array | string | Promise<Uint8Array>>,
): Promise<string> {
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), await bytes);
  }
  return root;
}
