import * as tf from '@tensorflow/tfjs';
import { WeightsCountMismatchError, WeightsLayerMissingError, WeightsShapeMismatchError } from '../errors.js';
import { greyFromRgb, inputStemLayers, isGreyAdaptable } from './grey-input.js';
import type {
  FileLayer,
  FileWeight,
  KerasWeightsFile,
  KerasWeightsFormat,
  WeightValues,
} from './keras-weights-file.js';
import { openKerasWeightsFile } from './keras-weights-file.js';

export interface LoadKerasWeightsArgs {
  /**
   * Layers of the model that may be absent from the file and then keep their current values: a new
   * classifier head on an ImageNet `_notop` file (see headLayerNames()). Every other layer of the
   * model that has weights must be in the file. None by default (strict).
   */
  optionalLayers?: Iterable<string>;
}

/** What loadKerasWeights() did. */
export interface LoadKerasWeightsReport {
  path: string;
  format: KerasWeightsFormat;
  /** Model layers whose weights were set from the file, in model order. */
  loadedLayers: string[];
  /** Optional model layers the file did not have; they kept their values. */
  skippedLayers: string[];
  /** Layers of the file with weights that no model layer took (e.g. the classifier of a full ImageNet file). */
  unusedFileLayers: string[];
  /** Layers loaded into a greyscale model from RGB weights (see greyFromRgb). */
  greyAdaptedLayers: string[];
}

/** A model layer matched with its layer in the file. */
interface LayerAssignment {
  layer: tf.layers.Layer;
  source: FileLayer;
  greyAdapted: boolean;
}

/**
 * Loads Keras HDF5 weights into `model` by layer name, as Keras' load_weights(by_name=True) does, and
 * all-or-nothing: every matched layer's weight count and shapes are checked before any is set.
 * Weights within a layer are matched in Keras' order. Names that differ only by `/` against `_`
 * match too: Keras 3 forbids `/` in layer names, so DenseNet's `conv1/conv` in the published Keras 2
 * file is `conv1_conv` in Keras 3 and here, and a Keras 3 save of SqueezeNet has `fire2_squeeze1x1`
 * where the community file and our model have `fire2/squeeze1x1`. Into a 1-channel model, RGB
 * weights of the input stem are converted (kernels summed over RGB, see greyFromRgb).
 *
 * Throws WeightsFileUnreadableError, WeightsFileNotHdf5Error, WeightsFileTruncatedError or
 * WeightsFileCorruptError for a bad file, WeightsLayerMissingError, WeightsCountMismatchError or
 * WeightsShapeMismatchError for a file that does not fit the model.
 */
export async function loadKerasWeights(
  model: tf.LayersModel,
  path: string,
  args: LoadKerasWeightsArgs = {},
): Promise<LoadKerasWeightsReport> {
  const file = await openKerasWeightsFile(path);
  try {
    const optional = new Set(args.optionalLayers ?? []);
    const { assignments, skippedLayers } = matchLayers(model, file, optional);
    for (const assignment of assignments) assign(assignment);
    const used = new Set(assignments.map((a) => a.source.name));
    return {
      path,
      format: file.format,
      loadedLayers: assignments.map((a) => a.layer.name),
      skippedLayers,
      unusedFileLayers: file.layers.filter((l) => !used.has(l.name)).map((l) => l.name),
      greyAdaptedLayers: assignments.filter((a) => a.greyAdapted).map((a) => a.layer.name),
    };
  } finally {
    file.close();
  }
}

function matchLayers(
  model: tf.LayersModel,
  file: KerasWeightsFile,
  optional: ReadonlySet<string>,
): { assignments: LayerAssignment[]; skippedLayers: string[] } {
  const byName = new Map<string, FileLayer>();
  const bySpelling = new Map<string, FileLayer>();
  for (const layer of file.layers) {
    byName.set(layer.name, layer);
    if (!bySpelling.has(keras3Spelling(layer.name))) bySpelling.set(keras3Spelling(layer.name), layer);
  }
  const greyStem = modelChannels(model) === 1 ? inputStemLayers(model) : new Set<string>();

  const assignments: LayerAssignment[] = [];
  const skippedLayers: string[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const source = byName.get(layer.name) ?? bySpelling.get(keras3Spelling(layer.name));
    if (source === undefined) {
      if (optional.has(layer.name)) {
        skippedLayers.push(layer.name);
        continue;
      }
      throw new WeightsLayerMissingError(
        file.path,
        layer.name,
        file.layers.map((l) => l.name),
      );
    }
    if (source.weights.length !== layer.weights.length) {
      throw new WeightsCountMismatchError(file.path, layer.name, layer.weights.length, source.weights.length);
    }
    let greyAdapted = false;
    layer.weights.forEach((weight, i) => {
      const found = source.weights[i]!.shape;
      const expected = weight.shape as number[];
      if (sameShape(expected, found)) return;
      if (greyStem.has(layer.name) && isGreyAdaptable(expected, found)) {
        greyAdapted = true;
        return;
      }
      throw new WeightsShapeMismatchError(file.path, layer.name, weightName(weight), expected, found);
    });
    assignments.push({ layer, source, greyAdapted });
  }
  return { assignments, skippedLayers };
}

function assign({ layer, source }: LayerAssignment): void {
  tf.tidy(() => {
    const values = layer.weights.map((weight, i) => {
      const stored = source.weights[i]!;
      const value = tensorOf(stored, weight.dtype);
      return sameShape(weight.shape as number[], stored.shape) ? value : greyFromRgb(value);
    });
    // Variables keep their own reference to the data, so tidy may dispose these afterwards.
    layer.setWeights(values);
  });
}

function tensorOf(weight: FileWeight, dtype: tf.DataType): tf.Tensor {
  const values: WeightValues = weight.read();
  const data = values instanceof BigInt64Array ? Array.from(values, Number) : values;
  return dtype === 'int32'
    ? tf.tensor(Int32Array.from(data), weight.shape, 'int32')
    : tf.tensor(data instanceof Float32Array ? data : Float32Array.from(data), weight.shape, 'float32');
}

function modelChannels(model: tf.LayersModel): number | null {
  const shape = model.inputs[0]?.shape;
  return shape?.[shape.length - 1] ?? null;
}

/** The model's name for a weight without its layer, e.g. "kernel" for "block1_conv1/kernel". */
function weightName(weight: tf.LayerVariable): string {
  return weight.originalName.split('/').at(-1) ?? weight.originalName;
}

/** A layer name as Keras 3 must spell it: `/` is not allowed there, Keras 3's applications use `_`. */
function keras3Spelling(name: string): string {
  return name.replaceAll('/', '_');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
