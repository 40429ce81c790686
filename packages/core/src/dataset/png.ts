// A minimal PNG encoder for uint8 grey or RGB pixels (PNG 1.2: IHDR, one zlib-compressed IDAT with
// filter type 0 on every row, IEND), so a dataset's sample images are stored without TensorFlow (the API
// makes them from the stored shards). Node's zlib does the compression and the chunk CRCs.
import { crc32, deflateSync } from 'node:zlib';
import { PngEncodeError } from '../errors.js';

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG colour types: 0 greyscale, 2 truecolour (RGB). */
const COLOUR_TYPE = { 1: 0, 3: 2 } as const;

/** PNG bytes of `pixels`, height x width x channels uint8 values, row-major (HWC). */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: 1 | 3): Uint8Array {
  if (!(Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0)) {
    throw new PngEncodeError(`size ${height}x${width}`, 'a positive whole number of rows and columns');
  }
  if (channels !== 1 && channels !== 3) throw new PngEncodeError(`${String(channels)} channels`, '1 or 3');
  const stride = width * channels;
  if (pixels.length !== height * stride) {
    throw new PngEncodeError(
      `${pixels.length} bytes for ${height}x${width}x${channels}`,
      `${height * stride} bytes`,
    );
  }
  // Each row is prefixed with its filter type, 0 (none).
  const raw = new Uint8Array(height * (stride + 1));
  for (let row = 0; row < height; row++) {
    raw.set(pixels.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = COLOUR_TYPE[channels];
  // compression 0 (deflate), filter method 0, no interlace: header[10..12] stay 0.
  return concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(deflateSync(raw))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat([new TextEncoder().encode(type), data]);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(typed, 4);
  view.setUint32(8 + data.length, crc32(typed));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
