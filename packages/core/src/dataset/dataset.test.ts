import { describe, expect, it } from 'vitest';
import {
  ClassNamesMismatchError,
  DuplicateSampleKeyError,
  InvalidOptionError,
  LabelShapeMismatchError,
  PositiveClassError,
  UnknownTaskError,
} from '../errors.js';
import { Rng } from '../random.js';
import { datasetReport } from './dataset-report.js';
import type { DuplicateStructure } from './duplicates.js';
import { duplicateLinks, duplicateReport, findDuplicates } from './duplicates.js';
import { leakageReport } from './leakage.js';
import { MEDMNIST_DATASETS, medmnistInfoFor } from './medmnist-info.js';
import { clinicalFindingOf, describePositiveClass, resolvePositiveClass } from './positive-class.js';
import type { SplitCandidate } from './split-assignment.js';
import { generateSplit, splitAssignmentHash } from './split-assignment.js';
import type { SampleRecord, SplitName } from './splits.js';
import { SPLIT_NAMES } from './splits.js';
import type { LabelMatrix } from './task-inference.js';
import { resolveLabelTask } from './task-inference.js';

describe('medmnistInfoFor', () => {
  it('knows the 12 official 2D datasets by file name, with MedMNIST+ size suffixes', () => {
    expect(Object.keys(MEDMNIST_DATASETS)).toHaveLength(12);
    expect(medmnistInfoFor('/data/breastmnist.npz')).toMatchObject({
      name: 'breastmnist',
      size: undefined,
      task: 'binary-class',
      classNames: ['malignant', 'normal, benign'],
      licence: 'CC BY 4.0',
    });
    expect(medmnistInfoFor('BreastMNIST_64.npz')).toMatchObject({ name: 'breastmnist', size: 64 });
    expect(medmnistInfoFor('chestmnist_224.npz')).toMatchObject({
      task: 'multi-label, binary-class',
      channels: 1,
    });
    expect(medmnistInfoFor('chestmnist.npz')?.classNames).toHaveLength(14);
    expect(medmnistInfoFor('retinamnist_128.npz')).toMatchObject({ task: 'ordinal-regression', channels: 3 });
    expect(medmnistInfoFor('pathmnist.npz')?.classNames).toHaveLength(9);
    expect(medmnistInfoFor('organsmnist.npz')?.classNames).toHaveLength(11);
    expect(medmnistInfoFor('mydata.npz')).toBeUndefined();
    expect(medmnistInfoFor('breastmnist_32.npz')).toBeUndefined();
    expect(medmnistInfoFor('organmnist3d.npz')).toBeUndefined();
  });
});

