import { PreprocessingConfigError } from '../errors.js';
import { rngFor } from './seed-streams.js';

/** Random geometric augmentation of training images (never applied to val/test). */
export interface AugmentationArgs {
  /** Largest rotation either way, in degrees; 0 or absent: none. */
  rotationDegrees?: number;
  /** Mirror left-right with probability 1/2. */
  horizontalFlip?: boolean;
  /** Mirror top-bottom with probability 1/2. */
  verticalFlip?: boolean;
  /** Zoom factor drawn uniformly from [min, max]; above 1 magnifies, e.g. [0.9, 1.1]. */
  zoomRange?: readonly [number, number];
}

/** The augmentation drawn for one sample. */
export interface SampleAugmentation {
  flipHorizontal: boolean;
  flipVertical: boolean;
  angleRadians: number;
  zoom: number;
}

export const NO_AUGMENTATION: SampleAugmentation = {
  flipHorizontal: false,
  flipVertical: false,
  angleRadians: 0,
  zoom: 1,
};

/** Throws PreprocessingConfigError for a setting no image could be augmented with. */
export function validateAugmentation(args: AugmentationArgs): void {
  const degrees = args.rotationDegrees ?? 0;
  if (!Number.isFinite(degrees) || degrees < 0 || degrees > 180) {
    throw new PreprocessingConfigError(
      'augmentation.rotationDegrees',
      degrees,
      'a number of degrees in [0, 180]',
    );
  }
  if (args.zoomRange) {
    const [min, max] = args.zoomRange;
    if (!(min > 0 && max >= min && Number.isFinite(max))) {
      throw new PreprocessingConfigError(
        'augmentation.zoomRange',
        args.zoomRange,
        '[min, max] with 0 < min <= max',
      );
    }
  }
}

/**
 * The augmentation of dataset sample `index` in `epoch`: a pure function of (seed, epoch, index),
 * so it does not depend on batch order, and a resumed run draws the same.
 */
export function sampleAugmentation(
  args: AugmentationArgs,
  seed: number,
  epoch: number,
  index: number,
): SampleAugmentation {
  const rng = rngFor(seed, 'augment', epoch, index);
  // Always four draws in a fixed order, so enabling one option leaves the others' draws unchanged.
  const flipHorizontal = rng.nextFloat() < 0.5;
  const flipVertical = rng.nextFloat() < 0.5;
  const angle = rng.nextFloat() * 2 - 1;
  const zoom = rng.nextFloat();
  const [zoomMin, zoomMax] = args.zoomRange ?? [1, 1];
  return {
    flipHorizontal: args.horizontalFlip === true && flipHorizontal,
    flipVertical: args.verticalFlip === true && flipVertical,
    angleRadians: (angle * (args.rotationDegrees ?? 0) * Math.PI) / 180,
    zoom: zoomMin + zoom * (zoomMax - zoomMin),
  };
}

export const isIdentity = (a: SampleAugmentation): boolean =>
  !a.flipHorizontal && !a.flipVertical && a.angleRadians === 0 && a.zoom === 1;

/**
 * The row of tf.image.transform's `transforms` that resizes an inH x inW image to outH x outW and
 * applies `a` about the image centre. It maps each output pixel index to the input position it
 * samples; pixel centres sit at i + 0.5, so with no augmentation it equals resizeBilinear with
 * halfPixelCenters (the Keras / PyTorch resize convention).
 */
export function transformRow(
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  a: SampleAugmentation,
): [number, number, number, number, number, number, number, number] {
  const sx = inW / outW;
  const sy = inH / outH;
  // Inverse of (flip, then rotate, then zoom), in input pixel units around the centre.
  const cos = Math.cos(a.angleRadians) / a.zoom;
  const sin = Math.sin(a.angleRadians) / a.zoom;
  const fx = a.flipHorizontal ? -1 : 1;
  const fy = a.flipVertical ? -1 : 1;
  const m00 = fx * cos;
  const m01 = fx * sin;
  const m10 = -fy * sin;
  const m11 = fy * cos;
  // Output index -> centred input-scale coordinate: u = s * (i + 0.5 - out / 2).
  const ux0 = sx * (0.5 - outW / 2);
  const uy0 = sy * (0.5 - outH / 2);
  return [
    m00 * sx,
    m01 * sy,
    m00 * ux0 + m01 * uy0 + inW / 2 - 0.5,
    m10 * sx,
    m11 * sy,
    m10 * ux0 + m11 * uy0 + inH / 2 - 0.5,
    0,
    0,
  ];
}
