// Datasets as first-class records, on the real stack: MedMNIST-layout files of every task type (binary,
// 5-class RGB, ordinal, 14-label multi-label, 64 px) are imported and registered with their reports,
// each trains one short trial through the platform (control and train workers on Temporal, S3,
// Postgres), and its stored test metrics equal scikit-learn's on its stored predictions. A manifest with
// one patient in train and test is reported by `data inspect`, refused at submission, and with
// `allowLeakage` trains with the reason in lineage and the audit log. Bad input registers nothing.
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionsFromConfig, LeakyDatasetError, submitSweep } from '@medsweep/api';
import type { Connections, SweepServiceDeps } from '@medsweep/api';
import { importDataset } from '@medsweep/cli';
import type { CliContext } from '@medsweep/cli';
import { loadConfig } from '@medsweep/config';
import { LabelShapeMismatchError, parseSweepSpec, Rng, UnknownTaskError } from '@medsweep/core';
import type { SweepSpecInput } from '@medsweep/core';
import { ensureProject, verifyTrialLineage } from '@medsweep/db';
import type { BackendInfo, DatasetImportArgs } from '@medsweep/ml';
import {
  DuplicateImagePathError,
  EmptySplitError,
  encodePng,
  ManifestImageMissingError,
  selectBackend,
  UnreadableImageError,
} from '@medsweep/ml';
import { npz } from '@medsweep/ml/test-support';
import { createTrainActivities, createWorker, verifyTrial } from '@medsweep/worker';
import type { RunningWorker } from '@medsweep/worker';
import { sweepWorkflowId, TASK_QUEUES } from '@medsweep/workflows';

const config = loadConfig();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const project = `datasets-${randomUUID().slice(0, 8)}`;
/** Its own train queue: no other train worker on the stack picks these trials up. */
const TRAIN_QUEUE = 'train-datasets';
const python = join(config.cacheDir, 'venv', 'bin', 'python');
const hasSklearn =
  existsSync(python) && spawnSync(python, ['-c', 'import sklearn, numpy'], { timeout: 60_000 }).status === 0;

let connections: Connections;
let ctx: CliContext;
let deps: SweepServiceDeps;
let connection: Connection;
let backend: BackendInfo;
let scratch: string;
const workers: RunningWorker[] = [];
let running: Promise<void>[] = [];

beforeAll(async () => {
  backend = await selectBackend();
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-datasets-test-'));
  const { close: _close, ...opened } = (connections = connectionsFromConfig(config));
  ctx = { config, ...opened, actor: 'test:datasets' };
  connection = await Connection.connect({ address: config.temporal.address });
  deps = { db: ctx.db, temporal: new Client({ connection, namespace: config.temporal.namespace }) };
  await ensureProject(ctx.db, project);
  workers.push(await createWorker({ config, queue: TASK_QUEUES.control, concurrency: 10 }));
  workers.push(
    await createWorker({
      config,
      queue: TRAIN_QUEUE,
      concurrency: 1,
      backend: backend.name,
      trainer: ({ store, db, identity }) =>
        createTrainActivities({ store, db, identity, backend, cacheDir: join(scratch, 'worker-cache') }),
    }),
  );
  running = workers.map((w) => w.worker.run());
}, 180_000);

afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.allSettled(running);
  await Promise.allSettled(workers.map((w) => w.close()));
  await connection?.close();
  await connections?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 120_000);

// ─── Generated sources ──────────────────────────────────────────────────────────────────────────────

const rng = Rng.fromSeed(15);
/** Random pixels (no two images alike, so no near-duplicates), brighter for higher labels. */
function pixels(count: number, size: number, channels: 1 | 3, labelOf: (i: number) => number): Uint8Array {
  const per = size * size * channels;
  const out = new Uint8Array(count * per);
  for (let i = 0; i < count; i++) {
    const shift = 20 * labelOf(i);
    for (let p = 0; p < per; p++) out[i * per + p] = Math.min(255, Math.floor(rng.nextFloat() * 200) + shift);
  }
  return out;
}

type Rows = number[][];
const counts = { train: 40, val: 20, test: 20 };

