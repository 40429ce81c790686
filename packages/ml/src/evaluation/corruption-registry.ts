// Which corruptions a dataset is evaluated under, at five severities each: the per-dataset lists of
// MedMNIST-C (medmnistc 0.1.0, corruptions/registry.py), chosen by its authors for each modality, with
// their severity parameters. Only the corruptions corruptions.ts implements are listed; the grey datasets'
// lists are complete, except OCTMNIST's defocus blur. medmnistc tuned these parameters on 224 px images:
// size-independent ones (pixelate factor, noise, JPEG quality, brightness, contrast, gamma) mean the same
// at 28 px, but blur kernels and motion radii are in pixels and so are relatively ~8x stronger there.
import type { Corruption } from './corruptions.js';

/** A named corruption (medmnistc's name) with its parameters at severities 1 to 5. */
export interface RegisteredCorruption {
  readonly name: string;
  readonly severities: readonly [Corruption, Corruption, Corruption, Corruption, Corruption];
}

export const SEVERITIES = [1, 2, 3, 4, 5] as const;
export type Severity = (typeof SEVERITIES)[number];

type Levels<T> = readonly [T, T, T, T, T];

function levels<T>(name: string, make: (value: T) => Corruption, values: Levels<T>): RegisteredCorruption {
  return { name, severities: values.map(make) as unknown as RegisteredCorruption['severities'] };
}

const pixelate = (values: Levels<number>) =>
  levels('pixelate', (factor) => ({ kind: 'pixelate', factor }), values);
const jpeg = (values: Levels<number>) =>
  levels('jpeg_compression', (quality) => ({ kind: 'jpeg_compression', quality }), values);
const gaussianNoise = (values: Levels<number>) =>
  levels('gaussian_noise', (scale) => ({ kind: 'gaussian_noise', scale }), values);
const speckleNoise = (values: Levels<number>) =>
  levels('speckle_noise', (scale) => ({ kind: 'speckle_noise', scale }), values);
const impulseNoise = (values: Levels<number>) =>
  levels('impulse_noise', (amount) => ({ kind: 'impulse_noise', amount }), values);
const shotNoise = (values: Levels<number>) =>
  levels('shot_noise', (photons) => ({ kind: 'shot_noise', photons }), values);
const gaussianBlur = (values: Levels<number>) =>
  levels('gaussian_blur', (kernelSize) => ({ kind: 'gaussian_blur', kernelSize }), values);
const motionBlur = (values: Levels<[number, number]>) =>
  levels('motion_blur', ([radius, sigma]) => ({ kind: 'motion_blur', radius, sigma }), values);
const enhance = (name: string, kind: 'brightness' | 'contrast', values: Levels<number>) =>
  levels(name, (factor) => ({ kind, factor }), values);
const gamma = (name: string, values: Levels<number>) =>
  levels(name, (g) => ({ kind: 'gamma', gamma: g }), values);

// chestmnist and pneumoniamnist list six blur kernels; medmnistc uses severities 0-4, i.e. the first five.
const X_RAY: readonly RegisteredCorruption[] = [
  pixelate([0.3, 0.25, 0.2, 0.15, 0.1]),
  jpeg([50, 30, 15, 10, 7]),
  gaussianNoise([0.04, 0.08, 0.12, 0.18, 0.26]),
  speckleNoise([0.05, 0.15, 0.2, 0.35, 0.45]),
  impulseNoise([0.01, 0.03, 0.06, 0.09, 0.17]),
  shotNoise([60, 25, 18, 10, 5]),
  gaussianBlur([3, 5, 7, 9, 11]),
  enhance('brightness_up', 'brightness', [1.1, 1.2, 1.3, 1.4, 1.5]),
  enhance('brightness_down', 'brightness', [0.9, 0.8, 0.7, 0.6, 0.5]),
  enhance('contrast_up', 'contrast', [1.1, 1.2, 1.3, 1.4, 1.6]),
  enhance('contrast_down', 'contrast', [0.9, 0.8, 0.7, 0.6, 0.4]),
  gamma('gamma_corr_up', [1.1, 1.2, 1.3, 1.4, 1.6]),
  gamma('gamma_corr_down', [0.9, 0.8, 0.7, 0.6, 0.4]),
];

const ABDOMINAL_CT: readonly RegisteredCorruption[] = [
  pixelate([0.7, 0.6, 0.5, 0.4, 0.35]),
  jpeg([50, 30, 15, 10, 7]),
  gaussianNoise([0.04, 0.08, 0.12, 0.16, 0.2]),
  speckleNoise([0.05, 0.1, 0.2, 0.3, 0.4]),
  impulseNoise([0.01, 0.02, 0.03, 0.05, 0.08]),
  shotNoise([200, 100, 50, 25, 15]),
  gaussianBlur([11, 13, 15, 17, 21]),
  enhance('brightness_up', 'brightness', [1.2, 1.3, 1.4, 1.5, 1.6]),
  enhance('brightness_down', 'brightness', [0.8, 0.75, 0.7, 0.65, 0.6]),
  enhance('contrast_up', 'contrast', [1.3, 1.4, 1.6, 1.7, 1.8]),
  enhance('contrast_down', 'contrast', [0.8, 0.7, 0.6, 0.55, 0.5]),
  gamma('gamma_corr_up', [1.3, 1.4, 1.6, 1.8, 2.0]),
  gamma('gamma_corr_down', [0.9, 0.8, 0.7, 0.6, 0.4]),
];

