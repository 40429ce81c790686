// Image corruptions of MedMNIST-C (Di Salvo et al. 2024; PyPI `medmnistc` 0.1.0), written with tf ops on
// uint8 images of the dataset's own shape, for robustness evaluation of trained models.
//
// The arithmetic follows what medmnistc executes, so a corrupted test split means what the benchmark
// means: medmnistc works on RGB PIL images (a grey dataset is expanded to RGB, corrupted, and converted
// back with PIL's ITU-R 601-2 luma, L = (19595 R + 38470 G + 7471 B + 2^15) >> 16), so
// - noise (gaussian, speckle, impulse, shot) is drawn per RGB channel and averaged by the luma, and JPEG
//   compresses the RGB image (YCbCr 4:2:0), as medmnistc does for grey datasets;
// - the others act on each channel alike, so a grey image is corrupted on its one channel directly (the
//   luma of three equal channels is that channel).
// Per kind: pixelate = PIL's BOX resize down and back up (its fixed-point coefficients, 22 bits, rounded
// between the horizontal and vertical pass); jpeg = libjpeg at the given quality (tf.node.encodeJpeg),
// decoded with the accurate integer DCT PIL uses; brightness and contrast = PIL's ImageEnhance (a float32
// blend with black or with the image's mean luma, truncated); gamma = torchvision's PIL lookup table,
// int(255.999 * (v / 255)^gamma); gaussian blur = torchvision's gaussian_blur (sigma 0.15 k + 0.35, float32
// kernel, reflect padding, round half to even); motion blur = ImageMagick's MotionBlurImage (a one-sided
// line of 2 ceil(radius) + 1 Gaussian taps at a random angle in [-45, 45) degrees, edge pixels repeated,
// rounded), which medmnistc calls through Wand; noises as numpy/skimage compute them in float64 and
// truncate to uint8: impulse and shot noise exactly (shot noise through a table of its counts), gaussian
// and speckle noise in float32, which can differ from float64 by one grey level on rare values.
// Checked against medmnistc in corruptions.reference.test.ts: all exact on its fixed images except one
// value in 4,704 of one gaussian blur (float32 summation order).
//
// Random kinds take their draws as an input (normals, Poisson counts, salt/pepper flips, angles), so the
// arithmetic can be compared with medmnistc on the same draws; drawCorruption() makes them from core's
// seeded Rng, one stream per (seed, kind, sample), so a corrupted split is reproducible from its seed,
// independent of batching, and every severity of a kind reuses the same underlying draws.
import type * as tfjs from '@tensorflow/tfjs';
import type { Rng } from '@medsweep/core';
import type { Tf } from '../backend.js';
import type { ImageSplit } from '@medsweep/core/records';
import { rngFor } from '../data/seed-streams.js';
import { CorruptionConfigError, JpegCodecUnavailableError } from '../errors.js';

/** The corruption kinds. Append only: a kind's index seeds its draws. */
export const CORRUPTION_KINDS = [
  'pixelate',
  'jpeg_compression',
  'gaussian_noise',
  'speckle_noise',
  'impulse_noise',
  'shot_noise',
  'gaussian_blur',
  'motion_blur',
  'brightness',
  'contrast',
  'gamma',
] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number];

/** One corruption at one strength: a kind and its parameter(s), as medmnistc's severity_params give them. */
export type Corruption =
  | { readonly kind: 'pixelate'; /** Resize factor in (0, 1]. */ readonly factor: number }
  | { readonly kind: 'jpeg_compression'; /** libjpeg quality 1-100. */ readonly quality: number }
  | { readonly kind: 'gaussian_noise'; /** Noise std on the [0, 1] scale. */ readonly scale: number }
  | { readonly kind: 'speckle_noise'; /** Multiplicative noise std. */ readonly scale: number }
  | {
      readonly kind: 'impulse_noise';
      /** Share of values set to 0 or 1 (salt and pepper). */ readonly amount: number;
    }
  | {
      readonly kind: 'shot_noise';
      /** Photons at full scale: Poisson(v * photons) / photons. */ readonly photons: number;
    }
  | { readonly kind: 'gaussian_blur'; /** Odd kernel size in pixels. */ readonly kernelSize: number }
  | {
      readonly kind: 'motion_blur';
      /** ImageMagick's radius and sigma, in pixels. */ readonly radius: number;
      readonly sigma: number;
    }
  | { readonly kind: 'brightness'; /** PIL ImageEnhance.Brightness factor. */ readonly factor: number }
  | { readonly kind: 'contrast'; /** PIL ImageEnhance.Contrast factor. */ readonly factor: number }
  | { readonly kind: 'gamma'; /** torchvision adjust_gamma exponent. */ readonly gamma: number };