/** A MedMNIST-layout .npz: <split>_images (N, H, W[, 3]) and <split>_labels (N, L), uint8. */
async function medmnistFile(
  file: string,
  size: number,
  channels: 1 | 3,
  labels: (count: number) => Rows,
): Promise<string> {
  const arrays: Parameters<typeof npz>[0] = {};
  for (const [split, count] of Object.entries(counts)) {
    const rows = labels(count);
    arrays[`${split}_images`] = {
      descr: '|u1',
      shape: channels === 1 ? [count, size, size] : [count, size, size, 3],
      values: pixels(count, size, channels, (i) => rows[i]!.indexOf(Math.max(...rows[i]!))),
    };
    arrays[`${split}_labels`] = { descr: '|u1', shape: [count, rows[0]!.length], values: rows.flat() };
  }
  const path = join(scratch, file);
  await writeFile(path, npz(arrays));
  return path;
}

const cycling = (classes: number) => (count: number) =>
  Array.from({ length: count }, (_, i) => [i % classes]);
/** Row i positive for labels i mod L and (i + 3) mod L: every label positive and negative in every split. */
const twoOf = (labels: number) => (count: number) =>
  Array.from({ length: count }, (_, i) =>
    Array.from({ length: labels }, (_, l) => (l === i % labels || l === (i + 3) % labels ? 1 : 0)),
  );

/** A folder with PNGs and `manifest.csv` (header + rows); returns the manifest's path. */
async function manifestFolder(
  name: string,
  csv: string[],
  images: Record<string, Uint8Array>,
): Promise<string> {
  const folder = join(scratch, name);
  await mkdir(join(folder, 'img'), { recursive: true });
  for (const [path, bytes] of Object.entries(images)) await writeFile(join(folder, path), bytes);
  await writeFile(join(folder, 'manifest.csv'), `${csv.join('\n')}\n`);
  return join(folder, 'manifest.csv');
}

const png = (i: number) =>
  encodePng(
    pixels(1, 28, 1, () => i % 2),
    28,
    28,
    1,
  );
const loadTf = async () => backend.tf;
const source = (path: string, more: Partial<DatasetImportArgs> = {}): DatasetImportArgs => ({
  path,
  loadTf,
  ...more,
});

// ─── Sweeps ─────────────────────────────────────────────────────────────────────────────────────────

function spec(name: string, dataset: SweepSpecInput['dataset'], inputSize = 32): SweepSpecInput {
  return {
    name,
    project,
    dataset,
    architectures: ['vgg16'],
    arms: ['scratch'],
    model: { inputSize, widthMultiplier: 0.0625 },
    search: {
      strategy: 'grid',
      space: { lr: { type: 'choice', values: [0.003] }, batchSize: { type: 'choice', values: [16] } },
    },
    seeds: [0],
    budget: { maxTrials: 1, maxParallel: 1, maxEpochs: 1 },
    training: { classWeights: 'balanced' },
    resources: { queue: TRAIN_QUEUE, gpus: 0 },
  };
}

/** Submits the sweep, waits for it, and returns its one trial with metrics, artifacts and lineage. */
async function trainOne(input: SweepSpecInput) {
  const { sweepId } = await submitSweep(deps, parseSweepSpec(input), 'test:datasets');
  await deps.temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result();
  const trial = await ctx.db.trial.findFirstOrThrow({
    where: { sweepId },
    include: { finalMetrics: true, artifacts: true, lineage: true },
  });
  return { sweepId, trial };
}

