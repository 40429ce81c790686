// Image datasets described by a manifest: a CSV file (with a header) or JSON Lines, one row per image.
//
// Columns: `path` (relative to the manifest's folder; PNG, JPEG, BMP, GIF or DICOM), the label(s) in one
// of three forms — `label` (a class name or index), `labels` (a list of class names or indices: a JSON
// array, or `|`-separated in CSV) or one `label:<class name>` column of 0/1 per class, the latter two
// for multi-label data — and optionally `split` (train, val or test, on every row or none), `patient_id`,
// `study_id`, `series_id`, `site`, `modality`. Every other column is kept per sample as a free attribute
// (CSV values as text, JSON values as they are) for subgroup analysis. Rows are numbered from 1: data
// records after the CSV header, lines of a JSON Lines file.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { LabelMatrix, SampleAttributes, TaskType } from '@medsweep/core';
import { SPLIT_NAMES, resolveLabelTask } from '@medsweep/core';
import { DuplicateImagePathError, ImageManifestError, ManifestImageMissingError } from '../errors.js';
import type { BlobSink, DatasetDraft, DatasetManifest, SplitName } from '@medsweep/core/records';
import { MAX_CLASSES, writeDataset } from '@medsweep/core/records';
import type { ImageDecodeArgs } from './image-decoding.js';
import { ImageDecoder } from './image-decoding.js';
import type { ImageRow } from './image-rows.js';
import { draftFromImageRows } from './image-rows.js';

/** Manifest files by extension. */
export const IMAGE_MANIFEST_FILE = /\.(csv|jsonl|ndjson)$/i;

export interface ImageManifestImportArgs extends ImageDecodeArgs {
  /** The .csv or .jsonl manifest. */
  manifest: string;
  /** Dataset name in the manifest; defaults to the name of the manifest's folder. */
  name?: string;
  /** One name per class (per label for multi-label), index = label; fixes the order of named labels. */
  classNames?: readonly string[];
  /** A MedMNIST task string; default inferred from the labels. */
  task?: string;
  /** For a manifest without a split column: fractions of val and test and the seed; default 0.1 / 0.2 / 0. */
  holdout?: { val: number; test: number; seed: number };
  licence?: string;
  citation?: string;
}

type Cell = string | number | boolean | readonly (string | number)[];
type Record_ = Map<string, Cell>;

const PROVENANCE_COLUMNS = {
  patient_id: 'patientId',
  study_id: 'studyId',
  series_id: 'seriesId',
  site: 'site',
  modality: 'modality',
} as const;
const RESERVED = new Set(['path', 'label', 'labels', 'split', ...Object.keys(PROVENANCE_COLUMNS)]);

/**
 * Reads a manifest and every image it names into a draft (nothing is stored). Throws
 * ImageManifestError, ManifestImageMissingError, DuplicateImagePathError, UnreadableImageError and the
 * DICOM errors, naming the manifest row; UnknownTaskError, LabelShapeMismatchError and
 * ClassNamesMismatchError (from @medsweep/core) when labels, task and class names disagree.
 */
