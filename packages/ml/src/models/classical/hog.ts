// Histograms of oriented gradients (Dalal & Triggs 2005) as scikit-image's `hog` computes them, in tf
// ops so that they run batched on the active (native) backend: central-difference gradients (zero on
// the border; of the strongest channel per pixel for RGB), unsigned orientations voted with their
// magnitude into one bin per pixel, the mean per cell, then L2-Hys normalisation over overlapping
// blocks of cells. Equal to skimage.feature.hog(image, orientations, (cell, cell), (block, block),
// block_norm='L2-Hys') within float32 rounding (see the test and scripts/hog-skimage-reference.py).
import * as tf from '@tensorflow/tfjs';
import type { ArchitectureArgProblem } from '../../errors.js';

export interface HogArgs {
  /** Orientation bins over 0-180 degrees (unsigned gradients); 9 as Dalal & Triggs and scikit-image. */
  orientations: number;
  /** Side of a square cell in pixels; rows and columns beyond the last whole cell are left out. */
  cellSize: number;
  /** Side of a square block in cells; blocks overlap with a stride of one cell. */
  blockSize: number;
}

/** scikit-image's L2-Hys: L2-normalise, clip at 0.2, L2-normalise again (its eps is 1e-5). */
const L2_HYS_CLIP = 0.2;
const L2_HYS_EPS_SQUARED = 1e-10;

/** Defaults for a square input of `inputSize` px: 4 px cells, or a 16 x 16 grid of cells when larger. */
export function defaultHogArgs(inputSize: number): HogArgs {
  return { orientations: 9, cellSize: Math.max(4, Math.floor(inputSize / 16)), blockSize: 2 };
}

/** Every field of `args` that is not a positive whole number, as `hog.<field>` problems. */
export function hogArgProblems(args: HogArgs): ArchitectureArgProblem[] {
  return (['orientations', 'cellSize', 'blockSize'] as const)
    .filter((field) => !(Number.isInteger(args[field]) && args[field] >= 1))
    .map((field) => ({ field: `hog.${field}`, received: args[field], expected: 'a whole number >= 1' }));
}

/** The block grid of an image: blocks per column and row; zero or less when the image is too small. */
function blockGrid(height: number, width: number, args: HogArgs): { rows: number; columns: number } {
  return {
    rows: Math.floor(height / args.cellSize) - args.blockSize + 1,
    columns: Math.floor(width / args.cellSize) - args.blockSize + 1,
  };
}

/** Length of the descriptor of a height x width image: blocks x cells per block x orientations. */
export function hogFeatureCount(height: number, width: number, args: HogArgs): number {
  const { rows, columns } = blockGrid(height, width, args);
  return Math.max(0, rows) * Math.max(0, columns) * args.blockSize ** 2 * args.orientations;
}

/** Smallest image side with one whole block and room for central differences. */
export function hogMinimumSize(args: HogArgs): number {
  return Math.max(3, args.cellSize * args.blockSize);
}

/** x[i + 1] - x[i - 1] along `axis` (1: rows, 2: columns), 0 on its first and last line (_hog_channel_gradient). */
function centralDifference(images: tf.Tensor4D, axis: 1 | 2): tf.Tensor {
  const shape = images.shape;
  const along = (length: number) => shape.map((d, i) => (i === axis ? length : d));
  const from = (offset: number) => shape.map((_, i) => (i === axis ? offset : 0));
  const span = along((shape[axis] as number) - 2);
  const edge = tf.zeros(along(1));
  return tf.concat(
    [edge, tf.sub(tf.slice(images, from(2), span), tf.slice(images, from(0), span)), edge],
    axis,
  );
}

/**
 * HOG descriptors of a batch of images [n, height, width, channels] (float pixels, e.g. in [0, 1]),
 * as [n, hogFeatureCount]: ordered block row, block column, cell row and column within the block,
 * orientation, as scikit-image's feature_vector. Both sides must be at least hogMinimumSize(args).
 */
export function hogFeatures(images: tf.Tensor4D, args: HogArgs): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, height, width, channels] = images.shape;
    const { orientations, cellSize, blockSize } = args;
    const { rows, columns } = blockGrid(height, width, args);

    const gRow = centralDifference(images, 1);
    const gCol = centralDifference(images, 2);
    let magnitude: tf.Tensor = tf.sqrt(tf.add(tf.square(gRow), tf.square(gCol)));
    let row: tf.Tensor = gRow;
    let col: tf.Tensor = gCol;
    if (channels > 1) {
      // Per pixel, the gradient of the channel with the largest magnitude (the first on ties).
      const strongest = tf.oneHot(tf.argMax(magnitude, 3), channels, 1, 0, 'float32');
      const pick = (t: tf.Tensor) => tf.sum(tf.mul(t, strongest), 3, true);
      row = pick(gRow);
      col = pick(gCol);
      magnitude = pick(magnitude);
    }

    // Unsigned orientation in [0, pi): atan2's -pi and +pi (float32) both map to 0.
    const pi = tf.scalar(Math.PI);
    const angle = tf.mod(tf.atan2(row, col), pi);
    const bin = tf.clipByValue(tf.floor(tf.div(angle, tf.div(pi, orientations))), 0, orientations - 1);
    const votes = tf.mul(
      tf.oneHot(tf.cast(tf.squeeze(bin, [3]), 'int32'), orientations, 1, 0, 'float32'),
      magnitude,
    );
    // The mean vote per cell; 'valid' drops the rows and columns after the last whole cell.
    const cells = tf.avgPool(votes as tf.Tensor4D, cellSize, cellSize, 'valid');

    const offsets = Array.from({ length: blockSize * blockSize }, (_, i) => [
      Math.floor(i / blockSize),
      i % blockSize,
    ]);
    const blocks = tf.stack(
      offsets.map(([dr, dc]) =>
        tf.slice(cells, [0, dr as number, dc as number, 0], [n, rows, columns, orientations]),
      ),
      3,
    );
    const normalise = (b: tf.Tensor) =>
      tf.div(b, tf.sqrt(tf.add(tf.sum(tf.square(b), [3, 4], true), L2_HYS_EPS_SQUARED)));
    const hys = normalise(tf.minimum(normalise(blocks), L2_HYS_CLIP));
    return tf.reshape(hys, [n, rows * columns * blockSize * blockSize * orientations]) as tf.Tensor2D;
  });
}
