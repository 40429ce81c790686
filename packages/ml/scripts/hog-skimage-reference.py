"""Writes the scikit-image HOG reference that src/models/classical/hog.test.ts compares our tf HOG with.

Three small fixed images (seeded, synthetic: no dataset bytes are copied), each with the HOG settings it
is checked under: a grey noise image whose sides are not multiples of the cell (cropping), a grey
28 x 28 "lesion" (an ellipse on a shaded background, the default settings at MedMNIST's size) and an RGB
noise image (the strongest channel per pixel), with other cell, block and orientation counts. Pixels are
stored as uint8; the features are scikit-image's of the image scaled to [0, 1], as the model sees it.

Run once, from the repo root, with the project's Python (scikit-image 0.26 in the venv):
    ~/.cache/medsweep/venv/bin/pip install scikit-image==0.26.0
    ~/.cache/medsweep/venv/bin/python packages/ml/scripts/hog-skimage-reference.py
    npx prettier --write packages/ml/src/models/classical/fixtures
"""

import json
import os

import numpy as np
import skimage
from skimage.feature import hog

OUT = os.path.join(
    os.path.dirname(__file__), "..", "src", "models", "classical", "fixtures", "hog-skimage.json"
)


def lesion(size: int, rng: np.random.Generator) -> np.ndarray:
    rows, cols = np.mgrid[0:size, 0:size].astype(np.float64)
    background = 60 + 80 * rows / size
    ellipse = ((rows - 15.5) / 7) ** 2 + ((cols - 11) / 5) ** 2 < 1
    image = background + 90 * ellipse + rng.normal(0, 6, (size, size))
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


def main() -> None:
    rng = np.random.default_rng(20251207)
    cases = [
        ("grey noise, cropped", rng.integers(0, 256, (22, 19, 1), dtype=np.uint8), 9, 4, 2),
        ("grey lesion, 28 px defaults", lesion(28, rng)[:, :, None], 9, 4, 2),
        ("rgb noise, strongest channel", rng.integers(0, 256, (17, 20, 3), dtype=np.uint8), 6, 3, 3),
    ]
    out = {"skimage": skimage.__version__, "cases": []}
    for name, pixels, orientations, cell, block in cases:
        image = pixels.astype(np.float64) / 255
        features = hog(
            image if pixels.shape[2] == 3 else image[:, :, 0],
            orientations=orientations,
            pixels_per_cell=(cell, cell),
            cells_per_block=(block, block),
            block_norm="L2-Hys",
            feature_vector=True,
            channel_axis=-1 if pixels.shape[2] == 3 else None,
        )
        out["cases"].append(
            {
                "name": name,
                "height": int(pixels.shape[0]),
                "width": int(pixels.shape[1]),
                "channels": int(pixels.shape[2]),
                "pixels": pixels.ravel().tolist(),
                "args": {"orientations": orientations, "cellSize": cell, "blockSize": block},
                "features": [round(float(v), 8) for v in features],
            }
        )
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {OUT}: " + ", ".join(f"{c['name']} ({len(c['features'])})" for c in out["cases"]))


if __name__ == "__main__":
    main()
