import { describe, expect, it } from 'vitest';
import { NpyFormatError } from '../errors.js';
import { parseNpy } from './npy.js';
import { npy } from './test-support/npz-fixtures.js';

describe('parseNpy', () => {
  it('reads uint8 arrays as a view and little-endian types by value', () => {
    const u8 = parseNpy(npy('|u1', [2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6)), 'a.npy');
    expect(u8).toMatchObject({ dtype: 'uint8', shape: [2, 3] });
    expect(Array.from(u8.data)).toEqual([1, 2, 3, 4, 5, 6]);

    const f32 = parseNpy(npy('<f4', [2], new Uint8Array(Float32Array.of(0.5, -2).buffer)), 'b.npy');
    expect(f32.data).toEqual(Float32Array.of(0.5, -2));

    const i64 = parseNpy(npy('<i8', [3], new Uint8Array(BigInt64Array.of(0n, 7n, -1n).buffer)), 'c.npy');
    expect(i64).toMatchObject({ dtype: 'int64', shape: [3], data: Int32Array.of(0, 7, -1) });

    expect(parseNpy(npy('<i4', [], new Uint8Array(Int32Array.of(42).buffer)), 'd.npy').shape).toEqual([]);
  });

  it.each([
    ['bad magic', new TextEncoder().encode('PK\u0003\u0004 not numpy'), /missing the .*NUMPY magic/],
    ['Fortran order', npy('|u1', [2, 2], new Uint8Array(4), true), /fortran_order arrays are not supported/],
    ['big-endian floats', npy('>f4', [1], new Uint8Array(4)), /dtype '>f4' is not supported/],
    ['too few data bytes', npy('|u1', [10, 10], new Uint8Array(99)), /needs 100 data bytes, the file has 99/],
    [
      'int64 beyond 32 bits',
      npy('<i8', [1], new Uint8Array(BigInt64Array.of(1n << 40n).buffer)),
      /does not fit/,
    ],
  ])('rejects %s, naming the file', (_case, bytes, message) => {
    const error = (() => {
      try {
        return parseNpy(bytes, 'x.npz:train_labels.npy');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NpyFormatError);
    expect((error as Error).message).toMatch(/^x\.npz:train_labels\.npy: unreadable NumPy data: /);
    expect((error as Error).message).toMatch(message);
  });
});
