// Exact duplicates (equal pixel hashes) and near-duplicates (perceptual hashes within a Hamming
// distance) within and across splits. Near pairs are found by multi-index hashing (Norouzi et al.,
// CVPR 2012): the 64 bits are cut into maxDistance + 1 chunks, so by pigeonhole two hashes within the
// distance agree exactly on at least one chunk, and only hashes sharing a chunk value are compared.
// For spread-out hashes that is about n^2 / 2^chunkBits comparisons instead of n^2 / 2.
import { InvalidOptionError } from '../errors.js';
import type { SampleRecord, SplitName } from './splits.js';
import { SPLIT_NAMES } from './splits.js';

/**
 * Largest Hamming distance between two 64-bit perceptual hashes (ml's pHash: 8 x 8 DCT coefficients of
 * a 32 x 32 grey resample, split at their median, so distances are even) at which images count as
 * near-duplicates. Tuned on the real BreastMNIST and PneumoniaMNIST images (packages/ml/scripts/
 * near-duplicates.ts): every BreastMNIST pair within 4 that was looked at is the same ultrasound frame
 * (mean pixel difference 2-3.4 of 255), while on PneumoniaMNIST, whose only true duplicates are
 * identical, 4 admits 23 pairs of different X-rays among 17 million (6 admits 282). README, "Datasets".
 */
export const NEAR_DUPLICATE_MAX_DISTANCE = 4;

export type DuplicateSample = Pick<SampleRecord, 'key' | 'split' | 'pixelSha256' | 'perceptualHash'>;

/** Two samples that are duplicates: `distance` 0 with equal pixels is exact; otherwise near. */
export interface DuplicatePair {
  distance: number;
  a: { key: string; split: SplitName };
  b: { key: string; split: SplitName };
}

export interface DuplicateCounts {
  /** Pairs whose samples are in different splits (leakage). */
  crossSplit: number;
  /** Pairs within one split. */
  withinSplit: number;
  /** The first `maxListed` pairs: cross-split first, then by distance and keys. */
  listed: DuplicatePair[];
}

export interface DuplicateReport {
  maxDistance: number;
  exact: DuplicateCounts;
  /** Pairs within maxDistance whose pixels differ. */
  near: DuplicateCounts;
}

/**
 * Samples grouped by perceptual hash, and the pairs of those groups within the distance. Every pair of
 * samples in one bucket, and every pair across two near buckets, is an exact or near duplicate, so this
 * describes all duplicate pairs in space linear in the samples plus the near bucket pairs, even where
 * thousands of images are alike (blank frames would otherwise make millions of pairs).
 */
export interface DuplicateStructure {
  /** Sample indices (ascending) per distinct perceptual hash, ordered by first member. */
  buckets: number[][];
  /** [bucket a, bucket b, Hamming distance] with a < b, for buckets within maxDistance. */
  nearBuckets: [number, number, number][];
}

/** The duplicate structure of `samples` (their perceptual hashes) at `maxDistance`. */
export function findDuplicates(
  samples: readonly Pick<DuplicateSample, 'perceptualHash'>[],
  maxDistance = NEAR_DUPLICATE_MAX_DISTANCE,
): DuplicateStructure {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 31) {
    throw new InvalidOptionError('findDuplicates', 'maxDistance', maxDistance, 'an integer in [0, 31]');
  }
  const byHash = new Map<string, number[]>();
  samples.forEach((s, i) => {
    const members = byHash.get(s.perceptualHash);
    if (members) members.push(i);
    else byHash.set(s.perceptualHash, [i]);
  });
  const values = [...byHash.keys()];
  const hi = Uint32Array.from(values, (h) => parseHash(h, 0));
  const lo = Uint32Array.from(values, (h) => parseHash(h, 8));
  const nearBuckets: [number, number, number][] = [];
  const chunks = chunkLayout(Math.max(2, maxDistance + 1));
  const chunkValues = chunks.map((c) =>
    Uint32Array.from(values, (_, u) => chunkOf(hi[u] as number, lo[u] as number, c)),
  );
  chunks.forEach((_, c) => {
    const buckets = new Map<number, number[]>();
    const own = chunkValues[c] as Uint32Array;
    for (let u = 0; u < values.length; u++) {
      const bucket = buckets.get(own[u] as number);
      if (bucket) bucket.push(u);
      else buckets.set(own[u] as number, [u]);
    }
    for (const bucket of buckets.values()) {
      for (let x = 0; x < bucket.length; x++) {
        for (let y = x + 1; y < bucket.length; y++) {
          const [u, v] = [bucket[x] as number, bucket[y] as number];
          if (agreedEarlier(chunkValues, c, u, v)) continue;
          const distance =
            popcount(((hi[u] as number) ^ (hi[v] as number)) >>> 0) +
            popcount(((lo[u] as number) ^ (lo[v] as number)) >>> 0);
          if (distance <= maxDistance) nearBuckets.push([u, v, distance]);
        }
      }
    }
  });
  return { buckets: [...byHash.values()], nearBuckets };
}

