"""Reads the real SqueezeNet v1.1 ImageNet weights with h5py (independently of our h5wasm loader) and
writes what src/weights/keras-weights.test.ts checks loaded weights against: for every weight, its
dataset, shape, sum, sum of absolute values and the values at a few positions; and the same for the
greyscale conv1 kernel (summed over RGB).

Run once, from the repo root, with the project's Python:
    ~/.cache/medsweep/venv/bin/python packages/ml/scripts/squeezenet-h5py-reference.py
    npx prettier --write packages/ml/src/weights/fixtures
"""

import json
import os

import h5py
import numpy as np

# The shared data folder beside the clone, as @medsweep/config's dataDir defaults to.
DATA_DIR = os.environ.get(
    "MEDSWEEP_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "data")
)
FILE = "squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5"
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "weights", "fixtures", "squeezenet.h5py.json")
SAMPLES = 6


def summary(values):
    flat = values.astype("float64").ravel()
    # Positions spread over the whole tensor, first and last included.
    positions = sorted({int(round(i * (flat.size - 1) / (SAMPLES - 1))) for i in range(SAMPLES)})
    return {
        "shape": list(values.shape),
        "sum": float(flat.sum()),
        "sumAbs": float(np.abs(flat).sum()),
        "samples": [[p, float(values.ravel()[p])] for p in positions],
    }


def main():
    path = os.path.abspath(os.path.join(DATA_DIR, "weights", FILE))
    layers = []
    with h5py.File(path, "r") as f:
        for name in (n.decode() for n in f.attrs["layer_names"]):
            group = f[name]
            weights = []
            for weight_name in (n.decode() for n in group.attrs["weight_names"]):
                weights.append({"dataset": f"{name}/{weight_name}", **summary(group[weight_name][()])})
            if weights:
                layers.append({"name": name, "weights": weights})
        conv1 = f["conv1"][f["conv1"].attrs["weight_names"][0].decode()][()]
    reference = {
        "generator": "packages/ml/scripts/squeezenet-h5py-reference.py",
        "h5py": h5py.__version__,
        "file": FILE,
        "params": int(sum(int(np.prod(w["shape"])) for layer in layers for w in layer["weights"])),
        "layers": layers,
        "greyConv1Kernel": summary(conv1.sum(axis=2, keepdims=True)),
    }
    with open(OUT, "w") as f:
        json.dump(reference, f)
        f.write("\n")
    print(f"{len(layers)} layers, {reference['params']:,} params -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
