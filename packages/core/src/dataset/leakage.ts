// Patients and studies that appear in more than one split: the most common way a medical-imaging
// result is wrong (GMLP principle 4: training data sets are independent of test sets).
import type { SampleRecord, SplitName } from './splits.js';
import { SPLIT_NAMES } from './splits.js';

/** One patient (or study) found in several splits. */
export interface SharedGroup {
  id: string;
  /** Samples of this patient per split. */
  samples: Record<SplitName, number>;
  /** A few of its sample keys per split, to look at. */
  examples: Partial<Record<SplitName, string[]>>;
}

export interface GroupLeakage {
  /** Samples that carry this id at all. */
  samplesWithId: number;
  /** Distinct ids. */
  ids: number;
  /** Ids whose samples are in more than one split. */
  inSeveralSplits: number;
  /** The first `maxListed` of them, most samples first. */
  listed: SharedGroup[];
}

export interface LeakageReport {
  patients: GroupLeakage;
  studies: GroupLeakage;
}

const EXAMPLES_PER_SPLIT = 3;

/** Which patients and studies the splits share; `maxListed` (default 20) bounds the lists. */
export function leakageReport(
  samples: readonly Pick<SampleRecord, 'key' | 'split' | 'patientId' | 'studyId'>[],
  maxListed = 20,
): LeakageReport {
  return {
    patients: groupLeakage(samples, (s) => s.patientId, maxListed),
    studies: groupLeakage(samples, (s) => s.studyId, maxListed),
  };
}

function groupLeakage<S extends Pick<SampleRecord, 'key' | 'split'>>(
  samples: readonly S[],
  idOf: (sample: S) => string | undefined,
  maxListed: number,
): GroupLeakage {
  const groups = new Map<string, SharedGroup>();
  let samplesWithId = 0;
  for (const sample of samples) {
    const id = idOf(sample);
    if (id === undefined) continue;
    samplesWithId += 1;
    let group = groups.get(id);
    if (!group) {
      group = { id, samples: { train: 0, val: 0, test: 0 }, examples: {} };
      groups.set(id, group);
    }
    group.samples[sample.split] += 1;
    const examples = (group.examples[sample.split] ??= []);
    if (examples.length < EXAMPLES_PER_SPLIT) examples.push(sample.key);
  }
  const shared = [...groups.values()].filter(
    (g) => SPLIT_NAMES.filter((split) => g.samples[split] > 0).length > 1,
  );
  const total = (g: SharedGroup) => g.samples.train + g.samples.val + g.samples.test;
  shared.sort((a, b) => total(b) - total(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    samplesWithId,
    ids: groups.size,
    inSeveralSplits: shared.length,
    listed: shared.slice(0, maxListed),
  };
}