describe('resolveLabelTask', () => {
  const column = (split: string, values: number[]): LabelMatrix => ({
    split,
    rows: values.length,
    columns: 1,
    values,
  });
  const matrix = (split: string, rows: number[][]): LabelMatrix => ({
    split,
    rows: rows.length,
    columns: rows[0]?.length ?? 0,
    values: rows.flat(),
  });
  const resolve = (labels: LabelMatrix[], extra: Partial<Parameters<typeof resolveLabelTask>[0]> = {}) =>
    resolveLabelTask({ source: 'x.npz', labels, maxClasses: 256, ...extra });
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (error) {
      return error;
    }
    throw new Error('expected a throw');
  };

  it('infers binary, multi-class and multi-label tasks from the labels, naming classes 0..k-1', () => {
    expect(resolve([column('train', [0, 1, 1]), column('test', [0])])).toEqual({
      task: 'binary-class',
      numClasses: 2,
      classNames: ['0', '1'],
    });
    expect(resolve([column('train', [0, 4, 2]), column('val', [3, 1])])).toMatchObject({
      task: 'multi-class',
      numClasses: 5,
      classNames: ['0', '1', '2', '3', '4'],
    });
    expect(
      resolve([
        matrix('train', [
          [0, 1, 1],
          [0, 0, 0],
        ]),
      ]),
    ).toMatchObject({
      task: 'multi-label, binary-class',
      numClasses: 3,
    });
  });

  it('takes task and names from known metadata and from overrides, overrides first', () => {
    const known = { task: 'ordinal-regression' as const, classNames: ['0', '1', '2', '3', '4'] };
    expect(resolve([column('train', [0, 1, 2])], { known })).toEqual({
      task: 'ordinal-regression',
      numClasses: 5,
      classNames: ['0', '1', '2', '3', '4'],
    });
    expect(
      resolve([column('train', [0, 1, 2])], { known, task: 'multi-class', classNames: ['a', 'b', 'c'] }),
    ).toEqual({
      task: 'multi-class',
      numClasses: 3,
      classNames: ['a', 'b', 'c'],
    });
    expect(resolve([column('train', [0, 1])], { classNames: ['no', 'yes'] }).task).toBe('binary-class');
  });

  it('rejects inconsistent overrides and labels with specific errors', () => {
    expect(thrown(() => resolve([column('train', [0, 1])], { task: 'regression' }))).toBeInstanceOf(
      UnknownTaskError,
    );

    const oneColumn = thrown(() => resolve([column('train', [0, 1])], { task: 'multi-label, binary-class' }));
    expect(oneColumn).toBeInstanceOf(LabelShapeMismatchError);
    expect((oneColumn as Error).message).toMatch(
      /x\.npz: train labels: one label column; expected \(N, L\) columns of 0\/1/,
    );

    const third = thrown(() =>
      resolve([column('train', [0, 1]), column('val', [0, 2])], { task: 'binary-class' }),
    );
    expect(third).toMatchObject({ split: 'val', received: 'class index 2 at sample 1' });

    const beyondNames = thrown(() => resolve([column('train', [0, 3])], { classNames: ['a', 'b', 'c'] }));
    expect(beyondNames).toBeInstanceOf(LabelShapeMismatchError);
    expect((beyondNames as Error).message).toMatch(/class index 3 at sample 1; expected indices 0\.\.2/);

    const names = thrown(() => resolve([matrix('train', [[0, 1, 1]])], { classNames: ['a', 'b'] }));
    expect(names).toBeInstanceOf(ClassNamesMismatchError);
    expect((names as Error).message).toMatch(/are 2 names for 3 label columns/);
    expect(thrown(() => resolve([column('train', [0, 1])], { classNames: ['a', 'a'] }))).toBeInstanceOf(
      ClassNamesMismatchError,
    );
    expect(
      thrown(() => resolve([column('train', [0, 1])], { task: 'binary-class', classNames: ['a', 'b', 'c'] })),
    ).toBeInstanceOf(ClassNamesMismatchError);

    expect(thrown(() => resolve([matrix('train', [[0, 2]])]))).toMatchObject({
      received: 'value 2 at sample 0, column 1',
    });
    expect(thrown(() => resolve([column('train', [0, 0.5])]))).toMatchObject({
      received: 'value 0.5 at sample 1',
    });
    expect(thrown(() => resolve([column('train', [0, -1])]))).toBeInstanceOf(LabelShapeMismatchError);
    expect(thrown(() => resolve([column('train', [0, 0])]))).toBeInstanceOf(LabelShapeMismatchError);
    expect(thrown(() => resolve([column('train', [0, 1])], { task: 'multi-class' }))).toBeInstanceOf(
      LabelShapeMismatchError,
    );
    expect(thrown(() => resolve([column('train', [0, 1]), matrix('val', [[0, 1]])]))).toMatchObject({
      split: 'val',
      received: '2 label columns',
    });
    expect(thrown(() => resolve([column('train', [0, 300])]))).toBeInstanceOf(ClassNamesMismatchError);
  });
});

/** 600 patients with 1-4 images each, 3 unbalanced classes (one label per patient). */
function patients(seed: number): SplitCandidate[] {
  const rng = Rng.fromSeed(seed);
  const out: SplitCandidate[] = [];
  for (let p = 0; p < 600; p++) {
    const label = p % 10 < 6 ? 0 : p % 10 < 9 ? 1 : 2;
    const images = 1 + rng.nextInt(4);
    for (let i = 0; i < images; i++)
      out.push({ key: `p${p}/img${i}.png`, labels: [label], patientId: `P${p}` });
  }
  return out;
}