/**
 * Pairs of sample indices that link every duplicate to the others it is a duplicate of (a chain per
 * bucket, one link per near bucket pair): enough for a union-find, such as generateSplit's `together`.
 */
export function duplicateLinks(structure: DuplicateStructure): [number, number][] {
  const links: [number, number][] = [];
  for (const members of structure.buckets) {
    for (let k = 1; k < members.length; k++) links.push([members[0] as number, members[k] as number]);
  }
  for (const [a, b] of structure.nearBuckets) {
    links.push([structure.buckets[a]?.[0] as number, structure.buckets[b]?.[0] as number]);
  }
  return links;
}

/** Counts and lists the exact and near-duplicate pairs of a dataset, within and across splits. */
export function duplicateReport(
  samples: readonly DuplicateSample[],
  options: { maxDistance?: number; maxListed?: number } = {},
): DuplicateReport {
  const maxDistance = options.maxDistance ?? NEAR_DUPLICATE_MAX_DISTANCE;
  const maxListed = options.maxListed ?? 20;
  const { buckets, nearBuckets } = findDuplicates(samples, maxDistance);
  const exact = tally();
  const near = tally();
  const bucketCounts = buckets.map((members) => splitCounts(samples, members));
  buckets.forEach((members, b) => {
    if (members.length < 2) return;
    // Within a bucket every pair is a duplicate: exact where the pixels agree, near otherwise.
    const all = pairsWithin(bucketCounts[b] as SplitCounts);
    const pixelGroups = groupBy(members, (i) => (samples[i] as DuplicateSample).pixelSha256);
    for (const group of pixelGroups) {
      const same = pairsWithin(splitCounts(samples, group));
      add(exact, same);
      add(near, { cross: -same.cross, within: -same.within });
    }
    add(near, all);
    exact.examples.push(
      ...examplePairs(
        samples,
        pixelGroups.flatMap((g) => pairsIn(splitsFirst(samples, g), maxListed)),
        0,
      ),
    );
    near.examples.push(
      ...examplePairs(
        samples,
        pairsIn(splitsFirst(samples, members), maxListed * 4).filter(
          ([i, j]) =>
            (samples[i] as DuplicateSample).pixelSha256 !== (samples[j] as DuplicateSample).pixelSha256,
        ),
        0,
      ),
    );
  });
  for (const [a, b, distance] of nearBuckets) {
    add(near, pairsAcross(bucketCounts[a] as SplitCounts, bucketCounts[b] as SplitCounts));
    const [first, second] = [splitsFirst(samples, buckets[a] ?? []), splitsFirst(samples, buckets[b] ?? [])];
    near.examples.push(...examplePairs(samples, pairsBetween(first, second, maxListed), distance));
  }
  return { maxDistance, exact: summary(exact, maxListed), near: summary(near, maxListed) };
}

type SplitCounts = Record<SplitName, number>;

interface Tally {
  cross: number;
  within: number;
  examples: DuplicatePair[];
}

const tally = (): Tally => ({ cross: 0, within: 0, examples: [] });

function add(t: Tally, counts: { cross: number; within: number }): void {
  t.cross += counts.cross;
  t.within += counts.within;
}

function splitCounts(samples: readonly DuplicateSample[], members: readonly number[]): SplitCounts {
  const counts: SplitCounts = { train: 0, val: 0, test: 0 };
  for (const i of members) counts[(samples[i] as DuplicateSample).split] += 1;
  return counts;
}

/** Pairs among one set of samples, by whether their splits differ. */
function pairsWithin(c: SplitCounts): { cross: number; within: number } {
  const choose2 = (n: number) => (n * (n - 1)) / 2;
  return {
    within: choose2(c.train) + choose2(c.val) + choose2(c.test),
    cross: c.train * c.val + c.train * c.test + c.val * c.test,
  };
}