/** uint8 images NHWC, row-major, as an ImageSplit holds them. */
export interface ImageBatch {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly images: Uint8Array;
}

/**
 * The random part of a corruption of a batch. `normal`, `poisson` and `impulse` hold one entry per value
 * of the batch expanded to RGB (count x height x width x 3, row-major); `angle` one per image.
 */
export type CorruptionDraw =
  | { readonly kind: 'normal'; /** Standard normal draws. */ readonly values: Float64Array }
  | { readonly kind: 'poisson'; /** Counts, Poisson(v / 255 x photons). */ readonly values: Int32Array }
  | {
      readonly kind: 'impulse';
      /** 0 keeps the value, 1 salts it (255), 2 peppers it (0). */ readonly values: Uint8Array;
    }
  | { readonly kind: 'angle'; /** Motion direction in degrees. */ readonly values: Float64Array };

type DrawKind = CorruptionDraw['kind'];

/** Which draw a kind needs, if any. */
function drawKindOf(kind: CorruptionKind): DrawKind | undefined {
  switch (kind) {
    case 'gaussian_noise':
    case 'speckle_noise':
      return 'normal';
    case 'shot_noise':
      return 'poisson';
    case 'impulse_noise':
      return 'impulse';
    case 'motion_blur':
      return 'angle';
    case 'pixelate':
    case 'jpeg_compression':
    case 'gaussian_blur':
    case 'brightness':
    case 'contrast':
    case 'gamma':
      return undefined;
  }
}

/** Kinds whose result differs per RGB channel, so a grey image is expanded to RGB first (as medmnistc). */
function worksOnRgb(kind: CorruptionKind): boolean {
  const draw = drawKindOf(kind);
  return kind === 'jpeg_compression' || draw === 'normal' || draw === 'poisson' || draw === 'impulse';
}

function checkBatch(batch: ImageBatch): void {
  const { count, height, width, channels, images } = batch;
  for (const [name, value] of [
    ['count', count],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new CorruptionConfigError(`batch.${name}`, value, 'a positive whole number');
    }
  }
  if (channels !== 1 && channels !== 3) throw new CorruptionConfigError('batch.channels', channels, '1 or 3');
  if (images.length !== count * height * width * channels) {
    throw new CorruptionConfigError(
      'batch.images',
      `${images.length} bytes`,
      `count x height x width x channels = ${count * height * width * channels} bytes`,
    );
  }
}

function requireRange(setting: string, value: number, ok: boolean, expected: string): void {
  if (!(Number.isFinite(value) && ok)) throw new CorruptionConfigError(setting, value, expected);
}

