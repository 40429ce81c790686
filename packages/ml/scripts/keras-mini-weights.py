"""Writes the small Keras weight files that src/weights/keras-weights.test.ts loads into our models.

A tiny network is assembled from the block functions of Keras' own applications (VGG's conv block,
ResNet's residual_block_v1, DenseNet's conv_block and transition_block, EfficientNet's MBConv block
with its Rescaling + Normalization stem, a DenseNet-style conv1_conv/conv1_bn stem, and a SqueezeNet
fire module as the community model builds it), every weight is set to seeded random values, and
the same weights are saved in the three layouts the loader reads:

  mini.keras2.h5          the published ImageNet files' layout, written the way Keras 2 wrote it:
                          fixed-length byte-string attributes, `<layer>/<weight>:0` datasets and
                          Keras 2 layer names with `/` (DenseNet's `conv1/conv`, `fire2/squeeze1x1`)
  mini.keras3-legacy.h5   Keras 3's legacy .h5 writer (variable-length strings, no `:0`)
  mini.weights.h5         Keras 3's native .weights.h5

mini.expected.json holds the input and Keras' outputs for it, so the test can check that our blocks
compute what Keras' do once the weights are loaded.

Run once, from the repo root, with the project's Python (tensorflow-cpu 2.21, Keras 3):
    ~/.cache/medsweep/venv/bin/python packages/ml/scripts/keras-mini-weights.py
    npx prettier --write packages/ml/src/weights/fixtures
"""

import contextlib
import functools
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402
from keras.src.applications import densenet, efficientnet, resnet  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "src", "weights", "fixtures")
INPUT_SHAPE = (16, 16, 3)
SEED = 7
# Keras 2 models named layers with `/` (DenseNet's stem, the SqueezeNet community model's fire
# modules); Keras 3 forbids `/`, so the Keras 3 model here uses `_`.
KERAS2_NAMES = {"conv1_conv": "conv1/conv", "conv1_bn": "conv1/bn"}


def keras2_name(name):
    return KERAS2_NAMES.get(name, name.replace("fire2_", "fire2/"))


def fire_module(x, squeeze, expand, name):
    x = layers.Conv2D(squeeze, 1, name=f"{name}_squeeze1x1")(x)
    x = layers.Activation("relu")(x)
    left = layers.Activation("relu")(layers.Conv2D(expand, 1, name=f"{name}_expand1x1")(x))
    right = layers.Activation("relu")(layers.Conv2D(expand, 3, padding="same", name=f"{name}_expand3x3")(x))
    return layers.Concatenate(axis=-1)([left, right])


def build():
    inputs = keras.Input(INPUT_SHAPE)
    x = layers.Rescaling(1.0 / 255.0, name="rescaling")(inputs)
    x = layers.Normalization(axis=-1, name="normalization")(x)
    x = layers.Conv2D(8, 3, padding="same", use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=1.001e-5, name="conv1_bn")(x)
    x = layers.Activation("relu")(x)
    for i in (1, 2):
        x = layers.Conv2D(8, 3, padding="same", activation="relu", name=f"block1_conv{i}")(x)
    x = layers.MaxPooling2D(2, strides=2, name="block1_pool")(x)
    x = resnet.residual_block_v1(x, 4, stride=1, conv_shortcut=True, name="conv2_block1")
    x = resnet.residual_block_v1(x, 4, conv_shortcut=False, name="conv2_block2")
    x = densenet.conv_block(x, 4, name="conv3_block1")
    x = densenet.conv_block(x, 4, name="conv3_block2")
    x = densenet.transition_block(x, 0.5, name="pool3")
    mbconv = dict(kernel_size=3, expand_ratio=2, se_ratio=0.25, id_skip=True)
    x = efficientnet.block(x, "swish", 0.0, name="block2a_", filters_in=12, filters_out=8, strides=2, **mbconv)
    x = efficientnet.block(x, "swish", 0.1, name="block2b_", filters_in=8, filters_out=8, strides=1, **mbconv)
    features = fire_module(x, 4, 8, "fire2")
    pooled = layers.GlobalAveragePooling2D()(features)
    outputs = layers.Dense(3, activation="softmax", name="predictions")(pooled)
    return keras.Model(inputs, [features, outputs], name="mini")