const fractions = { train: 0.7, val: 0.1, test: 0.2 };

describe('generateSplit', () => {
  it('keeps each patient in one split and each class close to the fractions', () => {
    const candidates = patients(1);
    const { assignment, groupedBy } = generateSplit(candidates, { seed: 7, fractions });
    expect(groupedBy).toBe('patient_id');
    const splitOfPatient = new Map<string, SplitName>();
    candidates.forEach((c, i) => {
      const split = assignment[i] as SplitName;
      expect(splitOfPatient.get(c.patientId as string) ?? split).toBe(split);
      splitOfPatient.set(c.patientId as string, split);
    });
    for (const label of [0, 1, 2]) {
      const ofClass = candidates
        .map((c, i) => [c, assignment[i]] as const)
        .filter(([c]) => c.labels[0] === label);
      for (const split of SPLIT_NAMES) {
        const share = ofClass.filter(([, s]) => s === split).length / ofClass.length;
        expect(Math.abs(share - fractions[split]), `class ${label} ${split}`).toBeLessThan(0.03);
      }
    }
  });

  it('is deterministic for a seed, independent of input order, and differs between seeds', () => {
    const candidates = patients(2);
    const keyed = (list: SplitCandidate[], seed: number) => {
      const { assignment } = generateSplit(list, { seed, fractions });
      return Object.fromEntries(list.map((c, i) => [c.key, assignment[i]]));
    };
    const a = keyed(candidates, 3);
    expect(keyed([...candidates].reverse(), 3)).toEqual(a);
    expect(keyed(candidates, 4)).not.toEqual(a);
  });

  it('splits 10 samples per class exactly 7 / 1 / 2 without patient ids, and keeps `together` pairs together', () => {
    const candidates = Array.from({ length: 20 }, (_, i) => ({
      key: `k${String(i).padStart(2, '0')}`,
      labels: [i % 2],
    }));
    const { assignment, groupedBy } = generateSplit(candidates, { seed: 0, fractions });
    expect(groupedBy).toBe('sample');
    for (const label of [0, 1]) {
      const counts = SPLIT_NAMES.map((s) => assignment.filter((a, i) => a === s && i % 2 === label).length);
      expect(counts).toEqual([7, 1, 2]);
    }
    const linked = generateSplit(candidates, {
      seed: 0,
      fractions,
      together: [
        [0, 19],
        [19, 5],
      ],
    }).assignment;
    expect(new Set([linked[0], linked[19], linked[5]]).size).toBe(1);
  });

  it('groups by study when there are no patient ids, and rejects bad fractions and repeated keys', () => {
    const candidates = [
      { key: 'a', labels: [0], studyId: 'S1' },
      { key: 'b', labels: [1], studyId: 'S1' },
      { key: 'c', labels: [1] },
    ];
    const { assignment, groupedBy } = generateSplit(candidates, { seed: 0, fractions });
    expect(groupedBy).toBe('study_id');
    expect(assignment[0]).toBe(assignment[1]);
    expect(() =>
      generateSplit(candidates, { seed: 0, fractions: { train: 0.7, val: 0.1, test: 0.1 } }),
    ).toThrow(InvalidOptionError);
    expect(() => generateSplit([...candidates, { key: 'a', labels: [0] }], { seed: 0, fractions })).toThrow(
      DuplicateSampleKeyError,
    );
  });
});

describe('splitAssignmentHash', () => {
  it('hashes the sorted (key, split) pairs, whatever the order', () => {
    const samples = [
      { key: 'b', split: 'train' as const },
      { key: 'a', split: 'test' as const },
    ];
    const hash = splitAssignmentHash(samples);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(splitAssignmentHash([...samples].reverse())).toBe(hash);
    expect(splitAssignmentHash([{ key: 'b', split: 'val' }, samples[1] as (typeof samples)[1]])).not.toBe(
      hash,
    );
    expect(() => splitAssignmentHash([...samples, { key: 'a', split: 'val' }])).toThrow(
      /sample key "a" occurs more than once/,
    );
  });
});

