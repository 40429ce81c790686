// A real world for the API tests: a throwaway database, which the API reaches as the application role
// (DATABASE_URL's user: DML only, on audit_events INSERT and SELECT alone) while the test can act as the
// schema's owner; two projects (alpha, beta), one user per role in alpha plus an admin of beta (the
// outsider), each with a session cookie and an API token; alpha's admin is the instance admin and its
// auditor the instance auditor; a dataset (stored in MinIO, with a samples table whose test samples carry a
// `sex` attribute), weights source and completed trials in alpha whose predictions and weights really are
// in MinIO; audit anchors under a prefix of their own in a locked test bucket; and a Temporal client whose
// sweep, evaluation and verification workflows go to a task queue nobody polls (terminated at the end).
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { canonicalJson, finalMetricsHash, predictionsDocument, sha256Hex } from '@medsweep/core';
import type { FinalMetricValue, JsonObject, LineageRecord } from '@medsweep/core';
import { loadConfig } from '@medsweep/config';
import { createPrismaClient, recordFinalResult, upsertTrial } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import type { Project, Role } from '@medsweep/db/types';
import { throwawayDatabases } from '@medsweep/db/test-support';
import { importDatasetTo, writeDataset } from '@medsweep/core/records';
import type { DatasetDraft, ImageSplit } from '@medsweep/core/records';
import type { SampleRow, SplitName } from '@medsweep/core/records';
import {
  AuditAnchorStore,
  bytesBody,
  ObjectBlobStore,
  ObjectStore,
  sendPlannedUpload,
} from '@medsweep/storage';
import { createApiToken } from '../auth/api-tokens.js';
import { SESSION_COOKIE } from '../auth/session.js';
import { createUser } from '../auth/users.js';
import { createCaller } from '../root.js';
import type { ApiDeps } from '../trpc.js';
import { createContext } from '../trpc.js';

/** Every kind of caller the role tests try: the five roles in alpha, and an admin of beta. */
export const WHO = ['viewer', 'member', 'lead', 'auditor', 'admin', 'outsider'] as const;
export type Who = (typeof WHO)[number];
export type Via = 'session' | 'token';

export const PASSWORD = 'correct horse battery staple';

export interface Caller {
  api: ReturnType<typeof createCaller>;
  /** What the call set on the response (cookies). */
  resHeaders: Headers;
}

export interface World {
  /** The API's connection: the application role. */
  db: Db;
  /** The schema owner's URL of the same database (the migrator: can disable triggers, rewrite events). */
  ownerUrl: string;
  deps: ApiDeps;
  store: ObjectStore;
  alpha: Project;
  beta: Project;
  users: Record<Who, { id: string; email: string }>;
  /** `Cookie` header value of a live session per caller. */
  cookies: Record<Who, string>;
  /** API token per caller (alpha, with the caller's role; the outsider's is an admin token of beta). */
  tokens: Record<Who, string>;
  datasetId: string;
  weightsSourceId: string;
  /** A sweep of alpha with two completed trials (real artifacts) and their artifact ids. */
  results: { sweepId: string; trialIds: [string, string]; artifactIds: string[] };
  /**
   * Records another completed vgg16 scratch trial of alpha's dataset in `sweepId`, with predictions and
   * weights in the store (test AUC 0.75 + seed/100, as the results sweep's); returns its id.
   */
  addCompletedTrial(
    sweepId: string,
    trial: { key: string; index: number; config: JsonObject; seed: number },
  ): Promise<string>;
  /** A sweep of beta (for cross-project checks). */
  betaSweepId: string;
  /** A valid spec for alpha, as YAML. */
  specText(name?: string): string;
  /**
   * A caller with the given headers (none: anonymous); `deps` overrides the API's dependencies, and
   * `clientAddress` is the address the sign-in throttle counts the calls by.
   */
  caller(headers?: Record<string, string>, deps?: Partial<ApiDeps>, clientAddress?: string): Promise<Caller>;
  as(who: Who, via: Via): Promise<Caller>;
  anonymous(): Promise<Caller>;
  /** Logs `who` in again and returns the new session's cookie. */
  login(who: Who): Promise<string>;
  close(): Promise<void>;
}

