import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobIntegrityError, BlobNotFoundError } from '../errors.js';
import { sha256Hex } from '@medsweep/core';
import type { BlobSink, BlobSource } from '@medsweep/core/records';

/** Blobs as files in one local directory. */
export class LocalDirectoryBlobStore implements BlobSink, BlobSource {
  constructor(readonly directory: string) {}

  async put(name: string, bytes: Uint8Array): Promise<void> {
    const path = join(this.directory, name);
    if ((await sizeOf(path)) === bytes.length) return;
    await mkdir(this.directory, { recursive: true });
    // Write then rename, so a reader (or a crash) never sees a half-written blob under its name.
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, path);
  }

  async get(name: string, sha256: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(this.directory, name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BlobNotFoundError(name, this.directory, { cause: error });
      }
      throw error;
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new BlobIntegrityError(name, this.directory, sha256, actual);
    return bytes;
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}
