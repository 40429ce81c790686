import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256Hex } from '@medsweep/core';
import { CacheDiskFullError } from './errors.js';

/** A cached file: where it is, its verified bytes, and whether it had to be downloaded. */
export interface CachedFile {
  path: string;
  bytes: Uint8Array;
  downloaded: boolean;
}

/**
 * Files on this worker's disk, each known by its sha256 and verified against it on every read; a
 * missing or damaged file is downloaded again. A download is written under a unique temporary name
 * and renamed into place, so trials running at once on one worker (and a crash mid-write) never
 * expose a partial file, and concurrent requests for one file in this process share one download.
 */
export class ContentCache {
  private readonly downloads = new Map<string, Promise<CachedFile>>();

  constructor(readonly root: string) {}

  /**
   * The file at `relativePath`, whose content must hash to `sha256`. `download` fetches it when the
   * cache cannot serve it and must itself verify what it returns (ObjectStore.get with the hash does).
   */
  async file(relativePath: string, sha256: string, download: () => Promise<Uint8Array>): Promise<CachedFile> {
    const path = join(this.root, relativePath);
    const cached = await readIfPresent(path);
    if (cached && sha256Hex(cached) === sha256) return { path, bytes: cached, downloaded: false };

    let pending = this.downloads.get(path);
    if (!pending) {
      pending = fetchInto(this.root, relativePath, download).finally(() => this.downloads.delete(path));
      this.downloads.set(path, pending);
    }
    return pending;
  }
}

async function fetchInto(
  root: string,
  relativePath: string,
  download: () => Promise<Uint8Array>,
): Promise<CachedFile> {
  const path = join(root, relativePath);
  const bytes = await download();
  const partial = `${path}.${randomUUID()}.partial`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(partial, bytes);
    await rename(partial, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT')
      throw new CacheDiskFullError(root, relativePath, bytes.byteLength, { cause: error });
    throw error;
  } finally {
    await rm(partial, { force: true });
  }
  return { path, bytes, downloaded: true };
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