/** Pairs between two disjoint sets of samples, by whether their splits differ. */
function pairsAcross(a: SplitCounts, b: SplitCounts): { cross: number; within: number } {
  const within = a.train * b.train + a.val * b.val + a.test * b.test;
  const total = (a.train + a.val + a.test) * (b.train + b.val + b.test);
  return { within, cross: total - within };
}

/** Members reordered so the first member of each split comes first: their pairs cross splits where any do. */
function splitsFirst(samples: readonly DuplicateSample[], members: readonly number[]): number[] {
  const firsts = SPLIT_NAMES.flatMap((split) => {
    const first = members.find((i) => (samples[i] as DuplicateSample).split === split);
    return first === undefined ? [] : [first];
  });
  return [...firsts, ...members.filter((i) => !firsts.includes(i))];
}

/** Up to `limit` index pairs within one list (the first members' pairs). */
function pairsIn(members: readonly number[], limit: number): [number, number][] {
  const out: [number, number][] = [];
  for (let x = 0; x < members.length && out.length < limit; x++) {
    for (let y = x + 1; y < members.length && out.length < limit; y++)
      out.push([members[x] as number, members[y] as number]);
  }
  return out;
}

/** Up to `limit` index pairs between two lists. */
function pairsBetween(a: readonly number[], b: readonly number[], limit: number): [number, number][] {
  const out: [number, number][] = [];
  for (let x = 0; x < a.length && out.length < limit; x++) {
    for (let y = 0; y < b.length && out.length < limit; y++) out.push([a[x] as number, b[y] as number]);
  }
  return out;
}

function examplePairs(
  samples: readonly DuplicateSample[],
  pairs: readonly [number, number][],
  distance: number,
): DuplicatePair[] {
  return pairs.map(([i, j]) => {
    const [a, b] = [samples[i] as DuplicateSample, samples[j] as DuplicateSample];
    const [first, second] = a.key <= b.key ? [a, b] : [b, a];
    return {
      distance,
      a: { key: first.key, split: first.split },
      b: { key: second.key, split: second.split },
    };
  });
}

function summary(t: Tally, maxListed: number): DuplicateCounts {
  const cross = (p: DuplicatePair) => (p.a.split !== p.b.split ? 0 : 1);
  const listed = [...t.examples].sort(
    (p, q) =>
      cross(p) - cross(q) ||
      p.distance - q.distance ||
      compareText(p.a.key, q.a.key) ||
      compareText(p.b.key, q.b.key),
  );
  return { crossSplit: t.cross, withinSplit: t.within, listed: listed.slice(0, maxListed) };
}

function groupBy(members: readonly number[], keyOf: (i: number) => string): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of members) {
    const key = keyOf(i);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.values()];
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Whether hashes u and v agree on a chunk before `chunk`: the pair was counted there already. */
function agreedEarlier(chunkValues: readonly Uint32Array[], chunk: number, u: number, v: number): boolean {
  for (let c = 0; c < chunk; c++) {
    const values = chunkValues[c] as Uint32Array;
    if (values[u] === values[v]) return true;
  }
  return false;
}

function parseHash(hash: string, offset: number): number {
  if (!/^[0-9a-f]{16}$/.test(hash)) {
    throw new InvalidOptionError(
      'findDuplicates',
      'perceptualHash',
      hash,
      '16 lowercase hex digits (64 bits)',
    );
  }
  return parseInt(hash.slice(offset, offset + 8), 16) >>> 0;
}

interface Chunk {
  /** First bit, counted from the least significant bit of the 64. */
  shift: number;
  bits: number;
}

/** `count` disjoint chunks covering 64 bits, as equal as possible (each at most 32 bits). */
function chunkLayout(count: number): Chunk[] {
  const chunks: Chunk[] = [];
  let shift = 0;
  for (let c = 0; c < count; c++) {
    const bits = Math.floor(64 / count) + (c < 64 % count ? 1 : 0);
    chunks.push({ shift, bits });
    shift += bits;
  }
  return chunks;
}

function chunkOf(hi: number, lo: number, { shift, bits }: Chunk): number {
  // The 64-bit value is hi:lo; take `bits` bits from `shift` up, across the word boundary if needed.
  let value: number;
  if (shift >= 32) value = hi >>> (shift - 32);
  else if (shift === 0) value = lo;
  else value = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
  return bits === 32 ? value >>> 0 : (value & ((1 << bits) - 1)) >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
