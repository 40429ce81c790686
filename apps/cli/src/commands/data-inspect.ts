// `medsweep data inspect PATH`: what a dataset source holds and whether it leaks, before anything is
// imported. Reads the files only: no database, Temporal or S3, and TensorFlow is loaded only for
// sources with image files (never for an .npz).
import type { Command } from 'commander';
import type { DuplicateCounts, SharedGroup } from '@medsweep/core';
import { SPLIT_NAMES } from '@medsweep/core';
import type { DatasetInspection } from '@medsweep/ml';
import { inspectDraft, readDatasetDraft } from '@medsweep/ml';
import type { DatasetSourceOptions } from './dataset-source.js';
import { datasetSourceArgs, withDatasetSourceOptions } from './dataset-source.js';

interface InspectOptions extends DatasetSourceOptions {
  json?: boolean;
}

export function registerDataInspectCommand(data: Command): void {
  withDatasetSourceOptions(
    data
      .command('inspect <path>')
      .description(
        'task, classes, counts per split and class, image size, duplicates and leakage of a MedMNIST .npz, ' +
          'an image folder or a CSV/JSONL manifest (no stack needed; nothing is stored)',
      )
      .option('--json', 'print one JSON object (the last line of output)'),
    '10',
  ).action(async (path: string, opts: InspectOptions) => {
    const inspection = await inspect(path, opts);
    console.log(opts.json ? JSON.stringify(inspection) : renderInspection(inspection));
  });
}

async function inspect(path: string, opts: InspectOptions): Promise<DatasetInspection> {
  const { maxDistance, maxListed, ...source } = datasetSourceArgs(path, opts);
  return inspectDraft(await readDatasetDraft(source), {
    ...(maxDistance === undefined ? {} : { maxDistance }),
    ...(maxListed === undefined ? {} : { maxListed }),
  });
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