const SECRET = 'api-test-session-secret-0123456789abcdef';

/** `name=value` of the session cookie a response set. */
export function sessionCookieOf(resHeaders: Headers): string {
  const cookie = resHeaders.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (cookie === undefined) throw new Error('no session cookie was set');
  return cookie.split(';')[0]!;
}

/**
 * A small dataset draft: labels alternate 0, 1 (as the world's trials' predictions have them); test
 * samples carry sex F, F, M, M, ...; `seed` makes its source hash (and so its manifest hash) its own.
 */
export function worldDataset(
  seed: string,
  classNames: readonly string[] = ['benign', 'malignant'],
): DatasetDraft {
  const split = (name: string, count: number): ImageSplit => ({
    count,
    height: 4,
    width: 4,
    channels: 1,
    images: Uint8Array.from({ length: count * 16 }, (_, i) => (i * 37 + name.length * 11) % 251),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
  });
  const splits = { train: split('train', 16), val: split('val', 24), test: split('test', 40) };
  const samples = (name: 'train' | 'val' | 'test') =>
    Array.from({ length: splits[name].count }, (_, i) => ({
      key: `${name}/${i}`,
      patientId: `${name}-${i}`,
      ...(name === 'test' ? { attributes: { sex: i % 4 < 2 ? 'F' : 'M' } } : {}),
    }));
  return {
    name: 'breastmnist',
    classNames,
    source: { kind: 'image-manifest', sha256: sha256Hex(`api test images ${seed}`), licence: 'CC BY 4.0' },
    origin: 'api tests',
    splits,
    samples: {
      bySplit: { train: samples('train'), val: samples('val'), test: samples('test') },
      assignment: { method: 'given' },
    },
  };
}

/**
 * Stores a world dataset draft under `prefix` and registers it in the project as `name` (with the
 * draft's splits, as the world's trials expect them); the dataset row.
 */
export async function registerWorldDataset(
  deps: { db: Db; store: ObjectStore },
  args: {
    projectId: string;
    name: string;
    draft: DatasetDraft;
    prefix: string;
    previews?: { classIndex: number; split: SplitName; key: string; uri: string; sha256: string }[];
  },
) {
  const stored = await importDatasetTo(new ObjectBlobStore(deps.store, args.prefix), (sink) =>
    writeDataset({ ...args.draft, name: args.name }, sink),
  );
  return deps.db.dataset.create({
    data: {
      projectId: args.projectId,
      name: args.name,
      contentHash: stored.manifestSha256,
      manifestUri: stored.manifestUri,
      splits: { train: 16, val: 24, test: 40 },
      numClasses: 2,
      task: 'binary-class',
      licence: 'CC BY 4.0',
      source: 'api tests',
      ...(args.previews === undefined ? {} : { previews: args.previews }),
    },
  });
}

/**
 * A draft written as an uploader writes it (into memory: blob name -> bytes), with the dataset id;
 * `rows` replace its sample rows (to make a lying samples table).
 */
export async function draftBlobs(draft: DatasetDraft, rows?: Record<SplitName, SampleRow[]>) {
  const blobs = new Map<string, Uint8Array>();
  const sink = { put: async (name: string, bytes: Uint8Array) => void blobs.set(name, bytes) };
  const { id } = await writeDataset(draft, sink, rows);
  return { id, blobs };
}

/**
 * Imports a dataset through the API as the CLI does: declares the blobs, sends those the plan asks for
 * (straight to the store), then registers; `tamper` changes a blob's bytes on the way.
 */
