// Evidence for the near-duplicate threshold (NEAR_DUPLICATE_MAX_DISTANCE): for a MedMNIST .npz, the
// distribution of each image's nearest perceptual-hash neighbour, the pixel difference of the pairs at
// each distance, and side-by-side PNGs of example pairs to look at.
//
//   node --conditions=@medsweep/source --import tsx packages/ml/scripts/near-duplicates.ts FILE.npz [OUT_DIR] [MAX_DISTANCE]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NEAR_DUPLICATE_MAX_DISTANCE, findDuplicates } from '@medsweep/core';
import {
  draftSampleRows,
  readMedmnistDraft,
  sampleRecordsOf,
  selectBackend,
  SPLIT_NAMES,
} from '@medsweep/ml';

const [file, out = '/tmp/near-duplicates', maxText] = process.argv.slice(2);
if (!file) throw new Error('usage: near-duplicates.ts FILE.npz [OUT_DIR] [MAX_DISTANCE]');
const maxDistance = Number(maxText ?? NEAR_DUPLICATE_MAX_DISTANCE + 6);

const draft = await readMedmnistDraft({ path: file });
const rows = draftSampleRows(draft);
if (!rows) throw new Error('no sample rows');
const records = sampleRecordsOf(rows, draft.splits, draft.task ?? 'binary-class', draft.classNames.length);
const { height, width, channels } = draft.splits.train;
const size = height * width * channels;
const pixelsOf = (i: number): Uint8Array => {
  const record = records[i]!;
  const split = draft.splits[record.split];
  const index = Number(record.key.split('/')[1]);
  return split.images.subarray(index * size, (index + 1) * size);
};

// Every pair, as [i, j, distance]: the two files looked at here are small enough to list them all.
const { buckets, nearBuckets } = findDuplicates(records, maxDistance);
const exact: [number, number][] = [];
const near: [number, number, number][] = [];
for (const members of buckets) {
  members.forEach((i, x) =>
    members.slice(x + 1).forEach((j) => {
      if (records[i]!.pixelSha256 === records[j]!.pixelSha256) exact.push([i, j]);
      else near.push([i, j, 0]);
    }),
  );
}
for (const [a, b, d] of nearBuckets)
  for (const i of buckets[a]!) for (const j of buckets[b]!) near.push([i, j, d]);
const nearest = new Array<number>(records.length).fill(Infinity);
for (const [i, j, d] of [...exact.map(([i, j]) => [i, j, 0] as const), ...near]) {
  nearest[i] = Math.min(nearest[i]!, d);
  nearest[j] = Math.min(nearest[j]!, d);
}
console.log(`${file}: ${records.length} images, ${exact.length} exact pairs`);
console.log(
  'distance  images whose nearest neighbour is this close  pairs  mean |pixel difference| of the pairs (0-255)',
);
for (let d = 0; d <= maxDistance; d++) {
  const atD = near.filter(([, , x]) => x === d);
  const mad = atD.map(([i, j]) => meanAbsoluteDifference(pixelsOf(i), pixelsOf(j)));
  const mean = mad.length ? (mad.reduce((a, b) => a + b, 0) / mad.length).toFixed(1) : '-';
  console.log(
    `${String(d).padStart(8)}  ${String(nearest.filter((n) => n === d).length).padStart(45)}  ${String(atD.length).padStart(5)}  ${mean}`,
  );
}
console.log(
  `nearest neighbour farther than ${maxDistance}: ${nearest.filter((n) => n === Infinity).length} images`,
);

// Side-by-side PNGs: every exact pair, and up to 6 pairs per distance, cross-split pairs first.
const { tf } = await selectBackend();
const encodePng = (tf as unknown as { node: { encodePng: (t: unknown) => Promise<Uint8Array> } }).node
  .encodePng;
await mkdir(out, { recursive: true });
const examples = [
  ...exact.map(([i, j]) => [i, j, 0] as const),
  ...Array.from({ length: maxDistance + 1 }, (_, d) =>
    near
      .filter(([i, j, x]) => x === d && records[i]!.split !== records[j]!.split)
      .concat(near.filter(([i, j, x]) => x === d && records[i]!.split === records[j]!.split))
      .slice(0, 6),
  ).flat(),
];
for (const [i, j, d] of examples) {
  const [a, b] = [records[i]!, records[j]!];
  const pair = tf.tidy(() => {
    const image = (p: Uint8Array) => tf.tensor3d(p, [height, width, channels], 'int32');
    const gap = tf.fill([height, 4, channels], 255, 'int32');
    const joined = tf.concat([image(pixelsOf(i)), gap, image(pixelsOf(j))], 1) as ReturnType<
      typeof tf.tensor3d
    >;
    return tf.image.resizeNearestNeighbor(joined, [height * 4, (2 * width + 4) * 4]).toInt();
  });
  const name = `d${d}_${a.key.replace('/', '-')}_${b.key.replace('/', '-')}.png`;
  await writeFile(join(out, name), await encodePng(pair));
  pair.dispose();
}
console.log(`${examples.length} pair images in ${out} (${SPLIT_NAMES.join('/')} keys in the names)`);

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += Math.abs(a[k]! - b[k]!);
  return sum / a.length;
}