/** Rejects parameters medmnistc's code would fail on or silently misuse. */
export function validateCorruption(
  corruption: Corruption,
  batch?: Pick<ImageBatch, 'height' | 'width'>,
): void {
  const c = corruption;
  switch (c.kind) {
    case 'pixelate': {
      requireRange('pixelate.factor', c.factor, c.factor > 0 && c.factor <= 1, 'a resize factor in (0, 1]');
      if (batch && (Math.trunc(batch.width * c.factor) < 1 || Math.trunc(batch.height * c.factor) < 1)) {
        throw new CorruptionConfigError(
          'pixelate.factor',
          c.factor,
          `a factor that keeps at least 1 pixel of a ${batch.height}x${batch.width} image`,
        );
      }
      return;
    }
    case 'jpeg_compression':
      requireRange(
        'jpeg_compression.quality',
        c.quality,
        Number.isInteger(c.quality) && c.quality >= 1 && c.quality <= 100,
        'an integer quality in [1, 100]',
      );
      return;
    case 'gaussian_noise':
    case 'speckle_noise':
      requireRange(`${c.kind}.scale`, c.scale, c.scale >= 0, 'a standard deviation >= 0');
      return;
    case 'impulse_noise':
      requireRange('impulse_noise.amount', c.amount, c.amount >= 0 && c.amount <= 1, 'a share in [0, 1]');
      return;
    case 'shot_noise':
      requireRange('shot_noise.photons', c.photons, c.photons > 0, 'a photon count > 0');
      return;
    case 'gaussian_blur': {
      const ok = Number.isInteger(c.kernelSize) && c.kernelSize >= 1 && c.kernelSize % 2 === 1;
      requireRange('gaussian_blur.kernelSize', c.kernelSize, ok, 'an odd whole number of pixels');
      const half = (c.kernelSize - 1) / 2;
      if (batch && (half >= batch.height || half >= batch.width)) {
        throw new CorruptionConfigError(
          'gaussian_blur.kernelSize',
          c.kernelSize,
          `a kernel whose half-width is smaller than the ${batch.height}x${batch.width} image (reflect padding)`,
        );
      }
      return;
    }
    case 'motion_blur':
      requireRange('motion_blur.radius', c.radius, c.radius > 0, 'a radius > 0 pixels');
      requireRange('motion_blur.sigma', c.sigma, c.sigma > 0, 'a sigma > 0 pixels');
      return;
    case 'brightness':
    case 'contrast':
      requireRange(`${c.kind}.factor`, c.factor, c.factor >= 0, 'a factor >= 0');
      return;
    case 'gamma':
      requireRange('gamma.gamma', c.gamma, c.gamma > 0, 'an exponent > 0');
      return;
  }
}

// ---- draws ----

/** A standard normal pair by Box-Muller from two uniforms (1 - u keeps the log finite). */
function fillNormals(rng: Rng, out: Float64Array, start: number, end: number): void {
  for (let i = start; i < end; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng.nextFloat()));
    const angle = 2 * Math.PI * rng.nextFloat();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < end) out[i + 1] = radius * Math.sin(angle);
  }
}

const logFactorials: number[] = [0];
function logFactorial(k: number): number {
  for (let i = logFactorials.length; i <= k; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[k]!;
}

/**
 * A Poisson(lambda) draw: inversion for small lambda, Hormann's (1993) transformed rejection with squeeze
 * (PTRS, what numpy uses from lambda 10) above.
 */
function poisson(rng: Rng, lambda: number): number {
  if (lambda === 0) return 0;
  if (lambda < 10) {
    let k = 0;
    let p = Math.exp(-lambda);
    let cumulative = p;
    const u = rng.nextFloat();
    while (u > cumulative && p > 0) {
      k++;
      p *= lambda / k;
      cumulative += p;
    }
    return k;
  }
  const sqrtLambda = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * sqrtLambda;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.nextFloat() - 0.5;
    const v = rng.nextFloat();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * logLambda - logFactorial(k)
    ) {
      return k;
    }
  }
}

/** The RGB value at RGB-expanded position j of image `sample` (a grey image repeats its one channel). */
function rgbValue(batch: ImageBatch, sample: number, j: number): number {
  const pixels = batch.height * batch.width;
  if (batch.channels === 3) return batch.images[sample * pixels * 3 + j] as number;
  return batch.images[sample * pixels + Math.floor(j / 3)] as number;
}

/**
 * The draws a random corruption needs for `batch`, image i from `rngOf(i)`; undefined for deterministic
 * kinds. Normals and angles do not depend on the strength, so severities share them.
 */
export function drawCorruption(
  corruption: Corruption,
  batch: ImageBatch,
  rngOf: (sample: number) => Rng,
): CorruptionDraw | undefined {
  checkBatch(batch);
  validateCorruption(corruption, batch);
  const kind = drawKindOf(corruption.kind);
  if (kind === undefined) return undefined;
  const perImage = batch.height * batch.width * 3;
  switch (kind) {
    case 'angle':
      return {
        kind,
        values: Float64Array.from({ length: batch.count }, (_, i) => -45 + 90 * rngOf(i).nextFloat()),
      };
    case 'normal': {
      const values = new Float64Array(batch.count * perImage);
      for (let i = 0; i < batch.count; i++) fillNormals(rngOf(i), values, i * perImage, (i + 1) * perImage);
      return { kind, values };
    }
    case 'poisson': {
      const photons = (corruption as { photons: number }).photons;
      const values = new Int32Array(batch.count * perImage);
      for (let i = 0; i < batch.count; i++) {
        const rng = rngOf(i);
        for (let j = 0; j < perImage; j++)
          values[i * perImage + j] = poisson(rng, (rgbValue(batch, i, j) / 255) * photons);
      }
      return { kind, values };
    }
    case 'impulse': {
      const amount = (corruption as { amount: number }).amount;
      const values = new Uint8Array(batch.count * perImage);
      for (let i = 0; i < batch.count; i++) {
        const rng = rngOf(i);
        // skimage's s&p: a value flips with probability `amount`, to salt or pepper with probability 1/2.
        for (let j = 0; j < perImage; j++) {
          const flipped = rng.nextFloat() <= amount;
          const salted = rng.nextFloat() <= 0.5;
          values[i * perImage + j] = flipped ? (salted ? 1 : 2) : 0;
        }
      }
      return { kind, values };
    }
  }
}

