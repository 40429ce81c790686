// Generated train/val/test splits that keep every patient (study, duplicate image) in one split, with
// each class spread over the splits in the requested proportions, and the hash that pins an assignment.
import { DuplicateSampleKeyError } from '../errors.js';
import { canonicalHash } from '../lineage/hash.js';
import { Rng } from '../random.js';
import type { SampleProvenance, SplitFractions, SplitName } from './splits.js';
import { SPLIT_NAMES, checkSplitFractions } from './splits.js';

/** A sample to place: its key, labels (a class index, or the positive labels) and who it shows. */
export interface SplitCandidate extends Pick<SampleProvenance, 'patientId' | 'studyId'> {
  key: string;
  labels: readonly number[];
}

/** What kept samples together: the column that named their groups, or none (each sample alone). */
export type SplitGrouping = 'patient_id' | 'study_id' | 'sample';

/** How a dataset's split assignment came about; stored with its hash in the dataset manifest. */
export type SplitProvenance =
  | { method: 'official' }
  | { method: 'given' }
  | {
      method: 'generated';
      seed: number;
      fractions: SplitFractions;
      stratified: boolean;
      groupedBy: SplitGrouping;
    };

export interface GenerateSplitArgs {
  seed: number;
  fractions: SplitFractions;
  /** Spread each stratum (a group's majority label, or label set) over the splits; default true. */
  stratified?: boolean;
  /**
   * Pairs of candidate indices that must share a split whatever their patient, e.g. exact and near
   * duplicates: a generated split then holds no cross-split duplicate.
   */
  together?: readonly (readonly [number, number])[];
}

/**
 * A seeded, patient-disjoint, label-stratified train/val/test assignment, one split per candidate in
 * input order. Samples sharing a patient_id, a study_id or a `together` pair form one group, and a
 * group goes to one split. Groups are placed largest first (random order among equal sizes) into the
 * split furthest below its share, counted both within the group's stratum and over the whole dataset,
 * so class proportions per split stay close to the fractions and rare strata do not all land in
 * train. The result depends only on the candidates as a set (not their order) and the arguments.
 */
export function generateSplit(
  candidates: readonly SplitCandidate[],
  args: GenerateSplitArgs,
): { assignment: SplitName[]; groupedBy: SplitGrouping } {
  checkSplitFractions('generateSplit', args.fractions);
  const groups = groupCandidates(candidates, args.together ?? []);
  const stratified = args.stratified ?? true;
  const rng = Rng.fromSeed(args.seed);
  for (let i = groups.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [groups[i], groups[j]] = [groups[j] as Group, groups[i] as Group];
  }
  const strata = new Map<string, Group[]>();
  for (const group of groups) {
    const stratum = stratified ? majorityLabels(group, candidates) : '';
    const members = strata.get(stratum);
    if (members) members.push(group);
    else strata.set(stratum, [group]);
  }

  const assignment = new Array<SplitName>(candidates.length);
  const global = counters();
  for (const stratum of [...strata.keys()].sort(compareText)) {
    // Stable sort: among groups of one size the shuffled order stands.
    const members = (strata.get(stratum) ?? []).sort((a, b) => b.members.length - a.members.length);
    const local = counters();
    for (const group of members) {
      const size = group.members.length;
      let best: SplitName = 'train';
      let bestScore = -Infinity;
      for (const split of SPLIT_NAMES) {
        const share = args.fractions[split];
        if (share === 0) continue;
        const score =
          share * (local.seen + size) - local[split] + (share * (global.seen + size) - global[split]);
        if (score > bestScore + 1e-12) {
          best = split;
          bestScore = score;
        }
      }
      for (const c of [local, global]) {
        c.seen += size;
        c[best] += size;
      }
      for (const index of group.members) assignment[index] = best;
    }
  }
  const groupedBy: SplitGrouping = candidates.some((c) => c.patientId !== undefined)
    ? 'patient_id'
    : candidates.some((c) => c.studyId !== undefined)
      ? 'study_id'
      : 'sample';
  return { assignment, groupedBy };
}

/**
 * sha256 of the canonical (sample key -> split) assignment: the canonical JSON of the [key, split]
 * pairs sorted by key. Equal for the same assignment however the samples are ordered or stored.
 */
export function splitAssignmentHash(samples: readonly { key: string; split: SplitName }[]): string {
  const pairs = samples.map((s) => [s.key, s.split] as const).sort(([a], [b]) => compareText(a, b));
  for (let i = 1; i < pairs.length; i++) {
    if (pairs[i]?.[0] === pairs[i - 1]?.[0]) {
      throw new DuplicateSampleKeyError('splitAssignmentHash', pairs[i]?.[0] ?? '');
    }
  }
  return canonicalHash(pairs);
}

interface Group {
  /** Smallest member key: a name for the group that does not depend on input order. */
  name: string;
  members: number[];
}

const counters = (): Record<SplitName | 'seen', number> => ({ seen: 0, train: 0, val: 0, test: 0 });

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Union-find over candidates linked by patient, study or a `together` pair; groups sorted by name. */
function groupCandidates(
  candidates: readonly SplitCandidate[],
  together: readonly (readonly [number, number])[],
): Group[] {
  const parent = Int32Array.from(candidates, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const join = (a: number, b: number): void => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstWith = new Map<string, number>();
  const seenKeys = new Set<string>();
  candidates.forEach((c, i) => {
    if (seenKeys.has(c.key)) throw new DuplicateSampleKeyError('generateSplit', c.key);
    seenKeys.add(c.key);
    for (const id of [
      c.patientId === undefined ? undefined : `patient:${c.patientId}`,
      c.studyId === undefined ? undefined : `study:${c.studyId}`,
    ]) {
      if (id === undefined) continue;
      const first = firstWith.get(id);
      if (first === undefined) firstWith.set(id, i);
      else join(first, i);
    }
  });
  for (const [a, b] of together) join(a, b);

  const byRoot = new Map<number, number[]>();
  candidates.forEach((_, i) => {
    const r = root(i);
    const members = byRoot.get(r);
    if (members) members.push(i);
    else byRoot.set(r, [i]);
  });
  return [...byRoot.values()]
    .map((members) => ({
      name: members.map((i) => (candidates[i] as SplitCandidate).key).sort(compareText)[0] as string,
      members,
    }))
    .sort((a, b) => compareText(a.name, b.name));
}

/** The most frequent label set among a group's samples (ties: the smallest), as text. */
function majorityLabels(group: Group, candidates: readonly SplitCandidate[]): string {
  const counts = new Map<string, number>();
  for (const i of group.members) {
    const labels = [...(candidates[i] as SplitCandidate).labels].sort((a, b) => a - b).join(',');
    counts.set(labels, (counts.get(labels) ?? 0) + 1);
  }
  let best = '';
  let bestCount = 0;
  for (const [labels, count] of [...counts].sort(([a], [b]) => compareText(a, b))) {
    if (count > bestCount) [best, bestCount] = [labels, count];
  }
  return best;
}