export async function uploadDataset(
  api: Caller['api'],
  args: { project: string; name: string; id: string; blobs: Map<string, Uint8Array> },
  tamper: (name: string, bytes: Uint8Array) => Uint8Array = (_, bytes) => bytes,
) {
  const declared = [...args.blobs].map(([name, bytes]) => ({
    name,
    sha256: sha256Hex(bytes),
    bytes: bytes.length,
  }));
  const upload = await api.datasets.startUpload({ project: args.project, blobs: declared });
  const bodies = new Map(
    declared.map((d) => [
      d.name,
      { ...bytesBody(tamper(d.name, args.blobs.get(d.name)!)), sha256: d.sha256 },
    ]),
  );
  const blobs = await sendPlannedUpload(upload.blobs, bodies);
  const register = () =>
    api.datasets.register({
      project: args.project,
      name: args.name,
      contentHash: args.id,
      uploadId: upload.uploadId,
      blobs,
      origin: 'api tests',
    });
  return { upload, register };
}

export async function createWorld(): Promise<World> {
  const config = loadConfig();
  const dbs = throwawayDatabases();
  const { ownerUrl, applicationUrl } = await dbs.migrated();
  const db = createPrismaClient(applicationUrl, { maxConnections: 5 });
  const store = new ObjectStore(config.s3);
  await store.ensureBucket();
  const run = randomBytes(6).toString('hex');
  const auditAnchors = new AuditAnchorStore(
    config.s3,
    { bucket: 'medsweep-test-anchors', everyMinutes: 60, mode: 'governance', retentionDays: 1 },
    `runs/${run}/`,
  );
  await auditAnchors.ensureBucket();
  const keys: string[] = [];
  let temporal: Promise<{ connection: Connection; client: Client }> | undefined;
  const connect = () =>
    (temporal ??= Connection.connect({ address: config.temporal.address }).then((connection) => ({
      connection,
      client: new Client({ connection, namespace: config.temporal.namespace }),
    })));
  const deps: ApiDeps = {
    db,
    temporal: async () => (await connect()).client,
    sweepTaskQueue: `api-test-nobody-polls-${run}`,
    objectStore: store,
    session: { secret: SECRET, ttlSeconds: 3600, idleSeconds: 3600, secure: false },
    auditAnchors,
  };

  const alpha = await db.project.create({ data: { slug: 'alpha', name: 'Alpha' } });
  const beta = await db.project.create({ data: { slug: 'beta', name: 'Beta' } });
  const users = {} as World['users'];
  for (const who of WHO) {
    const email = `${who}@example.test`;
    const memberships: { projectId: string; role: Role }[] =
      who === 'outsider' ? [{ projectId: beta.id, role: 'admin' }] : [{ projectId: alpha.id, role: who }];
    const instanceRole = who === 'admin' ? 'admin' : who === 'auditor' ? 'auditor' : null;
    const user = await createUser(db, {
      email,
      password: PASSWORD,
      actor: 'system:test',
      memberships,
      instanceRole,
    });
    users[who] = { id: user.id, email };
  }

  const caller = async (
    headers: Record<string, string> = {},
    overrides: Partial<ApiDeps> = {},
    clientAddress?: string,
  ) => {
    const resHeaders = new Headers();
    const ctx = await createContext(
      { headers: new Headers(headers), resHeaders, ...(clientAddress ? { clientAddress } : {}) },
      { ...deps, ...overrides },
    );
    return { api: createCaller(ctx), resHeaders };
  };
  const login = async (who: Who) => {
    const { api, resHeaders } = await caller();
    await api.auth.login({ email: users[who].email, password: PASSWORD });
    return sessionCookieOf(resHeaders);
  };
  const cookies = {} as World['cookies'];
  const tokens = {} as World['tokens'];
  for (const who of WHO) {
    cookies[who] = await login(who);
    const project = who === 'outsider' ? beta : alpha;
    const role: Role = who === 'outsider' ? 'admin' : who;
    const { secret } = await createApiToken(db, {
      userId: users[who].id,
      projectId: project.id,
      projectSlug: project.slug,
      role,
      name: `${who}-token`,
      expiresAt: null,
      actor: 'system:test',
    });
    tokens[who] = secret;
  }

  // A sample image as the importer stores one (the API passes its bytes on without decoding them).
  const preview = await store.put(
    `api-tests/${run}/preview.png`,
    new TextEncoder().encode('png'),
    'image/png',
  );
  keys.push(preview.key);
  const dataset = await registerWorldDataset(
    { db, store },
    {
      projectId: alpha.id,
      name: 'breastmnist',
      draft: worldDataset(run),
      prefix: `api-tests/${run}/datasets`,
      previews: [{ classIndex: 1, split: 'train', key: 'train/0', uri: preview.uri, sha256: preview.sha256 }],
    },
  );
  const manifestHash = dataset.contentHash;
  const weights = await db.weightsSource.create({
    data: {
      projectId: alpha.id,
      name: 'imagenet/vgg16',
      kind: 'file',
      uri: `s3://${store.bucket}/weights/vgg16.h5`,
      sha256: sha256Hex('vgg16 weights'),
      architecture: 'vgg16',
      format: 'keras-h5',
    },
  });

  const specText = (name = 'api test sweep') =>
    [
      `name: ${JSON.stringify(name)}`,
      'project: alpha',
      'dataset: breastmnist',
      'architectures: [vgg16]',
      'arms: [scratch]',
      'model: { inputSize: 32, widthMultiplier: 0.125 }',
      'search:',
      '  strategy: grid',
      '  space:',
      '    lr: { type: choice, values: [0.001, 0.01] }',
      'seeds: [1, 2]',
      'budget: { maxTrials: 4, maxEpochs: 2 }',
      '',
    ].join('\n');

  // Two completed trials with real predictions and weights objects, as the worker would record them.
  const spec = { name: 'results', dataset: 'breastmnist' };
  const specHash = sha256Hex(canonicalJson(spec));
  const resultsSweep = await db.sweep.create({
    data: {
      projectId: alpha.id,
      name: 'results',
      spec: {
        ...spec,
        architectures: ['vgg16'],
        arms: ['scratch'],
        seeds: [1, 2],
        budget: { maxTrials: 2, maxEpochs: 2 },
        search: { strategy: 'random', samples: 1, space: { lr: { type: 'choice', values: [0.001] } } },
      },
      specHash,
      status: 'completed',
      primaryMetric: 'val_auc',
      primaryMetricGoal: 'maximize',
      workflowId: `sweep-results-${run}`,
      createdById: users.member.id,
    },
  });
  /** Records a completed trial of alpha's dataset with real predictions and weights objects. */
  const completedTrial = async (
    sweepId: string,
    trial: { key: string; index: number; config: JsonObject; seed: number },
  ): Promise<{ trialId: string; artifactIds: string[] }> => {
    const { seed } = trial;
    const { trial: row } = await upsertTrial(db, {
      sweepId,
      trialKey: trial.key,
      index: trial.index,
      datasetId: dataset.id,
      architecture: 'vgg16',
      initialisation: 'scratch',
      transferMode: 'full',
      config: trial.config,
      seed,
    });
    const split = (n: number) => {
      const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
      const values = Float32Array.from({ length: n * 2 }, (_, j) => {
        const i = Math.floor(j / 2);
        const p = Math.min(
          0.95,
          Math.max(0.05, (labels[i]! ? 0.65 : 0.35) + (((i * 37 + seed * 11) % 17) - 8) / 30),
        );
        return j % 2 === 1 ? p : 1 - p;
      });
      return { labels, scores: { values, numColumns: 2 }, loss: 0.5 };
    };
    const predictions = new TextEncoder().encode(
      canonicalJson(
        predictionsDocument({ val: split(24), test: split(40) }, 'binary-class', ['benign', 'malignant']),
      ),
    );
    const weightsBytes = new TextEncoder().encode(`weights of trial ${row.id}`);
    const prefix = `api-tests/${run}/${row.id}`;
    const storedPredictions = await store.put(`${prefix}/predictions.json`, predictions, 'application/json');
    const storedWeights = await store.put(`${prefix}/weights.h5`, weightsBytes, 'application/x-hdf5');
    keys.push(storedPredictions.key, storedWeights.key);
    const metrics: FinalMetricValue[] = [
      { split: 'val', name: 'auc', value: 0.8 + seed / 100 },
      { split: 'test', name: 'auc', value: 0.75 + seed / 100 },
      { split: 'test', name: 'acc', value: 0.7 },
    ];
    const lineage: LineageRecord = {
      datasetManifestHash: manifestHash,
      specHash,
      configHash: row.configHash,
      codeVersion: '0123456789abcdef0123456789abcdef01234567',
      codeDirty: false,
      lockHash: sha256Hex('package-lock.json'),
      backend: 'tensorflow',
      backendVersions: { tfjs: '4.22.0' },
      weightsInHash: null,
      weightsOutHash: storedWeights.sha256,
      predictionsHash: storedPredictions.sha256,
      metricsHash: finalMetricsHash(metrics),
    };
    const recorded = await recordFinalResult(db, {
      trialId: row.id,
      status: 'completed',
      finalMetrics: metrics,
      artifacts: [
        {
          kind: 'predictions',
          uri: storedPredictions.uri,
          sha256: storedPredictions.sha256,
          sizeBytes: storedPredictions.sizeBytes,
          contentType: 'application/json',
        },
        {
          kind: 'weights',
          uri: storedWeights.uri,
          sha256: storedWeights.sha256,
          sizeBytes: storedWeights.sizeBytes,
        },
      ],
      lineage,
      bestEpoch: 1,
      primaryMetricValue: metrics[0]!.value,
      actor: 'system:test',
    });
    return { trialId: row.id, artifactIds: recorded.artifactIds };
  };
  const trialIds: string[] = [];
  const artifactIds: string[] = [];
  for (const seed of [1, 2]) {
    const recorded = await completedTrial(resultsSweep.id, {
      key: `t${seed}`,
      index: seed - 1,
      config: { lr: 0.001, seed },
      seed,
    });
    trialIds.push(recorded.trialId);
    artifactIds.push(...recorded.artifactIds);
  }
  const betaSweep = await db.sweep.create({
    data: {
      projectId: beta.id,
      name: 'beta sweep',
      spec: resultsSweep.spec as JsonObject,
      specHash,
      primaryMetric: 'val_auc',
      primaryMetricGoal: 'maximize',
      workflowId: `sweep-beta-${run}`,
    },
  });

  return {
    db,
    ownerUrl,
    deps,
    store,
    alpha,
    beta,
    users,
    cookies,
    tokens,
    datasetId: dataset.id,
    weightsSourceId: weights.id,
    results: { sweepId: resultsSweep.id, trialIds: trialIds as [string, string], artifactIds },
    addCompletedTrial: async (sweepId, trial) => (await completedTrial(sweepId, trial)).trialId,
    betaSweepId: betaSweep.id,
    specText,
    caller,
    as: (who, via) =>
      caller(via === 'session' ? { cookie: cookies[who] } : { authorization: `Bearer ${tokens[who]}` }),
    anonymous: () => caller(),
    login,
    async close() {
      if (temporal !== undefined) {
        const { client, connection } = await temporal;
        const sweeps = await db.sweep.findMany({ select: { workflowId: true } });
        const evaluations = await db.auditEvent.findMany({
          where: { action: 'evaluation.request' },
          select: { payload: true },
        });
        const started = [
          ...sweeps.map((s) => s.workflowId),
          ...evaluations.map((e) => (e.payload as { workflowId: string }).workflowId),
        ];
        // Verifications leave no row behind until they end: found by type on the queue nobody polls.
        const verifications = client.workflow.list({
          query: `WorkflowType = 'verificationWorkflow' AND TaskQueue = '${deps.sweepTaskQueue}' AND ExecutionStatus = 'Running'`,
        });
        for await (const v of verifications) started.push(v.workflowId);
        await Promise.allSettled(
          started.map((id) => client.workflow.getHandle(id).terminate('api tests finished')),
        );
        await connection.close();
      }
      await Promise.all(keys.map((key) => store.delete(key)));
      await db.$disconnect();
      await dbs.dropAll();
    },
  };
}