function requireDraw(corruption: Corruption, batch: ImageBatch, draw: CorruptionDraw | undefined): void {
  const kind = drawKindOf(corruption.kind);
  if (kind === undefined) return;
  const length = kind === 'angle' ? batch.count : batch.count * batch.height * batch.width * 3;
  if (draw?.kind !== kind || draw.values.length !== length) {
    throw new CorruptionConfigError(
      `${corruption.kind} draw`,
      draw ? `${draw.kind} draw of ${draw.values.length} values` : 'none',
      `a ${kind} draw of ${length} values (drawCorruption makes it)`,
    );
  }
}

// ---- arithmetic (tf) ----

type Int4D = tfjs.Tensor4D;

/** PIL's BOX filter coefficients, fixed point with 22 fractional bits: an outSize x inSize row-major matrix. */
function boxCoefficients(inSize: number, outSize: number): Int32Array {
  const precision = 2 ** 22;
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 0.5 * filterScale;
  const matrix = new Int32Array(outSize * inSize);
  for (let out = 0; out < outSize; out++) {
    const centre = (out + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - support + 0.5));
    const last = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const weights: number[] = [];
    for (let x = first; x < last; x++) {
      const t = (x - centre + 0.5) / filterScale;
      weights.push(t > -0.5 && t <= 0.5 ? 1 : 0);
    }
    const total = weights.reduce((s, w) => s + w, 0);
    weights.forEach((w, i) => {
      matrix[out * inSize + first + i] = Math.trunc(0.5 + (total === 0 ? w : w / total) * precision);
    });
  }
  return matrix;
}

/** One PIL resample pass along axis 1 (height) or 2 (width) of an int32 NHWC batch. */
function resamplePass(tf: Tf, x: Int4D, axis: 1 | 2, outSize: number): Int4D {
  const [, h, w] = x.shape;
  const inSize = axis === 2 ? w : h;
  if (inSize === outSize) return x;
  // Move the resampled axis last, multiply by the coefficient matrix, round as PIL: (sum + 2^21) >> 22.
  const perm = axis === 2 ? [0, 1, 3, 2] : [0, 2, 3, 1];
  const moved = x.transpose(perm);
  const rows = moved.reshape([-1, inSize]);
  const coefficients = tf.tensor2d(boxCoefficients(inSize, outSize), [outSize, inSize], 'int32');
  const sums = tf.matMul(rows, coefficients, false, true).add(tf.scalar(2 ** 21, 'int32'));
  const rounded = tf.clipByValue(tf.floorDiv(sums, tf.scalar(2 ** 22, 'int32')), 0, 255);
  const [a, b, c] = moved.shape as [number, number, number, number];
  const back = rounded.reshape([a, b, c, outSize]);
  return (axis === 2 ? back.transpose([0, 1, 3, 2]) : back.transpose([0, 3, 1, 2])) as Int4D;
}

function pixelate(tf: Tf, x: Int4D, factor: number): Int4D {
  const [, h, w] = x.shape;
  const small = resamplePass(tf, resamplePass(tf, x, 2, Math.trunc(w * factor)), 1, Math.trunc(h * factor));
  return resamplePass(tf, resamplePass(tf, small, 2, w), 1, h);
}

/** PIL's Image.blend of a constant `base` with the image: base + factor (v - base) in float32, truncated. */
function blend(tf: Tf, x: Int4D, base: tfjs.Tensor, factor: number): Int4D {
  const v = x.toFloat();
  const blended = base.add(v.sub(base).mul(tf.scalar(factor, 'float32')));
  return tf.clipByValue(blended, 0, 255).floor().toInt() as Int4D;
}

