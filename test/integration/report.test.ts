// Evaluation panels and the auditor's report end to end, on the real stack in a database and Temporal
// namespace of their own: a demo-like sweep (tiny VGG16s, calibrated by temperature scaling) trains for
// real on a BreastMNIST dataset whose samples carry a generated `sex` attribute; its chosen trial gets
// the real robustness panel (every MedMNIST-C corruption of BreastMNIST at five severities), external
// validation on the official BreastMNIST import and subgroups by sex, each through the API's service,
// the evaluation workflow and a train worker; then `medsweep report --checklist tripod-ai` writes the
// report, and every value a filled item states is checked against the record it cites, read
// independently from the database and the object store.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  createApiToken,
  createUser,
  evaluationState,
  reportFacts,
  requestEvaluation,
  sweepReport,
  submitSweep,
} from '@medsweep/api';
import type { EvaluationAsk } from '@medsweep/api';
import { configFromEnv, repoRoot } from '@medsweep/config';
import {
  assembleModelCard,
  calibrationEffect,
  CHECKLISTS,
  duplicateReport,
  leakageReport,
  parsePredictionsDocument,
  parseSweepSpec,
  readEvaluationResult,
  testSetMetrics,
  valueAt,
} from '@medsweep/core';
import type { Citation, Report, SampleRecord } from '@medsweep/core';
import {
  applyMigrations,
  createPrismaClient,
  ensureProject,
  latestArtifact,
  leaderboard,
} from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { throwawayDatabases } from '@medsweep/db/test-support';
import { MEDMNIST_DATASETS, readMedmnistDraft, selectBackend } from '@medsweep/ml';
import type { BackendInfo, DatasetDraft } from '@medsweep/ml';
import { decodeManifest, decodeSampleTable, manifestBlobName, shardBlobName } from '@medsweep/core/records';
import { ObjectStore } from '@medsweep/storage';
import { createEvaluationActivities, createTrainActivities, createWorker } from '@medsweep/worker';
import type { RunningWorker } from '@medsweep/worker';
import { sweepWorkflowId, TASK_QUEUES } from '@medsweep/workflows';
import { Client, Connection } from '@temporalio/client';
import { startApiServer } from '../bench/support/api-server.js';
import { ensureNamespace } from '../browser/support/world.js';
import { breastWithSex } from './support/breast-with-sex.js';
import { registerDraft } from './support/register-draft.js';

const NAMESPACE = 'medsweep-report-test';
const PROJECT = 'report-test';
const databases = throwawayDatabases();
const databaseUrl = databases.next();
const env = { DATABASE_URL: databaseUrl, TEMPORAL_NAMESPACE: NAMESPACE };
const config = configFromEnv({ ...process.env, ...env });
const store = new ObjectStore(config.s3);
const BREAST_NPZ = join(config.dataDir, 'medmnist', 'breastmnist.npz');

let db: Db;
let backend: BackendInfo;
let connection: Connection;
let temporal: Client;
const workers: RunningWorker[] = [];
let running: Promise<void>[] = [];
let sweepId: string;
let chosenTrialId: string;
let officialId: string;
let scratch: string;

const register = (name: string, draft: DatasetDraft) =>
  registerDraft(db, store, {
    project: PROJECT,
    name,
    draft,
    source: 'MedMNIST v2 BreastMNIST',
    actor: 'system:test',
  });

const deps = () => ({ db, objectStore: store, temporal: async () => temporal });

/**
 * The API over this test's database and a viewer's token of the project: `medsweep report` is an API
 * client. Returns the CLI's environment and the server's stop.
 */
async function apiForCli(): Promise<{ cliEnv: Record<string, string>; stop: () => Promise<void> }> {
  const server = await startApiServer(config);
  const project = await ensureProject(db, PROJECT);
  const actor = 'system:report-test';
  const user = await createUser(db, {
    email: 'reader@report.test',
    password: 'report-test-password',
    actor,
    memberships: [{ projectId: project.id, role: 'viewer' }],
  });
  const { secret } = await createApiToken(db, {
    userId: user.id,
    projectId: project.id,
    projectSlug: PROJECT,
    role: 'viewer',
    name: 'report-test',
    expiresAt: null,
    actor,
  });
  return { cliEnv: { MEDSWEEP_SERVER: server.url, MEDSWEEP_TOKEN: secret }, stop: () => server.stop() };
}

