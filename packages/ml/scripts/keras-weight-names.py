"""Writes the Keras 3 reference fixtures that src/models/architectures.test.ts compares our models with.

For each architecture: every layer that has weights, in model order, with its weight names and
shapes, for the base (include_top=False at 224x224x3, the shape the published _notop ImageNet files
were made for) and for the classification head (include_top=True at 32x32x3 with 5 classes, only
the layers the head adds), plus Keras' own parameter counts.

Run once, from the repo root, with the project's Python (tensorflow-cpu 2.21, Keras 3):
    ~/.cache/medsweep/venv/bin/python packages/ml/scripts/keras-weight-names.py
    npx prettier --write packages/ml/src/models/fixtures
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "src", "models", "fixtures")
HEAD_INPUT = (32, 32, 3)
HEAD_CLASSES = 5

BUILDERS = {
    "vgg16": keras.applications.VGG16,
    "resnet50": keras.applications.ResNet50,
    "densenet121": keras.applications.DenseNet121,
    "efficientnetb0": keras.applications.EfficientNetB0,
}


def weighted_layers(model):
    return [
        {"name": layer.name, "weights": [[w.name, list(w.shape)] for w in layer.weights]}
        for layer in model.layers
        if layer.weights
    ]


def trainable_count(model):
    return int(sum(w.numpy().size for w in model.trainable_weights))


def build(builder, **kwargs):
    # A fresh session per model, so auto-named layers (EfficientNet's `normalization`, DenseNet's
    # `zero_padding2d`) get the names a freshly started Keras gives them.
    keras.backend.clear_session()
    return builder(weights=None, **kwargs)


def main():
    for name, builder in BUILDERS.items():
        base = build(builder, include_top=False, input_shape=(224, 224, 3))
        top = build(builder, include_top=True, input_shape=HEAD_INPUT, classes=HEAD_CLASSES)
        base_layers = {layer["name"] for layer in weighted_layers(base)}
        fixture = {
            "generator": "packages/ml/scripts/keras-weight-names.py",
            "keras": keras.__version__,
            "tensorflow": tf.__version__,
            "base": {
                "inputShape": [224, 224, 3],
                "params": int(base.count_params()),
                "trainableParams": trainable_count(base),
                "layers": weighted_layers(base),
            },
            "head": {
                "inputShape": list(HEAD_INPUT),
                "classes": HEAD_CLASSES,
                "params": int(top.count_params()),
                "layers": [layer for layer in weighted_layers(top) if layer["name"] not in base_layers],
            },
        }
        path = os.path.join(OUT_DIR, f"{name}.keras.json")
        with open(path, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
            f.write("\n")
        print(f"{name}: base {fixture['base']['params']:,} params -> {os.path.relpath(path)}", file=sys.stderr)


if __name__ == "__main__":
    main()