describe('leakageReport', () => {
  it('lists patients and studies found in more than one split, with counts and example keys', () => {
    const report = leakageReport([
      { key: 'p1-a', split: 'train', patientId: 'P1', studyId: 'S1' },
      { key: 'p1-b', split: 'test', patientId: 'P1', studyId: 'S2' },
      { key: 'p1-c', split: 'test', patientId: 'P1', studyId: 'S2' },
      { key: 'p2-a', split: 'train', patientId: 'P2' },
      { key: 'p2-b', split: 'train', patientId: 'P2' },
      { key: 'anon', split: 'val' },
    ]);
    expect(report.patients).toEqual({
      samplesWithId: 5,
      ids: 2,
      inSeveralSplits: 1,
      listed: [
        {
          id: 'P1',
          samples: { train: 1, val: 0, test: 2 },
          examples: { train: ['p1-a'], test: ['p1-b', 'p1-c'] },
        },
      ],
    });
    expect(report.studies).toMatchObject({ samplesWithId: 3, ids: 2, inSeveralSplits: 0, listed: [] });
  });
});

/** A 64-bit hash as 16 hex digits from two 32-bit words. */
const hex = (hi: number, lo: number) =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

/** Every sample pair a duplicate structure describes, as `i-j-distance` with i < j. */
function expandPairs(structure: DuplicateStructure): string[] {
  const pairs: string[] = [];
  const add = (i: number, j: number, d: number) => pairs.push(`${Math.min(i, j)}-${Math.max(i, j)}-${d}`);
  for (const members of structure.buckets) {
    members.forEach((i, x) => members.slice(x + 1).forEach((j) => add(i, j, 0)));
  }
  for (const [a, b, d] of structure.nearBuckets) {
    for (const i of structure.buckets[a] ?? []) for (const j of structure.buckets[b] ?? []) add(i, j, d);
  }
  return pairs;
}

