// Per-sample image hashes for the dataset checks: the exact pixel hash (sha256 of the stored uint8
// pixels) and a 64-bit perceptual hash for near-duplicates.
//
// The perceptual hash is a difference hash (dHash, N. Krawetz 2013): the grey image is averaged down to
// 9 x 8 cells and each bit says whether a cell is darker than its right-hand neighbour. It ignores
// brightness and contrast changes and small resampling differences, is pure arithmetic over the pixels
// (no TensorFlow needed), and costs one pass over the image. The Hamming distance under which two hashes
// count as near-duplicates is NEAR_DUPLICATE_MAX_DISTANCE in @medsweep/core, tuned on real images.
import { sha256Hex } from '@medsweep/core';

const COLUMNS = 9;
const ROWS = 8;

/** sha256 of one image's uint8 HWC pixels, exactly as stored. */
export const pixelSha256 = (pixels: Uint8Array): string => sha256Hex(pixels);

/** dHash of one uint8 HWC image (1 or 3 channels) as 16 lowercase hex digits, row-major, first bit highest. */
export function perceptualHash(pixels: Uint8Array, height: number, width: number, channels: 1 | 3): string {
  const sums = new Float64Array(COLUMNS * ROWS);
  const areas = new Float64Array(COLUMNS * ROWS);
  const rowOf = cellIndex(height, ROWS);
  const columnOf = cellIndex(width, COLUMNS);
  for (let y = 0; y < height; y++) {
    const rowBase = (rowOf[y] as number) * COLUMNS;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * channels;
      const grey =
        channels === 1
          ? (pixels[p] as number)
          : 0.299 * (pixels[p] as number) +
            0.587 * (pixels[p + 1] as number) +
            0.114 * (pixels[p + 2] as number);
      const cell = rowBase + (columnOf[x] as number);
      sums[cell] = (sums[cell] as number) + grey;
      areas[cell] = (areas[cell] as number) + 1;
    }
  }
  let hex = '';
  for (let r = 0; r < ROWS; r++) {
    let nibble = 0;
    for (let c = 0; c < COLUMNS - 1; c++) {
      const left = r * COLUMNS + c;
      const darker = mean(sums, areas, left) < mean(sums, areas, left + 1);
      nibble = (nibble << 1) | (darker ? 1 : 0);
      if (c % 4 === 3) {
        hex += nibble.toString(16);
        nibble = 0;
      }
    }
  }
  return hex;
}

const mean = (sums: Float64Array, areas: Float64Array, cell: number): number =>
  (sums[cell] as number) / Math.max(1, areas[cell] as number);

/**
 * For each of `size` pixels, its cell among `cells` equal bands. A pixel maps to the band its centre
 * falls in; with fewer pixels than cells some cells stay empty (their mean is 0 on both sides of a
 * comparison, so they add 0 bits).
 */
function cellIndex(size: number, cells: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) =>
    Math.min(cells - 1, Math.floor(((i + 0.5) * cells) / size)),
  );
}