async function evaluate(ask: EvaluationAsk): Promise<void> {
  await requestEvaluation(deps(), chosenTrialId, ask, 'system:report-test');
  for (;;) {
    const state = await evaluationState(deps(), chosenTrialId, ask);
    if (state.state === 'recorded') return;
    if (state.state === 'failed') throw new Error(state.error);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  await applyMigrations(databaseUrl);
  db = createPrismaClient(databaseUrl);
  backend = await selectBackend();
  await store.ensureBucket();
  await ensureNamespace(config.temporal.address, NAMESPACE);
  connection = await Connection.connect({ address: config.temporal.address });
  temporal = new Client({ connection, namespace: NAMESPACE });
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-report-test-'));
  await register('breastmnist', await breastWithSex(BREAST_NPZ));
  officialId = (
    await register(
      'breastmnist-official',
      await readMedmnistDraft({ path: BREAST_NPZ, ...MEDMNIST_DATASETS.breastmnist }),
    )
  ).id;

  workers.push(await createWorker({ config, queue: TASK_QUEUES.control, concurrency: 10 }));
  workers.push(
    await createWorker({
      config,
      queue: TASK_QUEUES.train,
      concurrency: 2,
      backend: backend.name,
      trainer: ({ store: s, db: d, identity }) =>
        createTrainActivities({ store: s, db: d, identity, backend, cacheDir: config.cacheDir }),
      evaluator: ({ store: s }) =>
        createEvaluationActivities({ store: s, backend, cacheDir: config.cacheDir }),
    }),
  );
  running = workers.map((w) => w.worker.run());

  // The demo's recipe at its smallest: one architecture, two learning rates, two seeds, calibrated.
  const spec = parseSweepSpec({
    name: 'report test: breastmnist',
    project: PROJECT,
    dataset: 'breastmnist',
    architectures: ['vgg16'],
    model: { inputSize: 32, widthMultiplier: 0.125 },
    arms: ['scratch'],
    search: {
      strategy: 'grid',
      space: { lr: { type: 'choice', values: [0.001, 0.003] }, batchSize: { type: 'choice', values: [32] } },
    },
    seeds: [0, 1],
    budget: { maxTrials: 4, maxParallel: 2, maxEpochs: 3 },
    training: { classWeights: 'balanced' },
    evaluation: { calibration: 'temperature' },
  });
  ({ sweepId } = await submitSweep({ db, temporal }, spec, 'system:report-test'));
  const summary = await temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result();
  expect(summary.counts.completed).toBe(4);
  const board = await leaderboard(db, {
    scope: { sweepId },
    metric: { split: 'val', name: 'auc' },
    limit: 10,
  });
  chosenTrialId = board.entries[0]!.best.trialId;
  await evaluate({ kind: 'robustness', seed: 0 });
  await evaluate({ kind: 'external', datasetId: officialId });
  await evaluate({ kind: 'subgroups', attribute: 'sex' });
}, 900_000);

afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.allSettled(running);
  await Promise.allSettled(workers.map((w) => w.close()));
  await connection?.close();
  await db?.$disconnect();
  await databases.dropAll();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The records the report cites, read here from the database and the object store, not from its facts. */
