import { open } from 'node:fs/promises';
import h5wasm from 'h5wasm/node';
import type { File as H5File } from 'h5wasm/node';
import {
  WeightsFileCorruptError,
  WeightsFileNotHdf5Error,
  WeightsFileTruncatedError,
  WeightsFileUnreadableError,
} from '../errors.js';

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
// The superblock sits at 0 or after a user block of 512, 1024, 2048, ... bytes.
const FIRST_USER_BLOCK = 512;

let library: Promise<typeof h5wasm> | undefined;

/** The HDF5 library, loaded once; its errors become exceptions carrying HDF5's own diagnostics. */
export function loadLibrary(): Promise<typeof h5wasm> {
  library ??= h5wasm.ready.then((module) => {
    // By default HDF5 prints its error stack to stderr and h5wasm throws a bare "name not defined".
    module.activate_throwing_error_handler();
    return h5wasm;
  });
  return library;
}

/**
 * Opens an HDF5 file read-only after checking that it is readable and is HDF5 at all, so each
 * failure gets its own error: WeightsFileUnreadableError, WeightsFileNotHdf5Error,
 * WeightsFileTruncatedError, or WeightsFileCorruptError with HDF5's reason. Close it when done.
 */
export async function openHdf5(path: string): Promise<H5File> {
  await checkSignature(path);
  const { File } = await loadLibrary();
  try {
    return new File(path, 'r');
  } catch (error) {
    throw openError(path, error);
  }
}

/** The innermost line of an HDF5 error stack: the actual reason, e.g. "truncated file: eof = ...". */
export function hdf5Reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const frames = [...message.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)$/gm)];
  return frames.at(-1)?.[1]?.trim() ?? message.split('\n')[0] ?? message;
}

async function checkSignature(path: string): Promise<void> {
  let leading = Buffer.alloc(0);
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      for (let offset = 0; offset < size; offset = offset === 0 ? FIRST_USER_BLOCK : offset * 2) {
        const { buffer, bytesRead } = await file.read(
          Buffer.alloc(HDF5_SIGNATURE.length),
          0,
          HDF5_SIGNATURE.length,
          offset,
        );
        if (offset === 0) leading = buffer.subarray(0, bytesRead);
        if (bytesRead === HDF5_SIGNATURE.length && buffer.equals(HDF5_SIGNATURE)) return;
      }
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new WeightsFileUnreadableError(path, { cause: error });
  }
  throw new WeightsFileNotHdf5Error(path, leading.toString('hex'));
}

function openError(path: string, error: unknown): Error {
  const reason = hdf5Reason(error);
  const truncated = /truncated file: eof = (\d+).*stored_eof = (\d+)/.exec(reason);
  if (truncated)
    return new WeightsFileTruncatedError(path, Number(truncated[1]), Number(truncated[2]), { cause: error });
  return new WeightsFileCorruptError(path, `HDF5 cannot open it: ${reason}`, undefined, { cause: error });
}