def randomize(model):
    rng = np.random.default_rng(SEED)
    for layer in model.layers:
        values = []
        for w in layer.weights:
            shape = tuple(w.shape)
            if w.name == "count":
                values.append(np.array(1000, dtype="int64"))
            elif w.name == "variance":
                values.append(rng.uniform(0.5, 1.5, shape).astype("float32"))
            elif w.name == "moving_variance":
                # Small, so that a wrong BatchNormalization epsilon (1e-3 against 1.001e-5) shows.
                values.append(rng.uniform(0.05, 0.2, shape).astype("float32"))
            elif w.name == "mean":
                values.append(rng.uniform(0.3, 0.6, shape).astype("float32"))
            else:
                values.append(rng.normal(0.0, 0.3, shape).astype("float32"))
        if values:
            layer.set_weights(values)
        if isinstance(layer, layers.Normalization):
            # set_weights leaves the statistics Normalization computes with stale; Keras' weight
            # loaders refresh them this way.
            layer.finalize_state()


def write_keras2_layout(model, path):
    """The layout of the published *_tf_dim_ordering_tf_kernels*.h5 files, as Keras 2's saver wrote it."""
    with h5py.File(path, "w", libver="latest") as f:
        names = [keras2_name(layer.name) for layer in model.layers]
        f.attrs["layer_names"] = np.array([n.encode() for n in names])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer, name in zip(model.layers, names):
            group = f.create_group(name)
            # Keras 2 called a depthwise kernel `depthwise_kernel`; Keras 3 calls it `kernel`.
            var_names = [
                "depthwise_kernel" if isinstance(layer, layers.DepthwiseConv2D) and w.name == "kernel" else w.name
                for w in layer.weights
            ]
            weight_names = [f"{name}/{v}:0" for v in var_names]
            group.attrs["weight_names"] = (
                np.array([n.encode() for n in weight_names]) if weight_names else np.array([], dtype="float64")
            )
            for weight_name, w in zip(weight_names, layer.weights):
                group.create_dataset(weight_name, data=np.asarray(w.numpy()))


@contextlib.contextmanager
def compact_hdf5():
    """Makes Keras' own writer use HDF5's newest object format, whose small groups take a few hundred
    bytes instead of ~1.5 KB, to keep the fixture small; the layout Keras writes is unchanged."""
    original = h5py.File
    h5py.File = functools.partial(original, libver="latest")
    try:
        yield
    finally:
        h5py.File = original


def main():
    keras.backend.clear_session()
    model = build()
    randomize(model)
    x = (np.arange(np.prod(INPUT_SHAPE)) * 37 % 256).astype("float32").reshape((1, *INPUT_SHAPE))
    features, probabilities = model.predict(x, verbose=0)

    os.makedirs(OUT_DIR, exist_ok=True)
    write_keras2_layout(model, os.path.join(OUT_DIR, "mini.keras2.h5"))
    with h5py.File(os.path.join(OUT_DIR, "mini.keras3-legacy.h5"), "w", libver="latest") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    with compact_hdf5():
        model.save_weights(os.path.join(OUT_DIR, "mini.weights.h5"))

    expected = {
        "generator": "packages/ml/scripts/keras-mini-weights.py",
        "keras": keras.__version__,
        "inputShape": list(INPUT_SHAPE),
        "input": "pixel i (row-major) = (i * 37) % 256",
        "params": int(model.count_params()),
        "features": {"shape": list(features.shape), "values": [round(float(v), 7) for v in features.ravel()]},
        "probabilities": [round(float(v), 7) for v in probabilities.ravel()],
    }
    with open(os.path.join(OUT_DIR, "mini.expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    for name in sorted(os.listdir(OUT_DIR)):
        if name.startswith("mini."):
            print(name, os.path.getsize(os.path.join(OUT_DIR, name)), "bytes")


if __name__ == "__main__":
    main()
