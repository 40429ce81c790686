"""Keras 3 side of `npm run bench:train`: training throughput of one Keras application.

Run by bench/train-bench.ts with the venv's TensorFlow (the same libtensorflow release tfjs-node is
linked against). Builds keras.applications.<Model>(weights=None) with a `classes`-way softmax head,
trains it with Adam (lr 1e-3) and sparse categorical cross-entropy on random inputs of the given size,
`warmup` untimed steps, then `steps` timed ones, and prints one JSON line:
{"model": ..., "stepSeconds": [...], "cpuSeconds": [...], "peakRssMb": ...} (train-bench.ts turns step times into images/s
the same way for both frameworks).
On a CPU-only machine Keras 3 runs the train step as a tf.function without XLA (jit_compile="auto"
resolves to False there), i.e. TensorFlow's graph executor with its fused kernels.
"""

import argparse
import json
import os
import resource
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import keras  # noqa: E402

APPLICATIONS = {
    "vgg16": keras.applications.VGG16,
    "resnet50": keras.applications.ResNet50,
    "densenet121": keras.applications.DenseNet121,
    "efficientnetb0": keras.applications.EfficientNetB0,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=sorted(APPLICATIONS))
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--classes", type=int, default=2)
    args = parser.parse_args()

    keras.utils.set_random_seed(0)
    model = APPLICATIONS[args.model](
        weights=None, input_shape=(args.size, args.size, 3), classes=args.classes
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss="sparse_categorical_crossentropy",
    )
    rng = np.random.default_rng(0)
    batches = args.warmup + args.steps
    x = rng.random((batches, args.batch, args.size, args.size, 3), dtype=np.float32)
    y = rng.integers(0, args.classes, size=(batches, args.batch))

    for i in range(args.warmup):
        model.train_on_batch(x[i], y[i])
    step_seconds = []
    cpu_seconds = []
    for i in range(args.warmup, batches):
        start, start_cpu = time.perf_counter(), time.process_time()
        model.train_on_batch(x[i], y[i])  # returns the loss: the step has finished
        step_seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - start_cpu)

    print(
        json.dumps(
            {
                "model": args.model,
                "stepSeconds": step_seconds,
                "cpuSeconds": cpu_seconds,
                # Linux reports ru_maxrss in KiB.
                "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