describe('findDuplicates and duplicateReport', () => {
  it('finds exactly the pairs a brute-force comparison finds, including across the 32-bit word boundary', () => {
    const rng = Rng.fromSeed(11);
    const hashes: string[] = [];
    for (let i = 0; i < 400; i++) {
      if (i > 0 && i % 4 === 0) {
        // Flip 1-6 bits of an earlier hash, anywhere in the 64.
        const [hi, lo] = [
          parseInt((hashes[i - 1] as string).slice(0, 8), 16),
          parseInt((hashes[i - 1] as string).slice(8), 16),
        ];
        let [h, l] = [hi, lo];
        for (let f = 0, flips = 1 + rng.nextInt(6); f < flips; f++) {
          const bit = rng.nextInt(64);
          if (bit < 32) l ^= 1 << bit;
          else h ^= 1 << (bit - 32);
        }
        hashes.push(hex(h, l));
      } else {
        hashes.push(hex(rng.nextUint32(), rng.nextUint32()));
      }
    }
    hashes.push(hashes[7] as string, hashes[7] as string);
    const samples = hashes.map((h, i) => ({
      perceptualHash: h,
      pixelSha256: i === hashes.length - 1 ? 'same' : i === hashes.length - 2 ? 'same' : `px${i}`,
    }));
    const distance = (a: string, b: string) => {
      let d = 0;
      for (let k = 0; k < 16; k += 8) {
        let x = (parseInt(a.slice(k, k + 8), 16) ^ parseInt(b.slice(k, k + 8), 16)) >>> 0;
        for (; x; x &= x - 1) d++;
      }
      return d;
    };
    for (const maxDistance of [0, 3, 4, 6]) {
      const expected: string[] = [];
      for (let i = 0; i < samples.length; i++) {
        for (let j = i + 1; j < samples.length; j++) {
          const d = distance(hashes[i] as string, hashes[j] as string);
          if (d <= maxDistance) expected.push(`${i}-${j}-${d}`);
        }
      }
      const found = findDuplicates(samples, maxDistance);
      expect(expandPairs(found).sort(), `maxDistance ${maxDistance}`).toEqual(expected.sort());
    }
  });

  it('counts pairs within and across splits and lists cross-split pairs first', () => {
    const sample = (key: string, split: SplitName, pixelSha256: string, perceptualHash: string) => ({
      key,
      split,
      pixelSha256,
      perceptualHash,
    });
    const report = duplicateReport(
      [
        sample('t1', 'train', 'A', hex(0, 0)),
        sample('t2', 'train', 'A', hex(0, 0)),
        sample('x1', 'test', 'A', hex(0, 0)),
        sample('n1', 'val', 'B', hex(0, 0b111)),
        sample('far', 'test', 'C', hex(0xffff, 0)),
      ],
      { maxDistance: 4 },
    );
    expect(report.exact).toMatchObject({ crossSplit: 2, withinSplit: 1 });
    expect(report.exact.listed[0]).toEqual({
      distance: 0,
      a: { key: 't1', split: 'train' },
      b: { key: 'x1', split: 'test' },
    });
    expect(report.near).toMatchObject({ crossSplit: 3, withinSplit: 0 });
    expect(report.near.listed.map((p) => [p.a.key, p.b.key, p.distance])).toEqual([
      ['n1', 't1', 3],
      ['n1', 't2', 3],
      ['n1', 'x1', 3],
    ]);
  });

  it('handles 50,000 hashes without comparing every pair', () => {
    const rng = Rng.fromSeed(5);
    const samples = Array.from({ length: 50_000 }, (_, i) => ({
      pixelSha256: `p${i}`,
      perceptualHash: hex(rng.nextUint32(), rng.nextUint32()),
    }));
    samples.push({
      pixelSha256: 'near',
      perceptualHash: hex(
        parseInt(samples[0]!.perceptualHash.slice(0, 8), 16) ^ 1,
        parseInt(samples[0]!.perceptualHash.slice(8), 16),
      ),
    });
    const started = performance.now();
    const found = findDuplicates(samples, 4);
    const seconds = (performance.now() - started) / 1000;
    expect(found.nearBuckets).toEqual([[0, 50_000, 1]]);
    expect(seconds).toBeLessThan(10);
  });

  it('counts the pairs of thousands of alike images without listing them all, and links them for splitting', () => {
    // 6,000 identical blank frames (3,000 train, 3,000 test) and 4,000 noisy ones sharing their hash.
    const samples = Array.from({ length: 10_000 }, (_, i) => ({
      key: `k${i}`,
      split: (i % 2 ? 'test' : 'train') as SplitName,
      pixelSha256: i < 6_000 ? 'blank' : `noise${i}`,
      perceptualHash: hex(0, 0),
    }));
    const report = duplicateReport(samples, { maxListed: 5 });
    expect(report.exact).toMatchObject({ crossSplit: 3_000 * 3_000, withinSplit: (2 * (3_000 * 2_999)) / 2 });
    const allPairs = { cross: 5_000 * 5_000, within: (2 * (5_000 * 4_999)) / 2 };
    expect(report.near).toMatchObject({
      crossSplit: allPairs.cross - 3_000 * 3_000,
      withinSplit: allPairs.within - 3_000 * 2_999,
    });
    expect(report.exact.listed).toHaveLength(5);
    expect(report.exact.listed[0]?.a.split).not.toBe(report.exact.listed[0]?.b.split);
    expect(duplicateLinks(findDuplicates(samples))).toHaveLength(9_999);
  });
});

