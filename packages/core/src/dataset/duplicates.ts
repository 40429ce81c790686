// Exact duplicates (equal pixel hashes) and near-duplicates (perceptual hashes within a Hamming
// distance) within and across splits. Near pairs are found by multi-index hashing (Norouzi et al.,
// CVPR 2012): the 64 bits are cut into maxDistance + 1 chunks, so by pigeonhole two hashes within the
// distance agree exactly on at least one chunk, and only hashes sharing a chunk value are compared.
// For spread-out hashes that is about n^2 / 2^chunkBits comparisons instead of n^2 / 2.
import { InvalidOptionError } from '../errors.js';
import type { SampleRecord, SplitName } from './splits.js';

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

/** Pairs of sample indices (i < j): exact duplicates, and near ones with their distance. */
export interface DuplicateIndexPairs {
  exact: [number, number][];
  near: [number, number, number][];
}

/** Every exact and near-duplicate pair among `samples`, as indices into it. */
export function findDuplicatePairs(
  samples: readonly Pick<DuplicateSample, 'pixelSha256' | 'perceptualHash'>[],
  maxDistance = NEAR_DUPLICATE_MAX_DISTANCE,
): DuplicateIndexPairs {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 31) {
    throw new InvalidOptionError('findDuplicatePairs', 'maxDistance', maxDistance, 'an integer in [0, 31]');
  }
  // Samples with one hash value share every chunk: handle each value once and expand at the end.
  const byHash = new Map<string, number[]>();
  samples.forEach((s, i) => {
    const members = byHash.get(s.perceptualHash);
    if (members) members.push(i);
    else byHash.set(s.perceptualHash, [i]);
  });
  const values = [...byHash.keys()];
  const members = [...byHash.values()];
  const hi = Uint32Array.from(values, (h) => parseHash(h, 0));
  const lo = Uint32Array.from(values, (h) => parseHash(h, 8));

  const out: DuplicateIndexPairs = { exact: [], near: [] };
  const addPairs = (u: number, v: number, distance: number) => {
    const a = members[u] as number[];
    const b = members[v] as number[];
    for (let x = 0; x < a.length; x++) {
      for (let y = u === v ? x + 1 : 0; y < b.length; y++) {
        const [i, j] = [a[x] as number, b[y] as number].sort((p, q) => p - q) as [number, number];
        if (distance === 0 && samples[i]?.pixelSha256 === samples[j]?.pixelSha256) out.exact.push([i, j]);
        else out.near.push([i, j, distance]);
      }
    }
  };
  for (let u = 0; u < values.length; u++) addPairs(u, u, 0);

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
          if (distance <= maxDistance) addPairs(u, v, distance);
        }
      }
    }
  });
  return out;
}

/** Counts and lists the exact and near-duplicate pairs of a dataset, within and across splits. */
export function duplicateReport(
  samples: readonly DuplicateSample[],
  options: { maxDistance?: number; maxListed?: number } = {},
): DuplicateReport {
  const maxDistance = options.maxDistance ?? NEAR_DUPLICATE_MAX_DISTANCE;
  const pairs = findDuplicatePairs(samples, maxDistance);
  const describe = (list: readonly (readonly number[])[]): DuplicateCounts => {
    const all = list.map(([i = 0, j = 0, distance = 0]) => {
      const [a, b] = [samples[i] as DuplicateSample, samples[j] as DuplicateSample];
      const [first, second] = a.key <= b.key ? [a, b] : [b, a];
      return {
        distance,
        a: { key: first.key, split: first.split },
        b: { key: second.key, split: second.split },
      };
    });
    const crossSplit = all.filter((p) => p.a.split !== p.b.split).length;
    const cross = (p: DuplicatePair) => (p.a.split !== p.b.split ? 0 : 1);
    all.sort(
      (p, q) =>
        cross(p) - cross(q) ||
        p.distance - q.distance ||
        compareText(p.a.key, q.a.key) ||
        compareText(p.b.key, q.b.key),
    );
    return {
      crossSplit,
      withinSplit: all.length - crossSplit,
      listed: all.slice(0, options.maxListed ?? 20),
    };
  };
  return { maxDistance, exact: describe(pairs.exact), near: describe(pairs.near) };
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
      'findDuplicatePairs',
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