async function citedRecords(): Promise<(kind: Citation['recordKind'], id: string) => unknown> {
  const trial = await db.trial.findUniqueOrThrow({
    where: { id: chosenTrialId },
    include: { dataset: true },
  });
  const dataset = trial.dataset;
  const manifestKey = store.keyOf(dataset.manifestUri);
  const manifest = decodeManifest(await store.get(manifestKey, dataset.contentHash), dataset.contentHash);
  const folder = manifestKey.slice(0, -manifestBlobName(dataset.contentHash).length);
  const records: SampleRecord[] = [];
  for (const split of ['train', 'val', 'test'] as const) {
    const ref = manifest.splits[split].samples!;
    const rows = decodeSampleTable(
      await store.get(`${folder}${shardBlobName(ref.sha256)}`, ref.sha256),
      manifest.splits[split].count,
      dataset.contentHash,
      split,
    );
    records.push(...rows.map((r) => ({ ...r, split, labels: [] })));
  }
  const duplicates = duplicateReport(records, { maxListed: 0 });
  const lineage = await db.lineage.findUniqueOrThrow({ where: { trialId: chosenTrialId } });
  const sweep = await db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
  const board = await leaderboard(db, {
    scope: { sweepId },
    metric: { split: 'val', name: 'auc' },
    limit: 500,
  });
  const artifact = (await latestArtifact(db, chosenTrialId, 'predictions'))!;
  const predictions = parsePredictionsDocument(
    await store.get(store.keyOf(artifact.uri), artifact.sha256),
    artifact.uri,
  );
  const calibration = calibrationEffect(predictions, 'binary-class', 'test');
  const evaluations = await db.evaluation.findMany({ where: { trialId: chosenTrialId } });
  const trainEpochs = await db.epochMetric.count({
    where: { trialId: chosenTrialId, split: 'train', name: 'loss' },
  });
  const provenance = evaluations[0]!.provenance as {
    model: { parameters: number; input: Record<string, unknown> };
  };
  const byKind = {
    dataset: {
      id: dataset.contentHash,
      name: dataset.name,
      citation: manifest.source.citation ?? null,
      licence: manifest.source.licence ?? dataset.licence,
      task: manifest.task,
      classNames: manifest.classNames,
      positiveClass: 1,
      image: manifest.image,
      splits: Object.fromEntries(
        (['train', 'val', 'test'] as const).map((s) => [
          s,
          { count: manifest.splits[s].count, perClass: manifest.splits[s].labelHistogram },
        ]),
      ),
      independence: {
        level: leakageReport(records).patients.samplesWithId > 0 ? 'patient' : 'image',
        duplicatesAcrossSplits: duplicates.exact.crossSplit + duplicates.near.crossSplit,
        acknowledgedLeakage: null,
      },
      attributes: ['sex'],
    },
    sweep: {
      id: sweep.id,
      name: sweep.name,
      specHash: sweep.specHash,
      spec: parseSweepSpec(sweep.spec),
      trialsRun: await db.trial.count({ where: { sweepId } }),
    },
    selection: {
      id: board.entries[0]!.groupKey,
      metric: 'val_auc',
      goal: 'maximize',
      candidates: board.totalConfigurations,
      entry: board.entries[0],
    },
    trial: {
      id: trial.id,
      seed: trial.seed,
      epochsTrained: trainEpochs,
      config: trial.config,
      input: { interpolation: 'bilinear', ...provenance.model.input },
      parameters: provenance.model.parameters,
    },
    lineage: { ...lineage, id: lineage.recordHash },
    testMetrics: {
      id: `${chosenTrialId}/test`,
      datasetName: dataset.name,
      datasetHash: dataset.contentHash,
      split: 'test',
      threshold: 0.5,
      result: testSetMetrics(predictions.test.labels, predictions.test.scores, 'binary-class', {
        threshold: 0.5,
      }),
    },
    calibration:
      calibration && 'temperature' in calibration
        ? { id: `${chosenTrialId}/calibration`, bins: 15, ...calibration }
        : undefined,
    calibrationRefused:
      calibration && 'refused' in calibration
        ? { id: `${chosenTrialId}/calibration`, reason: calibration.refused }
        : undefined,
  };
  return (kind, id) => {
    const stored = evaluations.find((e) => e.id === id);
    if (stored) {
      const result = readEvaluationResult(stored.result, id);
      if (result.kind === 'robustness')
        return { id, source: result.source, seed: result.seed, rows: result.rows };
      if (result.kind === 'subgroups') return { id, attribute: result.attribute, report: result.report };
      return {
        id,
        datasetName: result.dataset.name,
        datasetHash: result.dataset.manifestSha256,
        split: 'test',
        threshold: result.threshold,
        result: result.result,
      };
    }
    return byKind[kind as keyof typeof byKind];
  };
}

/** Fields whose value is a sentence made from records, not a record's value: checked by what they name. */
const DESCRIPTIVE = new Set(['dataset.source', 'dataset.splitMethod', 'testMetrics.thresholdRule']);

function checkCitations(
  report: Report,
  recordOf: (kind: Citation['recordKind'], id: string) => unknown,
): number {
  let checked = 0;
  for (const item of report.items.filter((i) => i.status === 'filled')) {
    expect(item.citations.length, `item ${item.id} is filled but cites nothing`).toBeGreaterThan(0);
    for (const c of item.citations) {
      if (
        DESCRIPTIVE.has(`${c.recordKind}.${c.field}`) ||
        c.field.endsWith('.reason') ||
        c.field.endsWith('.note')
      )
        continue;
      const expected = valueAt(recordOf(c.recordKind, c.recordId), c.field);
      expect(c.value, `item ${item.id} cites ${c.recordKind} ${c.recordId} ${c.field}`).toEqual(
        JSON.parse(JSON.stringify(expected)),
      );
      checked++;
    }
  }
  return checked;
}