/** PIL's RGB -> L: (19595 R + 38470 G + 7471 B + 2^15) >> 16, per pixel, keeping a channel axis. */
function luma(tf: Tf, rgb: Int4D): Int4D {
  const weights = tf.tensor1d([19595, 38470, 7471], 'int32');
  const sum = rgb.mul(weights).sum(3, true).add(tf.scalar(32768, 'int32'));
  return tf.floorDiv(sum, tf.scalar(65536, 'int32')) as Int4D;
}

/** Per image, PIL ImageEnhance.Contrast's grey level: int(mean of the L image + 0.5). */
function meanLuma(tf: Tf, x: Int4D): tfjs.Tensor {
  const grey = x.shape[3] === 3 ? luma(tf, x) : x;
  // Integer sums are exact; the division and rounding happen in double, as ImageStat does.
  const sums = grey.sum([1, 2, 3]).dataSync();
  const pixels = x.shape[1] * x.shape[2];
  const means = Float32Array.from(sums, (s) => Math.floor(s / pixels + 0.5));
  return tf.tensor4d(means, [x.shape[0], 1, 1, 1], 'float32');
}

/** A 256-entry table applied per value: exact wherever the reference computes per grey level. */
function lookUp(tf: Tf, x: Int4D, table: ArrayLike<number>): Int4D {
  return tf.gather(tf.tensor1d(Int32Array.from(table), 'int32'), x.flatten()).reshape(x.shape) as Int4D;
}

function gaussianKernel(size: number): Float32Array {
  // torchvision, in float32: sigma = 0.15 k + 0.35; x = -(k-1)/2 .. (k-1)/2; pdf = exp(-x^2 / (2 sigma^2)).
  const f = Math.fround;
  const sigma = f(size * 0.15 + 0.35);
  const half = (size - 1) * 0.5;
  const pdf = Float32Array.from({ length: size }, (_, i) =>
    f(Math.exp(f(-0.5 * f(f((i - half) / sigma) ** 2)))),
  );
  let total = 0;
  for (const p of pdf) total = f(total + p);
  const oneD = pdf.map((p) => f(p / total));
  return Float32Array.from({ length: size * size }, (_, i) =>
    f(oneD[Math.floor(i / size)]! * oneD[i % size]!),
  );
}

function gaussianBlur(tf: Tf, x: Int4D, size: number): Int4D {
  const channels = x.shape[3];
  const half = (size - 1) / 2;
  const kernel2d = gaussianKernel(size);
  // depthwiseConv2d's filter is [k, k, channels, 1]: the same kernel for every channel.
  const filter = tf.tensor4d(
    Float32Array.from({ length: size * size * channels }, (_, i) => kernel2d[Math.floor(i / channels)]!),
    [size, size, channels, 1],
  );
  const padded = tf.mirrorPad(
    x.toFloat(),
    [
      [0, 0],
      [half, half],
      [half, half],
      [0, 0],
    ],
    'reflect',
  );
  const blurred = tf.depthwiseConv2d(padded as tfjs.Tensor4D, filter, 1, 'valid');
  return tf.clipByValue(tf.round(blurred), 0, 255).toInt() as Int4D;
}

/** ImageMagick's motion-blur taps: Gaussian weights of 0..width-1 pixels, normalised. */
function motionKernel(radius: number, sigma: number): Float64Array {
  const width = 2 * Math.ceil(radius) + 1;
  const weights = Float64Array.from(
    { length: width },
    (_, i) => Math.exp(-(i * i) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma),
  );
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}

