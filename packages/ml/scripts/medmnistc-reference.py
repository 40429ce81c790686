"""Reference outputs of MedMNIST-C's corruptions (PyPI medmnistc 0.1.0) for src/evaluation/corruptions.ts.

src/evaluation/corruptions.reference.test.ts runs this script live (into a temporary file) whenever the
project venv has the packages infra/setup.sh installs for it: medmnistc 0.1.0 (without its dependencies),
pillow, scikit-image 0.23.2 and opencv-python-headless. By hand, from the repo root:
    ~/.cache/medsweep/venv/bin/python packages/ml/scripts/medmnistc-reference.py OUT.json

Inputs are small synthetic images (seeded; no dataset bytes): grey 28 x 28, grey 24 x 36 and RGB 28 x 28.
Each goes through medmnistc's own pipeline: a PIL RGB image, the corruption's apply(), and for grey images
PIL's convert('L') back, as medmnistc's dataset manager does for grey datasets.

What each reference is:
- medmnistc's own classes, unmodified: Pixelate and JPEGCompression (PIL), Brightness and Contrast (PIL
  ImageEnhance), GaussianNoise, SpeckleNoise, ShotNoise (numpy), ImpulseNoise (skimage random_noise).
  Random ones get the same draws the TypeScript side is given: numpy's normal/poisson and skimage's
  Bernoulli helper are replaced, for the call, by functions returning the stored draws, so the arithmetic
  is compared exactly.
- torch, torchvision and wand (ImageMagick) are too heavy or absent here, so three corruptions are compared
  with the formulas those libraries implement, written out below: GammaCorrection and GaussianBlur run
  medmnistc's classes with `torchvision.transforms.functional` replaced by numpy versions of torchvision's
  adjust_gamma (its PIL lookup table) and gaussian_blur (float32 kernel, reflect padding, conv, round);
  MotionBlur is ImageMagick's MotionBlurImage (effect.c: Gaussian taps along a line, edge pixels
  repeated, rounded to 8 bits) in numpy, because medmnistc calls it through Wand.
"""

import base64
import json
import math
import sys
import types
from importlib.metadata import version

import numpy as np
from PIL import Image

SEED = 20261207


# ---------------------------------------------------------------------------------------------------------
# Stand-ins for torchvision and wand, installed before medmnistc's modules import them


def adjust_gamma(img, gamma, gain=1):
    """torchvision.transforms.functional_pil.adjust_gamma: a per-level table applied to the RGB image."""
    input_mode = img.mode
    img = img.convert("RGB")
    gamma_map = [int((255 + 1 - 1e-3) * gain * pow(ele / 255.0, gamma)) for ele in range(256)] * 3
    return img.point(gamma_map).convert(input_mode)


def gaussian_blur(img, kernel_size, sigma=None):
    """torchvision.transforms.functional.gaussian_blur on a PIL image, in float32 as torch computes it."""
    k = kernel_size
    sigma = k * 0.15 + 0.35 if sigma is None else sigma
    half = (k - 1) * 0.5
    x = np.linspace(-half, half, k, dtype=np.float32)
    pdf = np.exp(np.float32(-0.5) * (x / np.float32(sigma)) ** 2)
    kernel1d = pdf / pdf.sum(dtype=np.float32)
    kernel2d = np.outer(kernel1d, kernel1d).astype(np.float32)
    array = np.asarray(img).astype(np.float32)
    pad = k // 2
    padded = np.pad(array, ((pad, pad), (pad, pad), (0, 0)), mode="reflect")
    height, width = array.shape[:2]
    out = np.zeros_like(array)
    for i in range(k):
        for j in range(k):
            out += kernel2d[i, j] * padded[i:i + height, j:j + width]
    return Image.fromarray(np.clip(np.round(out), 0, 255).astype(np.uint8), mode=img.mode)


def install_stand_ins():
    torchvision = types.ModuleType("torchvision")
    transforms = types.ModuleType("torchvision.transforms")
    functional = types.ModuleType("torchvision.transforms.functional")
    functional.adjust_gamma = adjust_gamma
    functional.gaussian_blur = gaussian_blur
    torchvision.transforms = transforms
    transforms.functional = functional
    wand = types.ModuleType("wand")
    wand_image = types.ModuleType("wand.image")
    wand_image.Image = type("Image", (), {})
    wand_api = types.ModuleType("wand.api")
    wand_api.library = None
    sys.modules.update({"torchvision": torchvision, "torchvision.transforms": transforms,
                        "torchvision.transforms.functional": functional, "wand": wand,
                        "wand.image": wand_image, "wand.api": wand_api})


install_stand_ins()
import skimage.util.noise  # noqa: E402
from medmnistc.corruptions.compression import JPEGCompression, Pixelate  # noqa: E402
from medmnistc.corruptions.enhance import Brightness, Contrast, GammaCorrection  # noqa: E402
from medmnistc.corruptions.filter import GaussianBlur  # noqa: E402
from medmnistc.corruptions.noise import GaussianNoise, ImpulseNoise, ShotNoise, SpeckleNoise  # noqa: E402


