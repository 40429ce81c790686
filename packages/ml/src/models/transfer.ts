import type * as tf from '@tensorflow/tfjs';
import { InvalidTransferModeError } from '../errors.js';
import type { ArchitectureName } from './registry.js';
import { ARCHITECTURES, blockOfLayer } from './registry.js';
import { FreezableBatchNormalization } from './layers/freezable-batch-normalization.js';

/**
 * Which part of a pretrained model trains:
 * - 'frozen': feature extraction; only the head trains.
 * - 'fine-tune-top': the top `blocks` blocks of the base (ArchitectureSpec.blocks) and the head train.
 *   Their BatchNormalization layers stay frozen, in inference mode, unless `trainBatchNorm` is set:
 *   Keras' advice for fine-tuning, since batch statistics of small medical batches would overwrite
 *   the ImageNet ones.
 * - 'full': every layer trains, BatchNormalization included (also what training from scratch uses).
 */
export type TransferMode =
  { kind: 'frozen' } | { kind: 'fine-tune-top'; blocks: number; trainBatchNorm?: boolean } | { kind: 'full' };

/** What applyTransferMode() left trainable. */
export interface TransferSummary {
  /** Base blocks that train, input to output. */
  trainableBlocks: string[];
  /** Base blocks that are frozen, input to output. */
  frozenBlocks: string[];
  /** Layers with weights outside the base: the classification head, always trainable. */
  headLayers: string[];
  trainableParams: number;
  nonTrainableParams: number;
}

/**
 * Sets `trainable` on every layer of `model` (built by ARCHITECTURES[architecture].build) for `mode`.
 * Frozen BatchNormalization layers also run in inference mode. Call it before model.compile(): as in
 * Keras, a compiled model keeps training the weights it was compiled with until compiled again.
 */
export function applyTransferMode(
  model: tf.LayersModel,
  architecture: ArchitectureName,
  mode: TransferMode,
): TransferSummary {
  const spec = ARCHITECTURES[architecture];
  const blockCount = spec.blocks.length;
  const topBlocks = trainableBlockCount(mode, blockCount, architecture);
  const trainableBlocks = new Set(spec.blocks.slice(blockCount - topBlocks).map((b) => b.name));
  const trainBatchNorm =
    mode.kind === 'full' || (mode.kind === 'fine-tune-top' && mode.trainBatchNorm === true);

  const seenBlocks = new Set<string>();
  const headLayers: string[] = [];
  for (const layer of model.layers) {
    const block = blockOfLayer(spec, layer.name);
    if (block === undefined) {
      layer.trainable = true;
      if (layer.weights.length > 0) headLayers.push(layer.name);
      continue;
    }
    seenBlocks.add(block.name);
    const isBatchNorm = layer instanceof FreezableBatchNormalization;
    layer.trainable = trainableBlocks.has(block.name) && (trainBatchNorm || !isBatchNorm);
  }
  if (seenBlocks.size !== blockCount) {
    const missing = spec.blocks.filter((b) => !seenBlocks.has(b.name)).map((b) => b.name);
    throw new InvalidTransferModeError(
      architecture,
      `model ${model.name} lacks blocks ${missing.slice(0, 5).join(', ')} of ${architecture}; build it with ARCHITECTURES.${architecture}.build`,
    );
  }

  const trainableParams = countParams(model.trainableWeights);
  return {
    trainableBlocks: spec.blocks.filter((b) => trainableBlocks.has(b.name)).map((b) => b.name),
    frozenBlocks: spec.blocks.filter((b) => !trainableBlocks.has(b.name)).map((b) => b.name),
    headLayers,
    trainableParams,
    nonTrainableParams: model.countParams() - trainableParams,
  };
}

/**
 * The layers of `model` with weights that are outside the base of `architecture`: the classification
 * head. Pass them as loadKerasWeights' optionalLayers to load an ImageNet `_notop` file under a new head.
 */
export function headLayerNames(model: tf.LayersModel, architecture: ArchitectureName): string[] {
  const spec = ARCHITECTURES[architecture];
  return model.layers
    .filter((layer) => layer.weights.length > 0 && blockOfLayer(spec, layer.name) === undefined)
    .map((layer) => layer.name);
}

function trainableBlockCount(mode: TransferMode, blockCount: number, architecture: ArchitectureName): number {
  switch (mode.kind) {
    case 'frozen':
      return 0;
    case 'full':
      return blockCount;
    case 'fine-tune-top':
      if (!Number.isInteger(mode.blocks) || mode.blocks < 1 || mode.blocks > blockCount) {
        throw new InvalidTransferModeError(
          architecture,
          `fine-tune-top blocks = ${JSON.stringify(mode.blocks)}; expected a whole number from 1 to ${blockCount} ` +
            `(${architecture}'s blocks, input to output: ${ARCHITECTURES[architecture].blocks.map((b) => b.name).join(', ')})`,
        );
      }
      return mode.blocks;
    default: {
      const unknown: never = mode;
      throw new InvalidTransferModeError(architecture, `unknown mode ${JSON.stringify(unknown)}`);
    }
  }
}

function countParams(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((size: number, d) => size * (d ?? 1), 1), 0);
}
