// A Grad-CAM heatmap drawn over its image as a PNG: the heatmap in the jet colormap (blue for 0, red for
// 1), blended with the image, encoded by the native backend.
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { GradCamConfigError, PngEncoderUnavailableError } from '../errors.js';

export interface RenderGradCamPngOptions {
  /** The namespace of the selected backend (selectBackend().tf); its tf.node.encodePng writes the PNG. */
  tf: Tf;
  /** Weight of the colormap against the image: 0 shows only the image, 1 only the heatmap. Default 0.4. */
  alpha?: number;
}

type EncodePng = (image: tfjs.Tensor3D, compression?: number) => Promise<Uint8Array>;

/**
 * PNG bytes of `heatmap` ([height, width], values in [0, 1]) over `image` ([height, width, 1 or 3] or
 * with a leading batch of 1, pixels in [0, 1], e.g. the image preprocessed with 'unit'): RGB,
 * (1 - alpha) * image + alpha * jet(heatmap). Disposes nothing it was given.
 */
export async function renderGradCamPng(
  image: tfjs.Tensor,
  heatmap: tfjs.Tensor,
  { tf, alpha = 0.4 }: RenderGradCamPngOptions,
): Promise<Uint8Array> {
  const encodePng = (tf as unknown as { node?: { encodePng?: EncodePng } }).node?.encodePng;
  if (!encodePng) throw new PngEncoderUnavailableError(tf.getBackend());
  const [height, width] = heatmap.shape;
  const pixels = image.shape.slice(image.rank === 4 ? 1 : 0);
  if (
    heatmap.rank !== 2 ||
    pixels.length !== 3 ||
    pixels[0] !== height ||
    pixels[1] !== width ||
    ![1, 3].includes(pixels[2] as number)
  ) {
    throw new GradCamConfigError(
      'image',
      { image: image.shape, heatmap: heatmap.shape },
      'an image [height, width, 1 or 3] and a heatmap [height, width] of the same size',
    );
  }
  if (!(alpha >= 0 && alpha <= 1)) throw new GradCamConfigError('alpha', alpha, 'a number in [0, 1]');
  const rgb = tf.tidy(() => {
    const base = tf.reshape(image, pixels);
    const colour = pixels[2] === 1 ? tf.tile(base, [1, 1, 3]) : base;
    const blended = tf.add(tf.mul(colour, 1 - alpha), tf.mul(jet(tf, heatmap as tfjs.Tensor2D), alpha));
    return tf.cast(tf.round(tf.mul(tf.clipByValue(blended, 0, 1), 255)), 'int32') as tfjs.Tensor3D;
  });
  try {
    return await encodePng(rgb);
  } finally {
    rgb.dispose();
  }
}

/** The jet colormap of values in [0, 1] as [height, width, 3]: each channel a clipped 1.5 - |4x - centre|. */
function jet(tf: Tf, values: tfjs.Tensor2D): tfjs.Tensor3D {
  const x = tf.mul(tf.expandDims(tf.clipByValue(values, 0, 1), -1), 4);
  const centres = tf.tensor1d([3, 2, 1]);
  return tf.clipByValue(tf.sub(1.5, tf.abs(tf.sub(x, centres))), 0, 1) as tfjs.Tensor3D;
}
