import type * as tfjs from '@tensorflow/tfjs';
import h5wasm from 'h5wasm/node';
import type { Group } from 'h5wasm/node';
import type { ModelInputSpec } from '../data/preprocess.js';
import { validateInputSpec } from '../data/preprocess.js';
import { WeightsFileCorruptError } from '../errors.js';
import { loadLibrary, openHdf5 } from './hdf5-file.js';

/** Root attribute saying how images were prepared for the saved model (JSON of a ModelInputSpec). */
const INPUT_ATTRIBUTE = 'medsweep_input';

export interface SaveKerasWeightsArgs {
  /**
   * How images were prepared for the model. Recorded in the file so that a model initialised from it
   * later (weights of an earlier trial as a pretrained arm) is fed the same way; see readKerasWeightsInput().
   */
  input?: ModelInputSpec;
}

/** One weight's values, read from the model before the (synchronous) write starts. */
interface WeightValues {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
}

/**
 * Writes every weight of `model` to `path` in the legacy Keras HDF5 layout that the published ImageNet
 * files use and loadKerasWeights() reads: root attribute `layer_names` (every layer, in model order);
 * per layer a group with attribute `weight_names`, each weight a dataset `<layer>/<weight>:0` inside it.
 * Keras' own load_weights(by_name=True) reads it too.
 *
 * Equal weights give equal bytes: HDF5 stamps every object header with the wall clock, which would make
 * a retried trial's output differ from the first attempt's by timestamps alone, so the clock the HDF5
 * library sees is held at 0 while the file is written.
 */
export async function saveKerasWeights(
  model: tfjs.LayersModel,
  path: string,
  args: SaveKerasWeightsArgs = {},
): Promise<void> {
  const layers = await Promise.all(
    model.layers.map(async (layer) => ({
      name: layer.name,
      weights: await Promise.all(
        layer.weights.map(async (weight): Promise<WeightValues> => ({
          name: `${weight.originalName}:0`,
          shape: weight.shape as number[],
          values: (await weight.read().data()) as Float32Array | Int32Array,
        })),
      ),
    })),
  );
  const { File } = await loadLibrary();

  // Emscripten's clock_gettime reads Date.now(); everything below is synchronous, so nothing else runs
  // while it is pinned.
  const realNow = Date.now;
  Date.now = () => 0;
  const file = new File(path, 'w');
  try {
    file.create_attribute(
      'layer_names',
      layers.map((l) => l.name),
    );
    file.create_attribute('backend', 'tensorflow');
    // Keras treats a file without keras_version as Keras 1 and converts its weights on load.
    file.create_attribute('keras_version', '2.15.0');
    if (args.input) file.create_attribute(INPUT_ATTRIBUTE, JSON.stringify(args.input));
    for (const layer of layers) {
      const group = ensureGroup(file, layer.name);
      group.create_attribute(
        'weight_names',
        layer.weights.map((w) => w.name),
      );
      for (const weight of layer.weights) {
        const slash = weight.name.lastIndexOf('/');
        const parent = slash < 0 ? group : ensureGroup(group, weight.name.slice(0, slash));
        parent.create_dataset({
          name: weight.name.slice(slash + 1),
          data: weight.values,
          shape: weight.shape,
        });
      }
    }
  } finally {
    file.close();
    Date.now = realNow;
  }
}

/**
 * The input spec saveKerasWeights() recorded in a weights file, or undefined for a file without one
 * (an imported ImageNet file: its architecture's ImageNet preprocessing applies). Throws the errors of
 * loadKerasWeights() for an unreadable file, and WeightsFileCorruptError for a malformed record.
 */
export async function readKerasWeightsInput(path: string): Promise<ModelInputSpec | undefined> {
  const file = await openHdf5(path);
  try {
    const recorded = file.attrs[INPUT_ATTRIBUTE]?.value;
    if (recorded === undefined) return undefined;
    try {
      const input = JSON.parse(String(recorded)) as ModelInputSpec;
      validateInputSpec(input);
      return input;
    } catch (error) {
      throw new WeightsFileCorruptError(
        path,
        `root attribute ${INPUT_ATTRIBUTE} is not a model input spec ({ height, width, channels, preprocessing }): ${String(recorded)}`,
        undefined,
        { cause: error },
      );
    }
  } finally {
    file.close();
  }
}

/**
 * The group at `path` below `parent`, creating every missing level: Keras layer names may contain
 * `/` (SqueezeNet's `fire2/squeeze1x1`), which HDF5 reads as nesting, and h5wasm creates one level at
 * a time.
 */
function ensureGroup(parent: Group, path: string): Group {
  let group = parent;
  for (const part of path.split('/')) {
    const existing = group.get(part);
    group = existing instanceof h5wasm.Group ? existing : group.create_group(part);
  }
  return group;
}