/** medmnistc's per-dataset corruptions, keyed by MedMNIST dataset name (MedSweep's registered names). */
export const MEDMNIST_C_CORRUPTIONS: Readonly<Record<string, readonly RegisteredCorruption[]>> = {
  // Breast ultrasound.
  breastmnist: [
    pixelate([0.3, 0.25, 0.2, 0.15, 0.1]),
    jpeg([50, 30, 15, 10, 7]),
    speckleNoise([0.1, 0.15, 0.2, 0.25, 0.3]),
    motionBlur([
      [5, 5],
      [9, 7],
      [9, 10],
      [13, 10],
      [17, 12],
    ]),
    enhance('brightness_up', 'brightness', [1.4, 1.5, 1.6, 1.8, 2.0]),
    enhance('brightness_down', 'brightness', [0.55, 0.5, 0.45, 0.4, 0.3]),
    enhance('contrast_down', 'contrast', [0.9, 0.8, 0.7, 0.6, 0.4]),
  ],
  // Paediatric chest X-ray.
  pneumoniamnist: [
    pixelate([0.8, 0.7, 0.6, 0.5, 0.4]),
    jpeg([50, 30, 15, 10, 7]),
    gaussianNoise([0.04, 0.05, 0.06, 0.07, 0.08]),
    speckleNoise([0.05, 0.07, 0.1, 0.15, 0.2]),
    impulseNoise([0.005, 0.01, 0.013, 0.017, 0.02]),
    shotNoise([300, 200, 150, 100, 80]),
    gaussianBlur([3, 5, 7, 9, 11]),
    enhance('brightness_up', 'brightness', [1.1, 1.2, 1.3, 1.4, 1.5]),
    enhance('brightness_down', 'brightness', [0.9, 0.8, 0.7, 0.6, 0.5]),
    enhance('contrast_up', 'contrast', [1.1, 1.2, 1.3, 1.4, 1.6]),
    enhance('contrast_down', 'contrast', [0.9, 0.8, 0.7, 0.6, 0.4]),
    gamma('gamma_corr_up', [1.1, 1.2, 1.3, 1.4, 1.6]),
    gamma('gamma_corr_down', [0.9, 0.8, 0.7, 0.6, 0.4]),
  ],
  // Chest X-ray (NIH ChestX-ray14).
  chestmnist: X_RAY,
  // Abdominal CT, three planes.
  organamnist: ABDOMINAL_CT,
  organcmnist: ABDOMINAL_CT,
  organsmnist: ABDOMINAL_CT,
  // Retinal OCT; medmnistc also applies a defocus blur, which is not implemented here.
  octmnist: [
    pixelate([0.3, 0.25, 0.2, 0.15, 0.1]),
    jpeg([30, 15, 10, 7, 5]),
    speckleNoise([0.15, 0.3, 0.4, 0.5, 0.6]),
    motionBlur([
      [10, 3],
      [15, 5],
      [15, 8],
      [15, 12],
      [20, 15],
    ]),
    enhance('contrast_down', 'contrast', [0.6, 0.4, 0.3, 0.2, 0.15]),
  ],
  // Kidney cortex microscopy (grey).
  tissuemnist: [
    pixelate([0.4, 0.3, 0.2, 0.15, 0.1]),
    jpeg([25, 20, 15, 10, 7]),
    impulseNoise([0.01, 0.015, 0.02, 0.025, 0.03]),
    gaussianBlur([13, 15, 17, 21, 25]),
    enhance('brightness_up', 'brightness', [1.3, 1.4, 1.5, 1.6, 1.7]),
    enhance('brightness_down', 'brightness', [0.8, 0.7, 0.6, 0.5, 0.4]),
    enhance('contrast_up', 'contrast', [1.1, 1.2, 1.3, 1.4, 1.6]),
    enhance('contrast_down', 'contrast', [0.9, 0.8, 0.7, 0.6, 0.4]),
  ],
};

/**
 * For a dataset medmnistc has no list for, by channels: grey images get the X-ray list (ChestMNIST's,
 * the broadest grey one); colour images DermaMNIST's corruptions that corruptions.ts implements (not its
 * defocus and zoom blur, black corner or characters, nor the other RGB sets' saturation, stain and bubble).
 */
export const DEFAULT_CORRUPTIONS: Readonly<Record<1 | 3, readonly RegisteredCorruption[]>> = {
  1: X_RAY,
  3: [
    pixelate([0.7, 0.5, 0.4, 0.3, 0.25]),
    jpeg([30, 20, 15, 10, 7]),
    gaussianNoise([0.04, 0.08, 0.12, 0.18, 0.26]),
    speckleNoise([0.05, 0.15, 0.2, 0.35, 0.45]),
    impulseNoise([0.01, 0.03, 0.06, 0.09, 0.17]),
    shotNoise([60, 25, 18, 10, 5]),
    motionBlur([
      [10, 5],
      [15, 5],
      [15, 8],
      [15, 12],
      [20, 15],
    ]),
    enhance('brightness_up', 'brightness', [1.1, 1.2, 1.3, 1.4, 1.5]),
    enhance('brightness_down', 'brightness', [0.9, 0.8, 0.7, 0.6, 0.5]),
    enhance('contrast_up', 'contrast', [1.1, 1.2, 1.3, 1.4, 1.6]),
    enhance('contrast_down', 'contrast', [0.8, 0.7, 0.6, 0.5, 0.4]),
  ],
};

/** The corruptions a dataset is evaluated under: medmnistc's list for it, else the default for its channels. */
export function corruptionsFor(dataset: string, channels: 1 | 3): readonly RegisteredCorruption[] {
  return MEDMNIST_C_CORRUPTIONS[dataset] ?? DEFAULT_CORRUPTIONS[channels];
}

/** One severity of a registered corruption. */
export function atSeverity(corruption: RegisteredCorruption, severity: Severity): Corruption {
  return corruption.severities[severity - 1]!;
}
