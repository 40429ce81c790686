// `npm run bench:import`: how fast an image folder imports into the content-addressed dataset format.
// Writes a folder of --images (default 50,000) 28x28 grey PNGs in two class sub-folders to a temp dir
// (not timed), then times importImageFolder into a local-directory blob store: reading, decoding,
// hashing, the generated split (with the duplicate search), shards and samples tables. No stack needed.
// Last line of output: {"images": N, "imagesPerSecond": x, "peakRssMb": y}.
//
//   --images 50000   folder size        --keep   leave the temp dir in place (its path is printed)
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';
import { Rng } from '@medsweep/core';
import { describeBackend, selectBackend } from '../src/backend.js';
import { LocalDirectoryBlobStore } from '../src/data/blob-store.js';
import { importImageFolder } from '../src/data/image-folder.js';

const { values } = parseArgs({
  options: { images: { type: 'string', default: '50000' }, keep: { type: 'boolean', default: false } },
});
const count = Number(values.images);
if (!Number.isInteger(count) || count < 10)
  throw new RangeError(`--images must be an integer >= 10, got ${values.images}`);

const SIZE = 28;
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

const dir = await mkdtemp(join(tmpdir(), 'medsweep-bench-import-'));
const root = join(dir, 'folder');
try {
  let started = performance.now();
  const rng = Rng.fromSeed(0);
  for (const name of ['a', 'b']) await mkdir(join(root, name), { recursive: true });
  for (let i = 0; i < count; i++) {
    await writeFile(
      join(root, i % 2 ? 'b' : 'a', `${String(i).padStart(6, '0')}.png`),
      greyPng(randomImage(rng)),
    );
  }
  console.log(
    `generated ${count} ${SIZE}x${SIZE} PNGs in ${((performance.now() - started) / 1000).toFixed(1)} s (${root})`,
  );

  const backend = await selectBackend();
  const { tf } = backend;
  const store = new LocalDirectoryBlobStore(join(dir, 'blobs'));
  started = performance.now();
  const { id, manifest } = await importImageFolder({ tf, root }, store);
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const imagesPerSecond = Math.round(count / seconds);
  console.log(`backend ${describeBackend(backend)}`);
  console.log(
    `imported ${count} images in ${seconds.toFixed(1)} s: ${imagesPerSecond} images/s, peak RSS ${peakRssMb} MB`,
  );
  console.log(
    `dataset ${id.slice(0, 12)}: train ${manifest.splits.train.count}, val ${manifest.splits.val.count}, test ${manifest.splits.test.count}`,
  );
  console.log(JSON.stringify({ images: count, imagesPerSecond, peakRssMb }));
} finally {
  if (values.keep) console.error(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}

/** A smooth random shape over noise: images differ, as a real folder's do. */
function randomImage(rng: Rng): Uint8Array {
  const [cx, cy, r] = [rng.nextInt(SIZE), rng.nextInt(SIZE), 4 + rng.nextInt(10)];
  const base = 40 + rng.nextInt(120);
  return Uint8Array.from({ length: SIZE * SIZE }, (_, p) => {
    const [x, y] = [p % SIZE, Math.floor(p / SIZE)];
    const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r ? 80 : 0;
    return Math.min(255, base + inside + rng.nextInt(40));
  });
}

/** An 8-bit greyscale PNG (filter 0 on every row), as any encoder may write it. */
function greyPng(pixels: Uint8Array): Uint8Array {
  const raw = new Uint8Array(SIZE * (SIZE + 1));
  for (let y = 0; y < SIZE; y++) raw.set(pixels.subarray(y * SIZE, (y + 1) * SIZE), y * (SIZE + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, SIZE);
  view.setUint32(4, SIZE);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