describe('evaluation panels and the report', () => {
  it('records the real robustness panel, external validation and subgroups of the chosen trial', async () => {
    const rows = await db.evaluation.findMany({
      where: { trialId: chosenTrialId },
      orderBy: { kind: 'asc' },
    });
    expect(rows.map((r) => r.kind).sort()).toEqual(['external', 'robustness', 'subgroups']);
    const robustness = readEvaluationResult(rows.find((r) => r.kind === 'robustness')!.result, 'robustness');
    expect(robustness.kind === 'robustness' && robustness.rows.length).toBe(7 * 5);
    const external = readEvaluationResult(rows.find((r) => r.kind === 'external')!.result, 'external');
    expect(external).toMatchObject({ kind: 'external', dataset: { name: 'breastmnist-official' } });
    const subgroups = readEvaluationResult(rows.find((r) => r.kind === 'subgroups')!.result, 'subgroups');
    expect(subgroups.kind === 'subgroups' && subgroups.report.groups.map((g) => g.value)).toEqual(['F', 'M']);
    expect(subgroups.kind === 'subgroups' && subgroups.report.groups[0]!.metrics.auc.outcome).toBe(
      'interval',
    );
    // Asking again records nothing new.
    await evaluate({ kind: 'robustness', seed: 0 });
    expect(await db.evaluation.count({ where: { trialId: chosenTrialId } })).toBe(3);
  });

  it('states in every filled TRIPOD+AI, CLAIM and model-card item only values equal to the records it cites', async () => {
    const { assembled } = await sweepReport({ db, objectStore: store }, sweepId, 'tripod-ai', 'markdown');
    const allFacts = await reportFacts({ db, objectStore: store }, sweepId);
    const recordOf = await citedRecords();
    // The two descriptive facts name what they describe.
    const dataset = await db.dataset.findFirstOrThrow({ where: { name: 'breastmnist' } });
    const manifest = decodeManifest(await store.get(store.keyOf(dataset.manifestUri)), dataset.contentHash);
    expect(allFacts.dataset.source).toContain(manifest.source.sha256);
    expect(allFacts.dataset.splitMethod).toBe('the official splits of the source');
    // Calibrated as the spec asked: the fitted temperature is the report's, or the refusal says why not.
    const artifact = (await latestArtifact(db, chosenTrialId, 'predictions'))!;
    const stored = parsePredictionsDocument(await store.get(store.keyOf(artifact.uri)), artifact.uri);
    expect(stored.calibration?.method).toBe('temperature');
    expect(allFacts.calibration?.temperature).toBe(
      stored.calibration && 'temperature' in stored.calibration ? stored.calibration.temperature : undefined,
    );
    const claim = (await sweepReport({ db, objectStore: store }, sweepId, 'claim', 'markdown')).assembled;
    const checked =
      checkCitations(assembled, recordOf) +
      checkCitations(claim, recordOf) +
      checkCitations(assembleModelCard(allFacts), recordOf);
    expect(checked).toBeGreaterThan(100);
    for (const id of ['14', '23a', '24']) {
      expect(assembled.items.find((i) => i.id === id)?.status, `TRIPOD+AI ${id}`).toBe('filled');
    }
    expect(
      assembled.items.filter((i) => i.status === 'to be supplied by the authors').length,
    ).toBeGreaterThan(0);
    expect(CHECKLISTS['tripod-ai'].items.length).toBe(assembled.items.length);
  });

  it('`medsweep report --checklist tripod-ai --out` writes the report and the model card', async () => {
    const { cliEnv, stop } = await apiForCli();
    onTestFinished(stop);
    // Asynchronously: the API the CLI calls is served by this process.
    const medsweep = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [
          '--conditions=@medsweep/source',
          '--import',
          'tsx',
          join(repoRoot(), 'apps/cli/src/main.ts'),
          ...args,
        ],
        { env: { ...process.env, ...env, ...cliEnv }, encoding: 'utf8', timeout: 120_000 },
      );
    const out = join(scratch, 'tripod.md');
    await medsweep('report', sweepId, '--checklist', 'tripod-ai', '--out', out);
    const report = await readFile(out, 'utf8');
    expect(report).toMatch(/^# TRIPOD\+AI: report test: breastmnist/);
    const card = await readFile(join(scratch, 'tripod.model-card.md'), 'utf8');
    expect(card).toContain('Test metrics under corruption');
    expect(report).toContain('External evaluation on breastmnist');
    expect(report).toContain('breastmnist-official');
    expect(report).toContain('Test metrics per sex');
    expect(card).toMatch(/^# Model card/);
    // The leaderboard alias still prints tables.
    const tables = await medsweep('report', sweepId, '--table', 'paper');
    expect(tables.stdout).toContain('vgg16');
  });
});
