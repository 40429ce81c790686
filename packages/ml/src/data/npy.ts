import { NpyFormatError } from '../errors.js';

/** Element types we read; the .npy dtype strings they come from are in DTYPES below. */
export type NpyDtype =
  'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'int64' | 'float32' | 'float64';

/** One array read from a .npy file, C order, values widened to a JS typed array. */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** uint8 data is a view on the file's bytes (no copy); other dtypes are decoded little-endian. */
  data:
    | Uint8Array
    | Int8Array
    | Uint16Array
    | Int16Array
    | Uint32Array
    | Int32Array
    | Float32Array
    | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const DTYPES: Record<string, { dtype: NpyDtype; bytes: number }> = {
  '|u1': { dtype: 'uint8', bytes: 1 },
  '<u1': { dtype: 'uint8', bytes: 1 },
  '|b1': { dtype: 'uint8', bytes: 1 },
  '|i1': { dtype: 'int8', bytes: 1 },
  '<i1': { dtype: 'int8', bytes: 1 },
  '<u2': { dtype: 'uint16', bytes: 2 },
  '<i2': { dtype: 'int16', bytes: 2 },
  '<u4': { dtype: 'uint32', bytes: 4 },
  '<i4': { dtype: 'int32', bytes: 4 },
  '<i8': { dtype: 'int64', bytes: 8 },
  '<f4': { dtype: 'float32', bytes: 4 },
  '<f8': { dtype: 'float64', bytes: 8 },
};

/**
 * Parses a NumPy .npy file (format versions 1-3). `file` names it in errors. Only little-endian,
 * C-order numeric arrays are accepted: that is what numpy.save writes on every common platform.
 * int64 values are returned as Int32Array and must fit in 32 bits (labels and counts do).
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyFormatError(file, 'missing the \\x93NUMPY magic bytes');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyFormatError(file, 'truncated header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyFormatError(file, `format version ${major} is not supported (1, 2 or 3 are)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyFormatError(file, 'truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataStart),
  );

  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError(file, `header is not a numpy header dict: ${header.trim()}`);
  }
  if (fortran === 'True') {
    throw new NpyFormatError(file, 'fortran_order arrays are not supported; save with np.ascontiguousarray');
  }
  const type = DTYPES[descr];
  if (!type) {
    throw new NpyFormatError(
      file,
      `dtype '${descr}' is not supported; accepted: ${Object.keys(DTYPES).join(', ')} (little-endian)`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new NpyFormatError(file, `shape (${shapeText}) is not a tuple of non-negative integers`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * type.bytes;
  if (bytes.length - dataStart < byteLength) {
    throw new NpyFormatError(
      file,
      `shape (${shape.join(', ')}) of ${descr} needs ${byteLength} data bytes, the file has ${bytes.length - dataStart}`,
    );
  }
  const raw = bytes.subarray(dataStart, dataStart + byteLength);
  return { dtype: type.dtype, shape, data: decode(raw, type.dtype, count, file) };
}

function decode(raw: Uint8Array, dtype: NpyDtype, count: number, file: string): NpyArray['data'] {
  // Copy into a fresh, aligned buffer: the view into a zip entry may start at any byte offset.
  const aligned = () => raw.slice().buffer;
  switch (dtype) {
    case 'uint8':
      return raw;
    case 'int8':
      return new Int8Array(aligned());
    case 'uint16':
      return new Uint16Array(aligned());
    case 'int16':
      return new Int16Array(aligned());
    case 'uint32':
      return new Uint32Array(aligned());
    case 'int32':
      return new Int32Array(aligned());
    case 'float32':
      return new Float32Array(aligned());
    case 'float64':
      return new Float64Array(aligned());
    case 'int64': {
      const wide = new BigInt64Array(aligned());
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = wide[i] as bigint;
        if (v > 2147483647n || v < -2147483648n) {
          throw new NpyFormatError(file, `int64 value ${v} at element ${i} does not fit in 32 bits`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    default: {
      const unknown: never = dtype;
      throw new NpyFormatError(file, `unhandled dtype ${String(unknown)}`);
    }
  }
}
