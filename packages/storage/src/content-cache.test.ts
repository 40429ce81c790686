import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@medsweep/core';
import { ContentCache } from './content-cache.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'medsweep-content-cache-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const bytes = new TextEncoder().encode('shard bytes');
const sha256 = sha256Hex(bytes);

/** A download that counts its calls and takes a little while, as a network fetch would. */
function countingDownload() {
  const download = async () => {
    download.calls++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return bytes;
  };
  download.calls = 0;
  return download;
}

describe('ContentCache', () => {
  it('downloads a file once, then serves it from disk, verified', async () => {
    const cache = new ContentCache(root);
    const download = countingDownload();
    const first = await cache.file('a/shard.bin', sha256, download);
    const second = await cache.file('a/shard.bin', sha256, download);
    expect([first.downloaded, second.downloaded, download.calls]).toEqual([true, false, 1]);
    expect(second.bytes).toEqual(bytes);
    expect(second.path).toBe(join(root, 'a', 'shard.bin'));
  });

  it('shares one download between concurrent requests and leaves no partial files', async () => {
    const cache = new ContentCache(root);
    const download = countingDownload();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => cache.file('b/shard.bin', sha256, download)),
    );
    expect(download.calls).toBe(1);
    expect(results.every((r) => r.bytes === results[0]?.bytes)).toBe(true);
    expect(await readdir(join(root, 'b'))).toEqual(['shard.bin']);
  });

  it('downloads a damaged file again and repairs it', async () => {
    const cache = new ContentCache(root);
    const download = countingDownload();
    await cache.file('c/shard.bin', sha256, download);
    await writeFile(join(root, 'c', 'shard.bin'), 'bit rot');
    const repaired = await cache.file('c/shard.bin', sha256, download);
    expect([repaired.downloaded, download.calls]).toEqual([true, 2]);
    expect((await cache.file('c/shard.bin', sha256, download)).downloaded).toBe(false);
  });

  it('keeps nothing when the download fails', async () => {
    const cache = new ContentCache(root);
    await expect(
      cache.file('d/shard.bin', sha256, () => Promise.reject(new Error('S3 unreachable'))),
    ).rejects.toThrow('S3 unreachable');
    await expect(readdir(join(root, 'd'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
