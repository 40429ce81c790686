// Grad-CAM PNGs of the first images of a split, as a trial exports them after its evaluation: each
// image fed to the model as it was trained, explained for its predicted class, drawn over the image.
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import type { ImageSplit } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { buildImageBatch } from '../data/preprocess.js';
import { gradCam } from './grad-cam.js';
import { renderGradCamPng } from './grad-cam-png.js';

export interface ExportGradCamsArgs {
  /** The namespace of the selected backend (selectBackend().tf). */
  tf: Tf;
  /** A trained CNN. */
  model: tfjs.LayersModel;
  /** Its architecture's ArchitectureSpec.gradCamLayer. */
  layerName: string;
  split: ImageSplit;
  /** How the model takes images (what it was trained with). */
  input: ModelInputSpec;
  /** How many images, from the first of the split (all of them when the split has fewer). */
  count: number;
  /** Names the PNGs `<namePrefix>-<index in the split>.png`, e.g. `test`. */
  namePrefix: string;
  /** Weight of the heatmap over the image (renderGradCamPng's, default 0.4). */
  alpha?: number;
}

export interface GradCamImage {
  name: string;
  pngBytes: Uint8Array;
  trueLabel: number;
  predictedLabel: number;
  /** The model's score of the predicted class, the one the heatmap explains. */
  score: number;
}

/**
 * Grad-CAM PNGs of the first `count` images of `split`, each at the model's input size, over the image
 * as the model sees it (resized, grey or RGB) with pixels in [0, 1]. Deterministic on one backend.
 */
export async function exportGradCams(args: ExportGradCamsArgs): Promise<GradCamImage[]> {
  const { tf, model, layerName, split, input } = args;
  const display: ModelInputSpec = { ...input, preprocessing: 'unit' };
  const images: GradCamImage[] = [];
  for (let index = 0; index < Math.min(args.count, split.count); index++) {
    const x = buildImageBatch(tf, split, [index], input);
    const pixels = buildImageBatch(tf, split, [index], display);
    try {
      const explained = gradCam({ tf, model, layerName, image: x });
      try {
        images.push({
          name: `${args.namePrefix}-${index}.png`,
          pngBytes: await renderGradCamPng(pixels, explained.heatmap, {
            tf,
            ...(args.alpha === undefined ? {} : { alpha: args.alpha }),
          }),
          trueLabel: split.labels[index] as number,
          predictedLabel: explained.predictedClass,
          score: explained.score,
        });
      } finally {
        explained.heatmap.dispose();
      }
    } finally {
      tf.dispose([x, pixels]);
    }
  }
  return images;
}
