// Builds small .npy / .npz files byte for byte as numpy.save / numpy.savez write them, for the
// importer's error cases (the real MedMNIST files cover the happy path).
import { zipSync } from 'fflate';

/** A version-1 .npy file; `descr` is the numpy dtype string, e.g. '|u1' or '<i8'. */
export function npy(descr: string, shape: number[], data: Uint8Array, fortranOrder = false): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // numpy pads the header with spaces and a newline so the data starts at a multiple of 64.
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat(Math.ceil(unpadded / 64) * 64 - unpadded) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

export interface SplitArrays {
  count: number;
  /** Labels to store; default alternating 0/1. */
  labels?: number[];
}

/** A MedMNIST-like .npz with 4x4 grey images whose pixel values are the sample index. */
export function medmnistLikeNpz(
  splits: Partial<Record<'train' | 'val' | 'test', SplitArrays>>,
  labelDescr = '|u1',
): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, split] of Object.entries(splits)) {
    const images = new Uint8Array(split.count * 16).map((_, i) => Math.floor(i / 16));
    files[`${name}_images.npy`] = npy('|u1', [split.count, 4, 4], images);
    const labels = split.labels ?? Array.from({ length: split.count }, (_, i) => i % 2);
    const bytes =
      labelDescr === '<i8'
        ? new Uint8Array(BigInt64Array.from(labels, (l) => BigInt(l)).buffer)
        : Uint8Array.from(labels);
    files[`${name}_labels.npy`] = npy(labelDescr, [split.count, 1], bytes);
  }
  return zipSync(files);
}

/** One array of an .npz to write: a numpy dtype string, a shape and the values (C order). */
export interface NpzArray {
  descr: '|u1' | '<i8' | '<f4';
  shape: number[];
  values: ArrayLike<number>;
}

/** An .npz (a zip of .npy files, as numpy.savez writes it) holding `arrays` by name. */
export function npz(arrays: Record<string, NpzArray>): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, { descr, shape, values }] of Object.entries(arrays)) {
    const bytes =
      descr === '<i8'
        ? new Uint8Array(BigInt64Array.from(Array.from(values), (v) => BigInt(v)).buffer)
        : descr === '<f4'
          ? new Uint8Array(Float32Array.from(values).buffer)
          : Uint8Array.from(values);
    files[`${name}.npy`] = npy(descr, shape, bytes);
  }
  return zipSync(files);
}

export interface GeneratedSplit {
  /** One row per image: a class index, or L 0/1 values for multi-label data. */
  labels: number[][];
}

/**
 * A MedMNIST-layout .npz of `size` x `size` images with `channels` channels (1 stored as (N, H, W)),
 * labels uint8 (N, L). Pixels are a deterministic pattern of (split, index), so images differ.
 */
export function generatedMedmnistNpz(
  size: number,
  channels: 1 | 3,
  splits: Record<'train' | 'val' | 'test', GeneratedSplit>,
): Uint8Array {
  const arrays: Record<string, NpzArray> = {};
  for (const [s, [name, split]] of Object.entries(splits).entries()) {
    const count = split.labels.length;
    const pixels = size * size * channels;
    const values = new Uint8Array(count * pixels);
    for (let i = 0; i < count; i++) {
      for (let p = 0; p < pixels; p++) values[i * pixels + p] = (p * (7 + i) + 31 * s + 13 * i * i) % 251;
    }
    arrays[`${name}_images`] = {
      descr: '|u1',
      shape: channels === 1 ? [count, size, size] : [count, size, size, 3],
      values,
    };
    arrays[`${name}_labels`] = {
      descr: '|u1',
      shape: [count, split.labels[0]?.length ?? 1],
      values: split.labels.flat(),
    };
  }
  return npz(arrays);
}