export async function readImageManifestDraft(args: ImageManifestImportArgs): Promise<DatasetDraft> {
  const { manifest } = args;
  const manifestBytes = new Uint8Array(await readFile(manifest));
  const records = parseManifest(new TextDecoder().decode(manifestBytes), manifest);
  if (records.length === 0) throw new ImageManifestError(manifest, undefined, 'has no rows');
  const { labelRows, task, classNames } = resolveLabels(records, args);
  const folder = dirname(resolve(manifest));

  const rows: ImageRow[] = [];
  const firstRowOf = new Map<string, number>();
  const withSplit = records.filter(({ cells }) => cells.has('split')).length;
  for (const [i, { row, cells }] of records.entries()) {
    const path = text(cells, 'path', manifest, row);
    if (path === undefined) throw new ImageManifestError(manifest, row, 'has no `path`');
    const file = resolve(folder, path);
    const key = (isAbsolute(path) ? file : relative(folder, file)).split(sep).join('/');
    const first = firstRowOf.get(file);
    if (first !== undefined) throw new DuplicateImagePathError(manifest, first, row, path);
    firstRowOf.set(file, row);
    const split = text(cells, 'split', manifest, row);
    if (split !== undefined && !(SPLIT_NAMES as readonly string[]).includes(split)) {
      throw new ImageManifestError(
        manifest,
        row,
        `split ${JSON.stringify(split)} is not one of train, val, test`,
      );
    }
    if (withSplit > 0 && split === undefined) {
      throw new ImageManifestError(
        manifest,
        row,
        `has no split while ${withSplit} other row(s) have one; give a split on every row or on none (then one is generated)`,
      );
    }
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) throw new ManifestImageMissingError(manifest, row, path, file);
    const attributes: Record<string, string | number | boolean> = {};
    for (const [column, value] of cells) {
      if (RESERVED.has(column) || column.startsWith('label:')) continue;
      if (typeof value === 'object') {
        throw new ImageManifestError(
          manifest,
          row,
          `attribute ${column} is a list; attributes are single values`,
        );
      }
      attributes[column] = value;
    }
    const provenance: Partial<Record<(typeof PROVENANCE_COLUMNS)[keyof typeof PROVENANCE_COLUMNS], string>> =
      {};
    for (const [column, field] of Object.entries(PROVENANCE_COLUMNS)) {
      const value = text(cells, column, manifest, row);
      if (value !== undefined) provenance[field] = value;
    }
    rows.push({
      file,
      key,
      row,
      labelRow: labelRows[i] as number[],
      ...(split === undefined ? {} : { split: split as SplitName }),
      ...provenance,
      ...(Object.keys(attributes).length > 0 ? { attributes: attributes as SampleAttributes } : {}),
    });
  }
  const holdout = args.holdout ?? { val: 0.1, test: 0.2, seed: 0 };
  return draftFromImageRows(rows, {
    name: args.name ?? basename(folder),
    task,
    classNames,
    kind: 'image-manifest',
    origin: manifest,
    decoder: new ImageDecoder(
      args,
      (file, received, expected, row) =>
        new ImageManifestError(
          manifest,
          row,
          `image ${file} is ${received} but earlier images are ${expected}; pass a size to resize every image to one size`,
        ),
    ),
    holdout: {
      fractions: { train: 1 - holdout.val - holdout.test, val: holdout.val, test: holdout.test },
      seed: holdout.seed,
    },
    extraFiles: [[basename(manifest), manifestBytes]],
    missingFile: (r) => new ManifestImageMissingError(manifest, r.row ?? 0, r.key, r.file),
    ...(args.licence === undefined ? {} : { licence: args.licence }),
    ...(args.citation === undefined ? {} : { citation: args.citation }),
  });
}

/** Imports a manifest's images (readImageManifestDraft) into the content-addressed dataset format. */
export async function importImageManifest(
  args: ImageManifestImportArgs,
  sink: BlobSink,
): Promise<{ id: string; manifest: DatasetManifest }> {
  return writeDataset(await readImageManifestDraft(args), sink);
}

/** Each row's label row (a class index, or 0/1 per label), with the task and class names they resolve to. */
function resolveLabels(
  records: readonly { row: number; cells: Record_ }[],
  args: ImageManifestImportArgs,
): { labelRows: number[][]; task: TaskType; classNames: string[] } {
  const { manifest } = args;
  const columns = [...new Set(records.flatMap(({ cells }) => [...cells.keys()]))];
  const labelColumns = columns.filter((c) => c.startsWith('label:'));
  const forms = [columns.includes('label'), columns.includes('labels'), labelColumns.length > 0].filter(
    Boolean,
  );
  if (forms.length !== 1) {
    throw new ImageManifestError(
      manifest,
      undefined,
      `${forms.length === 0 ? 'has no label column' : 'has more than one kind of label column'} (columns: ${columns.join(', ')}); ` +
        'use `label` (one class per image), `labels` (a list per image) or `label:<class>` columns of 0/1',
    );
  }
  let matrix: number[][];
  let names: readonly string[] | undefined = args.classNames;
  let defaultTask: TaskType | undefined;
  if (labelColumns.length > 0) {
    names ??= labelColumns.map((c) => c.slice('label:'.length));
    matrix = records.map(({ row, cells }) =>
      labelColumns.map((column) => {
        const value = cells.get(column);
        if (value === 0 || value === 1 || value === '0' || value === '1' || value === false || value === true)
          return Number(value);
        throw new ImageManifestError(
          manifest,
          row,
          `${column} is ${JSON.stringify(value ?? null)}; expected 0 or 1`,
        );
      }),
    );
  } else {
    const multi = columns.includes('labels');
    const listed = records.map(({ row, cells }) => {
      const value = cells.get(multi ? 'labels' : 'label');
      if (value === undefined || value === '')
        throw new ImageManifestError(manifest, row, `has no ${multi ? 'labels' : 'label'}`);
      const list = Array.isArray(value)
        ? value
        : multi && typeof value === 'string'
          ? value.split('|')
          : [value];
      return { row, values: list.map((v) => String(v).trim()).filter((v) => v !== '') };
    });
    const all = listed.flatMap((l) => l.values);
    const byIndex = names === undefined && all.every((v) => /^\d+$/.test(v));
    names ??= byIndex ? undefined : [...new Set(all)].sort();
    const indexOf = (value: string, row: number): number => {
      const named = names?.indexOf(value) ?? -1;
      if (named >= 0) return named;
      if (/^\d+$/.test(value)) return Number(value);
      throw new ImageManifestError(
        manifest,
        row,
        `label ${JSON.stringify(value)} is neither a class name (${JSON.stringify(names)}) nor an index`,
      );
    };
    if (multi) {
      defaultTask = 'multi-label, binary-class';
      const indices = listed.map(({ row, values }) => values.map((v) => indexOf(v, row)));
      const width = names?.length ?? Math.max(0, ...indices.flat()) + 1;
      matrix = indices.map((list) => Array.from({ length: width }, (_, l) => (list.includes(l) ? 1 : 0)));
    } else {
      matrix = listed.map(({ row, values }) => [indexOf(values[0] as string, row)]);
    }
  }
  const labels: LabelMatrix = {
    split: 'all rows',
    rows: matrix.length,
    columns: matrix[0]?.length ?? 1,
    values: matrix.flat(),
  };
  const task = args.task ?? defaultTask;
  const resolved = resolveLabelTask({
    source: manifest,
    labels: [labels],
    ...(task === undefined ? {} : { task }),
    ...(names === undefined ? {} : { classNames: names }),
    maxClasses: MAX_CLASSES,
  });
  return { labelRows: matrix, task: resolved.task, classNames: resolved.classNames };
}