def imagemagick_motion_blur(rgb, radius, sigma, angle):
    """MagickCore MotionBlurImage on an opaque 8-bit image: taps i = 0..2 ceil(radius), weights
    exp(-i^2 / (2 sigma^2)) normalised, at offsets rounded along the angle, edge virtual pixels, rounded."""
    width = int(2 * math.ceil(radius) + 1)
    weights = np.array([math.exp(-(i * i) / (2.0 * sigma * sigma)) / (math.sqrt(2 * math.pi) * sigma)
                        for i in range(width)])
    weights /= weights.sum()
    point_x, point_y = width * math.sin(math.radians(angle)), width * math.cos(math.radians(angle))
    length = math.hypot(point_x, point_y)
    height, cols = rgb.shape[:2]
    rows = np.arange(height)[:, None]
    columns = np.arange(cols)[None, :]
    total = np.zeros(rgb.shape, dtype=np.float64)
    for i in range(width):
        dx = math.ceil(i * point_y / length - 0.5)
        dy = math.ceil(i * point_x / length - 0.5)
        source = rgb[np.clip(rows + dy, 0, height - 1), np.clip(columns + dx, 0, cols - 1)]
        total += weights[i] * source
    return np.clip(np.floor(total + 0.5), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------------------
# Inputs


def lesion(height, width, rng):
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    background = 40 + 150 * rows / height + 20 * np.sin(cols / 3)
    ellipse = ((rows - height / 2) / (height / 4)) ** 2 + ((cols - width / 2.5) / (width / 6)) ** 2 < 1
    return np.clip(np.round(background + 70 * ellipse + rng.normal(0, 12, (height, width))), 0, 255)


def batches(rng):
    extremes = np.zeros((28, 28))
    extremes[:, 14:] = 255
    extremes[10:18, 5:23] = 128
    grey28 = [lesion(28, 28, rng), rng.integers(0, 256, (28, 28)), extremes,
              np.tile(np.linspace(0, 255, 28), (28, 1))]
    rgb28 = [np.stack([lesion(28, 28, rng), rng.integers(0, 256, (28, 28)), np.full((28, 28), 200)], axis=2),
             rng.integers(0, 256, (28, 28, 3))]
    return {
        "grey28": np.stack(grey28)[..., None].astype(np.uint8),
        "grey24x36": lesion(24, 36, rng)[None, :, :, None].astype(np.uint8),
        "rgb28": np.stack(rgb28).astype(np.uint8),
    }


def encode(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


# ---------------------------------------------------------------------------------------------------------
# Corruptions through medmnistc's pipeline


def as_rgb(image):
    return Image.fromarray(image[..., 0] if image.shape[2] == 1 else image).convert("RGB")


def back_to_dataset(corrupted, channels):
    array = np.asarray(corrupted, dtype=np.uint8)
    return np.asarray(Image.fromarray(array).convert("L"))[..., None] if channels == 1 else array


class Replaced:
    """Temporarily replaces attributes (numpy's samplers, skimage's Bernoulli helper) with stored draws."""

    def __init__(self, owner, **attributes):
        self.owner, self.attributes, self.saved = owner, attributes, {}

    def __enter__(self):
        for name, value in self.attributes.items():
            self.saved[name] = getattr(self.owner, name)
            setattr(self.owner, name, value)

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            setattr(self.owner, name, value)


def corrupt_batch(images, corruption, rng):
    """medmnistc's output for each image, and the draws it consumed (the TypeScript side's input)."""
    kind, count, channels = corruption["kind"], images.shape[0], images.shape[3]
    rgb_shape = images.shape[1:3] + (3,)
    outputs, draws = [], []
    for n in range(count):
        image = as_rgb(images[n])
        if kind == "pixelate":
            out = Pixelate([corruption["factor"]]).apply(image, 0)
        elif kind == "jpeg_compression":
            out = JPEGCompression([corruption["quality"]]).apply(image, 0)
        elif kind == "brightness":
            out = Brightness([corruption["factor"]]).apply(image, 0)
        elif kind == "contrast":
            out = Contrast([corruption["factor"]]).apply(image, 0)
        elif kind == "gamma":
            out = GammaCorrection([corruption["gamma"]]).apply(image, 0)
        elif kind == "gaussian_blur":
            out = GaussianBlur([corruption["kernelSize"]]).apply(image, 0)
        elif kind == "motion_blur":
            angle = rng.uniform(-45, 45)
            draws.append(np.array([angle]))
            out = imagemagick_motion_blur(np.asarray(image), corruption["radius"], corruption["sigma"], angle)
        elif kind in ("gaussian_noise", "speckle_noise"):
            z = rng.standard_normal(rgb_shape)
            draws.append(z)
            corruptor = (GaussianNoise if kind == "gaussian_noise" else SpeckleNoise)([corruption["scale"]])
            # numpy's normal(size, scale) is scale * a standard normal draw.
            with Replaced(np.random, normal=lambda size, scale: scale * z):
                out = corruptor.apply(image, 0)
        elif kind == "shot_noise":
            counts = rng.poisson(np.asarray(image) / 255.0 * corruption["photons"])
            draws.append(counts.astype(np.int32))
            with Replaced(np.random, poisson=lambda lam: counts):
                out = ShotNoise([corruption["photons"]]).apply(image, 0)
        elif kind == "impulse_noise":
            flipped = rng.random(rgb_shape) <= corruption["amount"]
            salted = rng.random(rgb_shape) <= 0.5
            draws.append(np.where(flipped, np.where(salted, 1, 2), 0).astype(np.uint8))
            stored = iter([flipped, salted])
            corruptor = ImpulseNoise([corruption["amount"]])
            corruptor.rng = np.random.default_rng(0)  # medmnistc's dataset manager sets it; unused here
            with Replaced(skimage.util.noise, _bernoulli=lambda p, shape, rng: next(stored)):
                out = corruptor.apply(image, 0)
        else:
            raise ValueError(kind)
        outputs.append(back_to_dataset(out, channels))
    draw = None
    if draws:
        draw_kind = {"gaussian_noise": "normal", "speckle_noise": "normal", "shot_noise": "poisson",
                     "impulse_noise": "impulse", "motion_blur": "angle"}[kind]
        dtype = {"normal": np.float64, "angle": np.float64, "poisson": np.int32, "impulse": np.uint8}[draw_kind]
        draw = {"kind": draw_kind, "values": encode(np.concatenate([d.ravel() for d in draws]).astype(dtype))}
    return np.stack(outputs), draw


REFERENCE = {
    "pixelate": "medmnistc", "jpeg_compression": "medmnistc", "brightness": "medmnistc", "contrast": "medmnistc",
    "gaussian_noise": "medmnistc", "speckle_noise": "medmnistc", "shot_noise": "medmnistc",
    "impulse_noise": "medmnistc", "gamma": "medmnistc class, torchvision adjust_gamma formula",
    "gaussian_blur": "medmnistc class, torchvision gaussian_blur formula",
    "motion_blur": "ImageMagick MotionBlurImage algorithm",
}

# Strengths from medmnistc's registry (BreastMNIST, PneumoniaMNIST, ChestMNIST), weakest to strongest.
CORRUPTIONS = (
    [{"kind": "pixelate", "factor": f} for f in (0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1)]
    + [{"kind": "jpeg_compression", "quality": q} for q in (50, 30, 15, 10, 7)]
    + [{"kind": "gaussian_noise", "scale": s} for s in (0.04, 0.08, 0.26)]
    + [{"kind": "speckle_noise", "scale": s} for s in (0.05, 0.2, 0.45)]
    + [{"kind": "impulse_noise", "amount": a} for a in (0.005, 0.03, 0.17)]
    + [{"kind": "shot_noise", "photons": p} for p in (300, 60, 5)]
    + [{"kind": "gaussian_blur", "kernelSize": k} for k in (3, 5, 7, 9, 11)]
    + [{"kind": "motion_blur", "radius": r, "sigma": s} for r, s in ((5, 5), (9, 7), (17, 12))]
    + [{"kind": "brightness", "factor": f} for f in (0.3, 0.55, 0.9, 1.1, 1.5, 2.0)]
    + [{"kind": "contrast", "factor": f} for f in (0.4, 0.9, 1.1, 1.6)]
    + [{"kind": "gamma", "gamma": g} for g in (0.4, 0.9, 1.1, 1.6)]
)


def build():
    rng = np.random.default_rng(SEED)
    inputs = batches(rng)
    cases = []
    for name, images in inputs.items():
        for corruption in CORRUPTIONS:
            expected, draw = corrupt_batch(images, corruption, rng)
            case = {"batch": name, "corruption": corruption, "reference": REFERENCE[corruption["kind"]],
                    "expected": encode(expected)}
            if draw is not None:
                case["draw"] = draw
            cases.append(case)
    return {
        "meta": {"generator": "packages/ml/scripts/medmnistc-reference.py",
                 "versions": {p: version(p) for p in ("medmnistc", "pillow", "scikit-image", "numpy")}},
        "batches": {name: {"count": int(a.shape[0]), "height": int(a.shape[1]), "width": int(a.shape[2]),
                           "channels": int(a.shape[3]), "images": encode(a)} for name, a in inputs.items()},
        "cases": cases,
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "-"
    text = json.dumps(build(), separators=(",", ":"))
    if out == "-":
        print(text)
    else:
        with open(out, "w") as handle:
            handle.write(text + "\n")


if __name__ == "__main__":
    main()
