import h5wasm from 'h5wasm/node';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import { WeightsFileCorruptError } from '../errors.js';
import { hdf5Reason, openHdf5 } from './hdf5-file.js';

/** The two Keras layouts of HDF5 weights. */
export type KerasWeightsFormat =
  /** Keras 1/2 and Keras 3's legacy `.h5` (model.save_weights / model.save in h5 format): the published ImageNet files. */
  | 'keras-h5'
  /** Keras 3's native `.weights.h5`. */
  | 'keras3-weights-h5';

/** Numbers of one weight as stored; float64 and int64 widen to what the model asks for. */
export type WeightValues = Float32Array | Float64Array | Int32Array | BigInt64Array;

/** One weight of a layer in the file, read only when needed. */
export interface FileWeight {
  /** Its name in the file, e.g. "block1_conv1/kernel:0" (Keras 2), "conv1/kernel" (Keras 3) or "0" (.weights.h5). */
  name: string;
  shape: number[];
  read(): WeightValues;
}

/** A layer of the file with its weights in Keras' order (kernel, bias; gamma, beta, moving mean, moving variance). */
export interface FileLayer {
  name: string;
  weights: FileWeight[];
}

/** An open Keras weights file; close() it when done. */
export interface KerasWeightsFile {
  path: string;
  format: KerasWeightsFormat;
  /** Layers that hold weights, in the file's order. */
  layers: FileLayer[];
  close(): void;
}

/**
 * Opens a Keras HDF5 weights file and lists its layers. The legacy layout (root attribute
 * `layer_names`; per layer group an attribute `weight_names` naming datasets relative to the group,
 * e.g. `block1_conv1/kernel:0`) is what the published `*_weights_tf_dim_ordering_tf_kernels_notop.h5`
 * files use; a full model saved as .h5 keeps the same under `model_weights`. Keras 3's `.weights.h5`
 * keeps each layer's variables as `layers/<path>/vars/0, 1, ...` with the layer's name as an attribute.
 */
export async function openKerasWeightsFile(path: string): Promise<KerasWeightsFile> {
  const file = await openHdf5(path);
  try {
    const modelWeights = file.get('model_weights');
    const root = modelWeights instanceof h5wasm.Group ? modelWeights : file;
    if ('layer_names' in root.attrs) {
      return { path, format: 'keras-h5', layers: readLegacyLayers(path, root), close: () => file.close() };
    }
    const layers = file.get('layers');
    if (layers instanceof h5wasm.Group) {
      return {
        path,
        format: 'keras3-weights-h5',
        layers: readKeras3Layers(path, layers),
        close: () => file.close(),
      };
    }
    throw new WeightsFileCorruptError(
      path,
      'HDF5, but not Keras weights: no root attribute layer_names (Keras .h5) and no group layers (Keras 3 .weights.h5)',
    );
  } catch (error) {
    file.close();
    if (error instanceof WeightsFileCorruptError) throw error;
    throw new WeightsFileCorruptError(path, `unreadable HDF5 structure: ${hdf5Reason(error)}`, undefined, {
      cause: error,
    });
  }
}

function readLegacyLayers(path: string, root: Group | H5File): FileLayer[] {
  const layers: FileLayer[] = [];
  for (const name of stringList(path, root.attrs['layer_names']?.value, 'root attribute layer_names')) {
    const group = root.get(name);
    if (!(group instanceof h5wasm.Group)) {
      throw new WeightsFileCorruptError(path, 'listed in layer_names but its group is missing', name);
    }
    const weightNames = stringList(
      path,
      group.attrs['weight_names']?.value,
      `attribute weight_names of ${name}`,
    );
    const weights = weightNames.map((weightName) =>
      fileWeight(path, name, weightName, group.get(weightName)),
    );
    if (weights.length > 0) layers.push({ name, weights });
  }
  return layers;
}

function readKeras3Layers(path: string, layersGroup: Group): FileLayer[] {
  const layers: FileLayer[] = [];
  for (const key of layersGroup.keys()) {
    const entry = layersGroup.get(key);
    if (!(entry instanceof h5wasm.Group)) continue;
    const nested = entry.get('layers');
    // A model nested as a layer keeps its own layers one level down.
    if (nested instanceof h5wasm.Group) layers.push(...readKeras3Layers(path, nested));
    const vars = entry.get('vars');
    if (!(vars instanceof h5wasm.Group)) continue;
    const recorded = vars.attrs['name']?.value;
    // Keras versions that do not record the layer's name in `vars` only leave its path to go by.
    const name = typeof recorded === 'string' ? recorded : key;
    const indices = vars
      .keys()
      .map(Number)
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
    const weights = indices.map((i) => fileWeight(path, name, String(i), vars.get(String(i))));
    if (weights.length > 0) layers.push({ name, weights });
  }
  return layers;
}

function fileWeight(path: string, layer: string, name: string, entry: unknown): FileWeight {
  if (!(entry instanceof h5wasm.Dataset)) {
    throw new WeightsFileCorruptError(path, `weight ${name} is listed but its dataset is missing`, layer);
  }
  const dataset: Dataset = entry;
  return { name, shape: dataset.shape ?? [], read: () => numericValues(path, layer, name, dataset) };
}

function numericValues(path: string, layer: string, name: string, dataset: Dataset): WeightValues {
  let value: unknown;
  try {
    value = dataset.value;
  } catch (error) {
    throw new WeightsFileCorruptError(path, `weight ${name} cannot be read: ${hdf5Reason(error)}`, layer, {
      cause: error,
    });
  }
  if (
    value instanceof Float32Array ||
    value instanceof Float64Array ||
    value instanceof Int32Array ||
    value instanceof BigInt64Array
  ) {
    return value;
  }
  // Scalars (Normalization's count) come back as a plain number or bigint.
  if (typeof value === 'number') return Float64Array.of(value);
  if (typeof value === 'bigint') return BigInt64Array.of(value);
  throw new WeightsFileCorruptError(
    path,
    `weight ${name} holds ${JSON.stringify(dataset.dtype)} data, not float32/float64/int32/int64 numbers`,
    layer,
  );
}

/** A list of names from an HDF5 attribute: fixed-length byte strings (old Keras) or variable-length strings (Keras 3). */
function stringList(path: string, value: unknown, what: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  // An empty list is written as an empty float64 array.
  if (ArrayBuffer.isView(value) && (value as Float64Array).length === 0) return [];
  throw new WeightsFileCorruptError(path, `${what} is not a list of names (got ${String(value)})`);
}