/** A text cell (numbers and booleans as text); lists are refused. */
function text(cells: Record_, column: string, manifest: string, row: number): string | undefined {
  const value = cells.get(column);
  if (value === undefined) return undefined;
  if (typeof value === 'object')
    throw new ImageManifestError(manifest, row, `${column} is a list; expected one value`);
  const out = String(value).trim();
  return out === '' ? undefined : out;
}

/** The manifest's records by row number, CSV or JSON Lines by extension. */
function parseManifest(content: string, manifest: string): { row: number; cells: Record_ }[] {
  if (/\.csv$/i.test(manifest)) return parseCsvRecords(content, manifest);
  if (/\.(jsonl|ndjson)$/i.test(manifest)) return parseJsonLines(content, manifest);
  throw new ImageManifestError(
    manifest,
    undefined,
    'is neither .csv nor .jsonl; accepted: .csv (with a header row), .jsonl, .ndjson',
  );
}

function parseJsonLines(content: string, manifest: string): { row: number; cells: Record_ }[] {
  const records: { row: number; cells: Record_ }[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ImageManifestError(manifest, i + 1, `is not JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ImageManifestError(manifest, i + 1, 'is not a JSON object');
    }
    const cells: Record_ = new Map();
    for (const [column, cell] of Object.entries(value)) {
      if (cell === null) continue;
      const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (!(
        scalar(cell) ||
        (Array.isArray(cell) && cell.every((v) => typeof v === 'string' || typeof v === 'number'))
      )) {
        throw new ImageManifestError(
          manifest,
          i + 1,
          `${column} is ${JSON.stringify(cell)}; expected a string, number, boolean or list`,
        );
      }
      cells.set(column, cell as Cell);
    }
    records.push({ row: i + 1, cells });
  });
  return records;
}

/** RFC 4180 CSV: a header row, commas, double-quoted fields with "" for a quote, LF or CRLF line ends. */
function parseCsvRecords(content: string, manifest: string): { row: number; cells: Record_ }[] {
  const rows = parseCsv(content, manifest);
  const [header, ...data] = rows;
  if (!header) return [];
  const columns = header.map((h) => h.trim());
  const repeated = columns.find((c, i) => columns.indexOf(c) !== i);
  if (repeated !== undefined)
    throw new ImageManifestError(manifest, undefined, `the header names column ${repeated} twice`);
  return data
    .map((fields, i) => ({ fields, row: i + 1 }))
    .filter(({ fields }) => !(fields.length === 1 && fields[0] === ''))
    .map(({ fields, row }) => {
      if (fields.length !== columns.length) {
        throw new ImageManifestError(
          manifest,
          row,
          `has ${fields.length} fields; the header has ${columns.length}`,
        );
      }
      const cells: Record_ = new Map();
      fields.forEach((field, c) => {
        if (field !== '') cells.set(columns[c] as string, field);
      });
      return { row, cells };
    });
}

function parseCsv(content: string, manifest: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = content.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < content.length; i++) {
    const c = content[i];
    if (quoted) {
      if (c === '"' && content[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      [row, field] = [[], ''];
    } else field += c;
  }
  if (quoted) throw new ImageManifestError(manifest, rows.length, 'has a quoted field that is never closed');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