describe('datasetReport', () => {
  it('counts samples per split and class and calls a dataset with shared patients or cross-split duplicates leaky', () => {
    const record = (
      key: string,
      split: SplitName,
      label: number,
      extra: Partial<SampleRecord> = {},
    ): SampleRecord => ({
      key,
      split,
      labels: [label],
      pixelSha256: `px-${key}`,
      // Unrelated hashes: 64 random bits seeded by the key.
      perceptualHash: ((rng) => hex(rng.nextUint32(), rng.nextUint32()))(Rng.fromSeed(Number(key))),
      ...extra,
    });
    const clean = datasetReport({
      task: 'binary-class',
      numClasses: 2,
      classNames: ['no', 'yes'],
      samples: [
        record('1', 'train', 0, { patientId: 'A' }),
        record('2', 'val', 1, { patientId: 'B' }),
        record('3', 'test', 1, { patientId: 'C' }),
      ],
    });
    expect(clean.splits).toEqual({
      train: { count: 1, perClass: [1, 0], patients: 1 },
      val: { count: 1, perClass: [0, 1], patients: 1 },
      test: { count: 1, perClass: [0, 1], patients: 1 },
    });
    expect(clean.leakage).toMatchObject({
      leaky: false,
      reasons: [],
      patientsInSeveralSplits: 0,
      samplesWithPatientId: 3,
    });

    const leaky = datasetReport({
      task: 'binary-class',
      numClasses: 2,
      classNames: ['no', 'yes'],
      samples: [
        record('1', 'train', 0, { patientId: 'A' }),
        record('2', 'test', 0, { patientId: 'A' }),
        record('3', 'val', 1, { pixelSha256: 'same', perceptualHash: hex(7, 7) }),
        record('4', 'test', 1, { pixelSha256: 'same', perceptualHash: hex(7, 7) }),
      ],
    });
    expect(leaky.leakage).toMatchObject({
      leaky: true,
      patientsInSeveralSplits: 1,
      crossSplitExactDuplicates: 1,
      reasons: ['1 patient(s) in more than one split', '1 identical image pair(s) across splits'],
    });
    expect(leaky.splitAssignmentSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('resolvePositiveClass', () => {
  const breast = {
    task: 'binary-class' as const,
    classNames: ['malignant', 'normal, benign'],
    source: 'dataset b',
  };
  const pneumonia = {
    task: 'binary-class' as const,
    classNames: ['normal', 'pneumonia'],
    source: 'dataset p',
  };
  const other = { task: 'binary-class' as const, classNames: ['no', 'yes'], source: 'dataset x' };

  it("defaults to MedMNIST's label 1 and names the clinical finding where the dataset has one", () => {
    const conventional = resolvePositiveClass(undefined, breast)!;
    expect(conventional).toEqual({
      index: 1,
      name: 'normal, benign',
      basis: 'medmnist-convention',
      clinicalFinding: false,
    });
    expect(describePositiveClass(conventional)).toBe('normal, benign (label 1, MedMNIST convention)');
    const clinical = resolvePositiveClass('clinical', breast)!;
    expect(describePositiveClass(clinical)).toBe('malignant (label 0, clinical finding)');
    expect(describePositiveClass(resolvePositiveClass(undefined, pneumonia)!)).toBe(
      'pneumonia (label 1, MedMNIST convention, the clinical finding)',
    );
    expect(resolvePositiveClass(undefined, other)).toMatchObject({ index: 1, clinicalFinding: null });
    expect(clinicalFindingOf(breast)).toBe(MEDMNIST_DATASETS.breastmnist.positiveFinding);
    expect(clinicalFindingOf({ ...breast, classNames: ['malignant', 'benign'] })).toBeUndefined();
  });

  it('takes a class name or index from the spec', () => {
    expect(resolvePositiveClass('malignant', breast)).toEqual({
      index: 0,
      name: 'malignant',
      basis: 'spec',
      clinicalFinding: true,
    });
    expect(describePositiveClass(resolvePositiveClass(0, other)!)).toBe('no (label 0, named in the spec)');
  });

  it('refuses what does not fit the dataset, saying what is accepted', () => {
    expect(() => resolvePositiveClass('cancer', breast)).toThrow(
      `dataset b: evaluation.positiveClass "cancer" is no class of the dataset; accepted: "malignant", "normal, benign", 0, 1 or 'clinical'`,
    );
    expect(() => resolvePositiveClass(2, other)).toThrow(PositiveClassError);
    expect(() => resolvePositiveClass('clinical', other)).toThrow(
      'dataset x: evaluation.positiveClass "clinical" asks for the clinical finding, but the dataset names none',
    );
    const organs = { task: 'multi-class' as const, classNames: ['a', 'b', 'c'], source: 'dataset o' };
    expect(resolvePositiveClass(undefined, organs)).toBeNull();
    expect(() => resolvePositiveClass('a', organs)).toThrow(/does not apply to a 'multi-class' task/);
  });
});
