// `medsweep data inspect PATH`: what a dataset source holds and whether it leaks, before anything is
// imported. Reads the files only: no database, Temporal or S3, and TensorFlow is loaded only for
// sources with image files (never for an .npz).
import type { Command } from 'commander';
import type { DuplicateCounts, SharedGroup } from '@medsweep/core';
import { NEAR_DUPLICATE_MAX_DISTANCE, SPLIT_NAMES } from '@medsweep/core';
import type { DatasetInspection } from '@medsweep/ml';
import { inspectDraft, readDatasetDraft, selectBackend } from '@medsweep/ml';

interface InspectOptions {
  json?: boolean;
  classNames?: string;
  task?: string;
  val: string;
  test: string;
  seed: string;
  size?: string;
  window?: string;
  maxDistance: string;
  list: string;
}

export function registerDataInspectCommand(data: Command): void {
  data
    .command('inspect <path>')
    .description(
      'task, classes, counts per split and class, image size, duplicates and leakage of a MedMNIST .npz, ' +
        'an image folder or a CSV/JSONL manifest (no stack needed; nothing is stored)',
    )
    .option('--json', 'print one JSON object (the last line of output)')
    .option('--class-names <names>', 'comma-separated class names, index = label (npz and manifests)')
    .option('--task <task>', "binary-class | multi-class | ordinal-regression | 'multi-label, binary-class'")
    .option('--val <fraction>', 'validation share when the source has no split', '0.1')
    .option('--test <fraction>', 'test share when the source has no split', '0.2')
    .option('--seed <n>', 'seed of a generated split', '0')
    .option('--size <n>', 'resize image files to n x n pixels')
    .option(
      '--window <center,width>',
      'VOI window for DICOM grey values (default: the file window, else min..max)',
    )
    .option(
      '--max-distance <bits>',
      'Hamming distance of near-duplicate perceptual hashes',
      String(NEAR_DUPLICATE_MAX_DISTANCE),
    )
    .option('--list <n>', 'duplicate pairs, patients and studies to list', '10')
    .action(async (path: string, opts: InspectOptions) => {
      const inspection = await inspect(path, opts);
      console.log(opts.json ? JSON.stringify(inspection) : renderInspection(inspection));
    });
}

async function inspect(path: string, opts: InspectOptions): Promise<DatasetInspection> {
  const size = opts.size === undefined ? undefined : positiveInteger('--size', opts.size);
  const window = opts.window?.split(',').map(Number);
  if (window && (window.length !== 2 || !window.every(Number.isFinite) || (window[1] as number) < 1)) {
    throw new RangeError(
      `--window must be <center>,<width> with width >= 1, e.g. 40,400; got ${opts.window}`,
    );
  }
  const draft = await readDatasetDraft({
    path,
    ...(opts.classNames === undefined ? {} : { classNames: opts.classNames.split(',').map((n) => n.trim()) }),
    ...(opts.task === undefined ? {} : { task: opts.task }),
    holdout: {
      val: fraction('--val', opts.val),
      test: fraction('--test', opts.test),
      seed: positiveInteger('--seed', opts.seed, 0),
    },
    ...(size === undefined ? {} : { size: { height: size, width: size } }),
    ...(window ? { dicomWindow: { center: window[0] as number, width: window[1] as number } } : {}),
    // Called only for image files: an .npz needs no TensorFlow, and its start-up is not free.
    loadTf: async () => (await selectBackend()).tf,
  });
  return inspectDraft(draft, {
    maxDistance: positiveInteger('--max-distance', opts.maxDistance, 0),
    maxListed: positiveInteger('--list', opts.list, 0),
  });
}

function positiveInteger(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`${flag} must be an integer >= ${min}; got ${value}`);
  return n;
}

function fraction(flag: string, value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new RangeError(`${flag} must be a fraction in [0, 1); got ${value}`);
  return n;
}

/** The inspection as a few aligned tables and lines of text. */
export function renderInspection(r: DatasetInspection): string {
  const lines = [
    `${r.name} (${r.source}): ${r.task}, ${r.numClasses} ${r.task === 'multi-label, binary-class' ? 'labels' : 'classes'}, ` +
      `${r.image.height}x${r.image.width} px, ${r.image.channels === 1 ? 'grey' : 'RGB'}`,
    '',
    ...table([
      ['split', 'images', ...r.classNames, 'patients'],
      ...SPLIT_NAMES.map((s) => [
        s,
        ...[r.splits[s].count, ...r.splits[s].perClass].map(String),
        r.splits[s].patients ? String(r.splits[s].patients) : '-',
      ]),
    ]),
    '',
    `split assignment: ${r.splitAssignment ? `${r.splitAssignment.method}, sha256 ${r.splitAssignment.sha256}` : 'none'}`,
    `duplicates: exact ${pairs(r.duplicates.exact)}; near (Hamming <= ${r.duplicates.maxDistance}) ${pairs(r.duplicates.near)}`,
    ...[...r.duplicates.exact.listed, ...r.duplicates.near.listed].map(
      (p) =>
        `  ${p.distance === 0 && r.duplicates.exact.listed.includes(p) ? 'exact' : `d=${p.distance}`}  ${p.a.split}:${p.a.key}  ${p.b.split}:${p.b.key}`,
    ),
    r.leakage.samplesWithPatientId === 0
      ? 'patients: the source names none, so patient leakage cannot be checked'
      : `patients in more than one split: ${r.leakage.patientsInSeveralSplits}; studies: ${r.leakage.studiesInSeveralSplits}`,
    ...[...r.leakage.patients, ...r.leakage.studies].map((g) => `  ${g.id}: ${groupCounts(g)}`),
    r.leakage.leaky ? `LEAKY: ${r.leakage.reasons.join('; ')}` : 'no leakage found',
  ];
  return lines.join('\n');
}

const pairs = (c: DuplicateCounts) => `${c.crossSplit} cross-split / ${c.withinSplit} within-split pair(s)`;

const groupCounts = (g: SharedGroup) =>
  SPLIT_NAMES.filter((s) => g.samples[s] > 0)
    .map((s) => `${s} ${g.samples[s]} (${(g.examples[s] ?? []).join(', ')})`)
    .join(', ');

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
  );
}
