// Per-sample image hashes for the dataset checks: the exact pixel hash (sha256 of the stored uint8
// pixels) and a 64-bit perceptual hash for near-duplicates.
//
// The perceptual hash is a DCT hash (pHash): the grey image is area-resampled to 32 x 32, its 2D DCT-II
// taken, and of the 8 x 8 coefficients at frequencies 1..8 in each direction (the mean and the lowest
// purely horizontal or vertical components left out) each bit says whether the coefficient is above
// their median. It ignores brightness and contrast and survives small resampling and compression
// differences. A difference hash (dHash) of a 9 x 8 downscale was tried first and rejected: on
// PneumoniaMNIST's chest X-rays, whose coarse layout is alike, it put 42 pairs of different images at
// distance 0 and about 42,800 within 4 (README, "Datasets"). Because the median splits the 64 bits into
// two halves, distances are even. The threshold is NEAR_DUPLICATE_MAX_DISTANCE in @medsweep/core.
import { sha256Hex } from '../lineage/hash.js';

const RESAMPLED = 32;
const FREQUENCIES = 8;

/** sha256 of one image's uint8 HWC pixels, exactly as stored. */
export const pixelSha256 = (pixels: Uint8Array): string => sha256Hex(pixels);

/** pHash of one uint8 HWC image (1 or 3 channels) as 16 lowercase hex digits, row-major, first bit highest. */
export function perceptualHash(pixels: Uint8Array, height: number, width: number, channels: 1 | 3): string {
  const rows = projection(height);
  const columns = projection(width);
  // Along x first: t[y][b] = sum_x grey[y][x] * columns[b][x].
  const t = new Float64Array(height * FREQUENCIES);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * channels;
      const grey =
        channels === 1
          ? (pixels[p] as number)
          : 0.299 * (pixels[p] as number) +
            0.587 * (pixels[p + 1] as number) +
            0.114 * (pixels[p + 2] as number);
      if (grey === 0) continue;
      for (let b = 0; b < FREQUENCIES; b++) {
        t[y * FREQUENCIES + b] =
          (t[y * FREQUENCIES + b] as number) + grey * (columns[b * width + x] as number);
      }
    }
  }
  const coefficients = new Float64Array(FREQUENCIES * FREQUENCIES);
  for (let a = 0; a < FREQUENCIES; a++) {
    for (let b = 0; b < FREQUENCIES; b++) {
      let sum = 0;
      for (let y = 0; y < height; y++)
        sum += (rows[a * height + y] as number) * (t[y * FREQUENCIES + b] as number);
      coefficients[a * FREQUENCIES + b] = sum;
    }
  }
  const sorted = Float64Array.from(coefficients).sort();
  const median = ((sorted[31] as number) + (sorted[32] as number)) / 2;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++)
      value = (value << 1) | ((coefficients[nibble * 4 + bit] as number) > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

const projections = new Map<number, Float64Array>();

/**
 * DCT-II basis rows 1..8 of length 32 times the area-resampling of `size` pixels to 32: an 8 x size
 * matrix, row-major, so one product per axis does both. Cached by size.
 */
function projection(size: number): Float64Array {
  const cached = projections.get(size);
  if (cached) return cached;
  const matrix = new Float64Array(FREQUENCIES * size);
  for (let o = 0; o < RESAMPLED; o++) {
    // Output cell o covers input [o * size / 32, (o + 1) * size / 32): weight each pixel by its overlap.
    const [from, to] = [(o * size) / RESAMPLED, ((o + 1) * size) / RESAMPLED];
    for (let i = Math.floor(from); i < Math.min(size, Math.ceil(to)); i++) {
      const overlap = (Math.min(to, i + 1) - Math.max(from, i)) / (to - from);
      for (let k = 0; k < FREQUENCIES; k++) {
        const basis = Math.cos((Math.PI * (o + 0.5) * (k + 1)) / RESAMPLED);
        matrix[k * size + i] = (matrix[k * size + i] as number) + basis * overlap;
      }
    }
  }
  projections.set(size, matrix);
  return matrix;
}