/** Test AUC and ACC as MedMNIST's evaluator defines them, computed by scikit-learn from the predictions document. */
function sklearnMetrics(document: Uint8Array): { auc: number; acc: number } {
  const script = `
import json, sys
import numpy as np
from sklearn.metrics import accuracy_score, roc_auc_score
doc = json.load(sys.stdin)
task, s = doc["task"], doc["splits"]["test"]
n, k = s["count"], s["numColumns"]
y = np.array(s["labels"])
p = np.array(s["scores"], dtype=np.float64).reshape(n, k)
if task == "multi-label, binary-class":
    y = y.reshape(n, k)
    auc = np.mean([roc_auc_score(y[:, i], p[:, i]) for i in range(k)])
    acc = np.mean([accuracy_score(y[:, i], p[:, i] > 0.5) for i in range(k)])
elif task == "binary-class":
    auc = roc_auc_score(y, p[:, -1])
    acc = accuracy_score(y, p[:, -1] > 0.5)
else:
    auc = np.mean([roc_auc_score(y == i, p[:, i]) for i in range(k)])
    acc = accuracy_score(y, np.argmax(p, axis=1))
print(json.dumps({"auc": float(auc), "acc": float(acc)}))
`;
  const run = spawnSync(python, ['-c', script], { input: document, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`scikit-learn reference failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { auc: number; acc: number };
}

// ─── Tests ──────────────────────────────────────────────────────────────────────────────────────────

describe('every task type: import, one trial through the platform, metrics equal to scikit-learn', () => {
  const cases = [
    { name: 'binary', file: 'binary.npz', size: 28, channels: 1, labels: cycling(2), task: 'binary-class' },
    {
      name: 'five-rgb',
      file: 'five-rgb.npz',
      size: 28,
      channels: 3,
      labels: cycling(5),
      task: 'multi-class',
    },
    // Known by name: RetinaMNIST is MedMNIST's ordinal regression task (5 grades, RGB).
    {
      name: 'retina',
      file: 'retinamnist.npz',
      size: 28,
      channels: 3,
      labels: cycling(5),
      task: 'ordinal-regression',
    },
    // ChestMNIST: 14 labels of 0/1 per image.
    {
      name: 'chest',
      file: 'chestmnist.npz',
      size: 28,
      channels: 1,
      labels: twoOf(14),
      task: 'multi-label, binary-class',
    },
    // MedMNIST+ sizes are known by their suffix; trained at 64 px.
    {
      name: 'pneumonia-64',
      file: 'pneumoniamnist_64.npz',
      size: 64,
      channels: 1,
      labels: cycling(2),
      task: 'binary-class',
      inputSize: 64,
    },
  ] as const;

  it.each(cases)(
    '$name ($task)',
    async ({ name, file, size, channels, labels, task, ...rest }) => {
      const path = await medmnistFile(file, size, channels, labels);
      const imported = await importDataset(ctx, { name, project, source: source(path) });
      expect(imported).toMatchObject({ created: true, task, leaky: false });
      const row = await ctx.db.dataset.findUniqueOrThrow({ where: { id: imported.datasetId } });
      expect(row.splitAssignmentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.report).toMatchObject({ task, splits: { train: { count: counts.train } } });
      expect((row.previews as unknown[]).length).toBeGreaterThan(0);

      const { trial } = await trainOne(
        spec(`${name} trial`, name, 'inputSize' in rest ? rest.inputSize : 32),
      );
      expect(trial.status, trial.error ?? '').toBe('completed');
      expect(trial.lineage).toMatchObject({
        datasetManifestHash: imported.contentHash,
        splitAssignmentHash: row.splitAssignmentHash,
        leakageAcknowledgement: null,
      });
      expect(await verifyTrialLineage(ctx.db, trial.id)).toMatchObject({ ok: true });
      const metric = (n: string) => trial.finalMetrics.find((m) => m.split === 'test' && m.name === n)?.value;
      const predictions = trial.artifacts.find((a) => a.kind === 'predictions')!;
      const document = await ctx.objectStore.get(ctx.objectStore.keyOf(predictions.uri), predictions.sha256);
      const stored = JSON.parse(new TextDecoder().decode(document)) as { task: string };
      expect(stored.task).toBe(task);
      // Multi-label trials get no confusion matrix: their samples have no single class.
      expect(trial.artifacts.some((a) => a.kind === 'confusion')).toBe(task !== 'multi-label, binary-class');
      if (hasSklearn) {
        const reference = sklearnMetrics(document);
        expect(metric('auc')).toBeCloseTo(reference.auc, 12);
        expect(metric('acc')).toBeCloseTo(reference.acc, 12);
      }
    },
    300_000,
  );
});

describe('a manifest with one patient in train and test', () => {
  const reason = 'pilot run: the shared patient is a phantom scanned twice';
  let manifest: string;

  beforeAll(async () => {
    const images: Record<string, Uint8Array> = {};
    const rows = ['path,label,split,patient_id'];
    const splits = [
      ...Array(18).fill('train'),
      ...Array(6).fill('val'),
      ...Array(6).fill('test'),
    ] as string[];
    splits.forEach((split, i) => {
      images[`img/${i}.png`] = png(i);
      // Patient p-shared has an image in train (row 1) and one in test (the last row).
      const patient = i === 0 || i === splits.length - 1 ? 'p-shared' : `p${i}`;
      rows.push(`img/${i}.png,${i % 2 ? 'malignant' : 'benign'},${split},${patient}`);
    });
    manifest = await manifestFolder('leaky', rows, images);
  });

  it('data inspect reports it', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--conditions=@medsweep/source',
        '--import',
        'tsx',
        'apps/cli/src/main.ts',
        'data',
        'inspect',
        manifest,
        '--json',
      ],
      { cwd: ROOT, timeout: 180_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(report).toMatchObject({
      leakage: {
        patientsInSeveralSplits: 1,
        leaky: true,
        patients: [{ id: 'p-shared', samples: { train: 1, test: 1 } }],
      },
      splitAssignment: { method: 'given' },
    });
  }, 200_000);

  it('is refused at submission naming the patient count and the spec field; with allowLeakage it trains, the reason in lineage and audit', async () => {
    const imported = await importDataset(ctx, { name: 'leaky', project, source: source(manifest) });
    expect(imported).toMatchObject({ leaky: true, leakage: { patientsInSeveralSplits: 1 } });

    const refusal = await submitSweep(deps, parseSweepSpec(spec('refused', 'leaky')), 'test:datasets').catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(LeakyDatasetError);
    expect((refusal as Error).message).toContain('1 patient(s)');
    expect((refusal as Error).message).toContain('dataset: { name: leaky, allowLeakage: "<reason>" }');

    const { sweepId, trial } = await trainOne(spec('acknowledged', { name: 'leaky', allowLeakage: reason }));
    expect(trial.status, trial.error ?? '').toBe('completed');
    expect(trial.lineage).toMatchObject({
      leakageAcknowledgement: reason,
      splitAssignmentHash: imported.splitAssignmentHash,
    });
    const submit = await ctx.db.auditEvent.findFirstOrThrow({
      where: { subjectId: sweepId, action: 'sweep.submit' },
    });
    expect(submit.payload).toMatchObject({
      leakageAcknowledgement: {
        reason,
        datasetId: imported.datasetId,
        counts: { patientsInSeveralSplits: 1 },
      },
    });
    // `medsweep verify` recomputes the split assignment from the stored samples tables and the reason from the spec.
    const verification = await verifyTrial({ db: ctx.db, store: ctx.objectStore, backend }, trial.id);
    const status = (link: string) => verification.links.find((l) => l.link === link)?.status;
    expect(verification.ok).toBe(true);
    expect([status('splitAssignmentHash'), status('leakageAcknowledgement')]).toEqual(['ok', 'ok']);
  }, 300_000);
});

describe('bad input registers nothing', () => {
  const registered = async () => ({
    datasets: await ctx.db.dataset.count({ where: { project: { slug: project } } }),
    events: await ctx.db.auditEvent.count({ where: { action: 'dataset.import' } }),
  });

  it.each([
    [
      'an unknown task',
      async () => source(await medmnistFile('task.npz', 28, 1, cycling(2)), { task: 'segmentation' }),
      UnknownTaskError,
      /unknown task "segmentation"/,
    ],
    [
      'labels that do not fit the task',
      async () =>
        source(await medmnistFile('shape.npz', 28, 1, cycling(2)), { task: 'multi-label, binary-class' }),
      LabelShapeMismatchError,
      /shape\.npz/,
    ],
    [
      'a manifest naming a missing file',
      async () =>
        source(
          await manifestFolder('missing', ['path,label', 'img/a.png,x', 'img/b.png,y'], {
            'img/a.png': png(0),
          }),
        ),
      ManifestImageMissingError,
      /manifest\.csv, row 2: image img\/b\.png does not exist/,
    ],
    [
      'an unreadable image',
      async () =>
        source(
          await manifestFolder('unreadable', ['path,label', 'img/a.png,x', 'img/b.png,y'], {
            'img/a.png': png(0),
            'img/b.png': new TextEncoder().encode('not a png'),
          }),
        ),
      UnreadableImageError,
      /b\.png \(manifest row 2\): cannot decode image/,
    ],
    [
      'a path listed twice',
      async () =>
        source(
          await manifestFolder('twice', ['path,label', 'img/a.png,x', 'img/b.png,y', 'img/a.png,y'], {
            'img/a.png': png(0),
            'img/b.png': png(1),
          }),
        ),
      DuplicateImagePathError,
      /manifest\.csv, row 3: image img\/a\.png is already listed in row 1/,
    ],
    [
      'an empty split',
      async () =>
        source(
          await manifestFolder(
            'empty',
            ['path,label,split', 'img/a.png,x,train', 'img/b.png,y,train', 'img/c.png,x,val'],
            {
              'img/a.png': png(0),
              'img/b.png': png(1),
              'img/c.png': png(2),
            },
          ),
        ),
      EmptySplitError,
      /the test split has no samples/,
    ],
  ] as const)(
    '%s',
    async (_what, make, errorClass, message) => {
      const before = await registered();
      const args = await make();
      const failure = await importDataset(ctx, { name: 'bad', project, source: args }).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(errorClass);
      expect((failure as Error).message).toMatch(message);
      expect(await registered()).toEqual(before);
    },
    120_000,
  );
});