function motionBlur(tf: Tf, x: Int4D, radius: number, sigma: number, angles: Float64Array): Int4D {
  const [n, h, w, c] = x.shape;
  const weights = motionKernel(radius, sigma);
  const width = weights.length;
  const flat = x.toFloat().reshape([n * h * w, c]);
  let sum = tf.zeros([n * h * w, c]);
  for (let tap = 0; tap < width; tap++) {
    // Tap `tap` reads (x + dx, y + dy) with ImageMagick's rounding of the direction, clamped to the edge.
    const indices = new Int32Array(n * h * w);
    for (let i = 0; i < n; i++) {
      const radians = (Math.PI * (angles[i] as number)) / 180;
      const px = width * Math.sin(radians);
      const py = width * Math.cos(radians);
      const length = Math.hypot(px, py);
      const dx = Math.ceil((tap * py) / length - 0.5);
      const dy = Math.ceil((tap * px) / length - 0.5);
      for (let row = 0; row < h; row++) {
        const sourceRow = Math.min(h - 1, Math.max(0, row + dy));
        for (let col = 0; col < w; col++) {
          const sourceCol = Math.min(w - 1, Math.max(0, col + dx));
          indices[(i * h + row) * w + col] = (i * h + sourceRow) * w + sourceCol;
        }
      }
    }
    sum = sum.add(tf.gather(flat, tf.tensor1d(indices, 'int32')).mul(tf.scalar(weights[tap]!, 'float32')));
  }
  // ScaleQuantumToChar rounds half up.
  return tf.clipByValue(sum.add(0.5).floor(), 0, 255).toInt().reshape([n, h, w, c]) as Int4D;
}

/** numpy's (clip(noisy, 0, 1) * 255).astype(uint8), in float32. */
function toUint8(tf: Tf, unit: tfjs.Tensor): Int4D {
  return tf.clipByValue(unit, 0, 1).mul(tf.scalar(255, 'float32')).floor().toInt() as Int4D;
}

/** The native JPEG codec of tfjs-node (absent from the pure-JS backends). */
interface JpegCodec {
  encodeJpeg(
    image: tfjs.Tensor3D,
    format: '',
    quality: number,
    progressive: boolean,
    optimizeSize: boolean,
    chromaDownsampling: boolean,
  ): Promise<Uint8Array>;
  decodeJpeg(
    contents: Uint8Array,
    channels: number,
    ratio: number,
    fancyUpscaling: boolean,
    tryRecoverTruncated: boolean,
    acceptableFraction: number,
    dctMethod: string,
  ): tfjs.Tensor3D;
}

function jpegCodec(tf: Tf): JpegCodec {
  const node = (tf as unknown as { node?: Partial<JpegCodec> }).node;
  if (!node?.encodeJpeg || !node.decodeJpeg) throw new JpegCodecUnavailableError(tf.getBackend());
  return node as JpegCodec;
}

/** libjpeg at `quality` (4:2:0 chroma, as PIL saves), decoded with the accurate integer DCT and fancy upsampling, as PIL opens it. */
async function jpeg(tf: Tf, x: Int4D, quality: number): Promise<Int4D> {
  const codec = jpegCodec(tf);
  const [n, h, w, c] = x.shape;
  const decoded: tfjs.Tensor3D[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const image = tf.tidy(() => x.slice([i, 0, 0, 0], [1, h, w, c]).reshape([h, w, c]) as tfjs.Tensor3D);
      try {
        const bytes = await codec.encodeJpeg(image, '', quality, false, false, true);
        decoded.push(codec.decodeJpeg(bytes, c, 1, true, false, 1, 'INTEGER_ACCURATE'));
      } finally {
        image.dispose();
      }
    }
    return tf.tidy(() => tf.stack(decoded).toInt() as Int4D);
  } finally {
    tf.dispose(decoded);
  }
}

/** Every kind but JPEG, whose codec is asynchronous: synchronous tf ops, to run inside tf.tidy. */
function applySynchronous(
  tf: Tf,
  x: Int4D,
  corruption: Exclude<Corruption, { kind: 'jpeg_compression' }>,
  draw: CorruptionDraw | undefined,
): Int4D {
  const c = corruption;
  switch (c.kind) {
    case 'pixelate':
      return pixelate(tf, x, c.factor);
    case 'brightness':
      return blend(tf, x, tf.scalar(0, 'float32'), c.factor);
    case 'contrast':
      return blend(tf, x, meanLuma(tf, x), c.factor);
    case 'gamma':
      return lookUp(
        tf,
        x,
        Array.from({ length: 256 }, (_, v) => Math.trunc((255 + 1 - 1e-3) * Math.pow(v / 255.0, c.gamma))),
      );
    case 'gaussian_blur':
      return gaussianBlur(tf, x, c.kernelSize);
    case 'motion_blur':
      return motionBlur(tf, x, c.radius, c.sigma, draw!.values as Float64Array);
    case 'gaussian_noise': {
      const noise = tf.tensor(
        Float32Array.from(draw!.values, (z) => c.scale * z),
        x.shape,
        'float32',
      );
      return toUint8(tf, x.toFloat().div(tf.scalar(255, 'float32')).add(noise));
    }
    case 'speckle_noise': {
      const noise = tf.tensor(
        Float32Array.from(draw!.values, (z) => c.scale * z),
        x.shape,
        'float32',
      );
      const unit = x.toFloat().div(tf.scalar(255, 'float32'));
      return toUint8(tf, unit.add(unit.mul(noise)));
    }
    case 'impulse_noise': {
      // Unflipped values pass through: (v / 255.) * 255 truncates back to v for every uint8 v in float64.
      const flips = tf.tensor(draw!.values as Uint8Array, x.shape, 'int32');
      const salt = tf.fill(x.shape, 255, 'int32');
      const pepper = tf.zeros(x.shape, 'int32');
      return tf.where(flips.equal(1), salt, tf.where(flips.equal(2), pepper, x)) as Int4D;
    }
    case 'shot_noise': {
      // trunc(clip(k / photons, 0, 1) * 255) for each count k, in double, as numpy.
      const counts = tf.tensor(draw!.values as Int32Array, x.shape, 'int32');
      const cap = Math.ceil(c.photons);
      const table = Array.from({ length: cap + 1 }, (_, k) => Math.trunc(Math.min(k / c.photons, 1) * 255));
      return tf
        .gather(tf.tensor1d(Int32Array.from(table), 'int32'), tf.clipByValue(counts, 0, cap).flatten())
        .reshape(x.shape) as Int4D;
    }
  }
}

/**
 * The corrupted copy of `batch`: uint8 images of the same shape. Random kinds need their `draw`
 * (drawCorruption makes one); deterministic kinds take none. Throws CorruptionConfigError on a bad batch,
 * parameter or draw.
 */
export async function applyCorruption(
  tf: Tf,
  batch: ImageBatch,
  corruption: Corruption,
  draw?: CorruptionDraw,
): Promise<Uint8Array> {
  checkBatch(batch);
  validateCorruption(corruption, batch);
  requireDraw(corruption, batch, draw);
  const { count, height, width, channels } = batch;
  const expand = channels === 1 && worksOnRgb(corruption.kind);
  const input = tf.tidy(() => {
    const x = tf.tensor4d(batch.images, [count, height, width, channels], 'int32');
    return expand ? tf.tile(x, [1, 1, 1, 3]) : x;
  }) as Int4D;
  let corrupted: Int4D | undefined;
  try {
    corrupted =
      corruption.kind === 'jpeg_compression'
        ? await jpeg(tf, input, corruption.quality)
        : tf.tidy(() => applySynchronous(tf, input, corruption, draw));
    const out = tf.tidy(() => (expand ? luma(tf, corrupted!) : corrupted!).dataSync());
    return Uint8Array.from(out);
  } finally {
    input.dispose();
    corrupted?.dispose();
  }
}

/**
 * A corrupted copy of a whole split, reproducible from `seed`: image i's draws come from the stream
 * ('corruption', kind, i) of that seed, whatever the batching. Labels are kept.
 */
export async function corruptSplit(
  tf: Tf,
  split: ImageSplit,
  corruption: Corruption,
  seed: number,
  options: { batchSize?: number } = {},
): Promise<ImageSplit> {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new CorruptionConfigError('batchSize', batchSize, 'a positive whole number');
  }
  validateCorruption(corruption, split);
  const kindIndex = CORRUPTION_KINDS.indexOf(corruption.kind);
  const imageSize = split.height * split.width * split.channels;
  const images = new Uint8Array(split.images.length);
  for (let start = 0; start < split.count; start += batchSize) {
    const count = Math.min(batchSize, split.count - start);
    const batch: ImageBatch = {
      count,
      height: split.height,
      width: split.width,
      channels: split.channels,
      images: split.images.subarray(start * imageSize, (start + count) * imageSize),
    };
    const draw = drawCorruption(corruption, batch, (i) => rngFor(seed, 'corruption', kindIndex, start + i));
    images.set(await applyCorruption(tf, batch, corruption, draw), start * imageSize);
  }
  return { ...split, images, labels: split.labels.slice() };
}
