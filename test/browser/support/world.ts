// Everything a browser test runs against, isolated from other suites on the shared stack: a throwaway
// database (migrated), a Temporal namespace of its own (so its control and train workers never pick up
// another suite's workflows, nor theirs this one's), a project with a synthetic dataset and weights, users
// of each role, and in-process workers with the synthetic trainer (storing predictions and Grad-CAM
// images like the real one, see trainer-with-outputs.ts); and for the evaluation panels, BreastMNIST
// with a sex column (plus a second registration of it with the same classes, for external validation)
// with a real train worker that trains and evaluates on REAL_QUEUE.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createUser } from '@medsweep/api';
import { configFromEnv } from '@medsweep/config';
import type { MedsweepConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import type { Role } from '@medsweep/db/types';
import { throwawayDatabases } from '@medsweep/db/test-support';
import { selectBackend } from '@medsweep/ml';
import { ObjectStore } from '@medsweep/storage';
import { createEvaluationActivities, createTrainActivities, createWorker } from '@medsweep/worker';
import type { RunningWorker } from '@medsweep/worker';
import { TASK_QUEUES } from '@medsweep/workflows';
import { Client, Connection } from '@temporalio/client';
import Long from 'long';
import { breastWithSex } from '../../integration/support/breast-with-sex.js';
import { registerDraft } from '../../integration/support/register-draft.js';
import { createTrainerWithOutputs } from './trainer-with-outputs.js';
import {
  createSyntheticProject,
  registerPlaceholderWeights,
} from '../../integration/support/synthetic-project.js';

/** The namespace browser tests run workflows in; registered once on the stack's Temporal, then reused. */
export const BROWSER_TEST_NAMESPACE = 'medsweep-browser-test';
/** Train queue of the synthetic worker (sweep specs name it in `resources.queue`). */
export const SYNTHETIC_QUEUE = 'train-synthetic';
/** Train queue of the real (TensorFlow) worker, which also evaluates its trials. */
export const REAL_QUEUE = 'train-browser-real';
/** The world's BreastMNIST registrations: the one trials train on, and the external one. */
export const BREAST = 'breastmnist';
export const BREAST_EXTERNAL = 'breastmnist-site-b';
export const PASSWORD = 'browser-test-password-1';

export interface TestUser {
  email: string;
  password: string;
  role: Role;
}

export interface World {
  config: MedsweepConfig;
  db: Db;
  /** The environment the web app needs to use this world. */
  env: Record<string, string>;
  project: string;
  /** One user per role in the project; the admin is also the instance admin. */
  users: Record<'lead' | 'viewer' | 'auditor' | 'admin', TestUser>;
  close(): Promise<void>;
}

/** Registers `namespace` on the Temporal server at `address` unless it exists, and waits until it answers. */
export async function ensureNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) },
      });
    } catch (e) {
      if (!/already exists|AlreadyExists/i.test(String(e))) throw e;
    }
    // A new namespace reaches the frontend's cache within seconds.
    for (let i = 0; ; i++) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } catch (e) {
        if (i >= 60) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * Ends whatever a failed run left open in the test namespace: its database is dropped, so a workflow left
 * running would retry against nothing in every later run.
 */
async function terminateOpenWorkflows(config: MedsweepConfig): Promise<void> {
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: BROWSER_TEST_NAMESPACE });
    for await (const w of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      await client.workflow
        .getHandle(w.workflowId, w.runId)
        .terminate('browser test finished')
        .catch(() => undefined);
    }
  } finally {
    await connection.close();
  }
}

export interface WorldOptions {
  /** How long each synthetic training segment takes. */
  segmentMs: number;
}

export async function createWorld({ segmentMs }: WorldOptions): Promise<World> {
  const databases = throwawayDatabases();
  // The dashboard and the workers connect as the application role, as deployed: it owns nothing and may
  // only append to the audit log.
  const { applicationUrl: databaseUrl } = await databases.migrated();
  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_NAMESPACE: BROWSER_TEST_NAMESPACE,
    MEDSWEEP_SESSION_SECRET: randomBytes(32).toString('hex'),
    // The test talks plain HTTP to 127.0.0.1, with the local stack's credentials (next start: production).
    MEDSWEEP_COOKIE_SECURE: 'false',
    MEDSWEEP_LOCAL_STACK: 'true',
  };
  const config = configFromEnv({ ...process.env, ...env });
  await ensureNamespace(config.temporal.address, BROWSER_TEST_NAMESPACE);
  await terminateOpenWorkflows(config);
  const db = createPrismaClient(databaseUrl);

  const project = `web-${randomUUID().slice(0, 8)}`;
  const projectId = await createSyntheticProject(db, project, 'browser test', `Browser test ${project}`);
  await registerPlaceholderWeights(db, projectId, ['vgg16', 'resnet50']);
  // BreastMNIST with a generated sex column and, as the external dataset, the same images written
  // without per-sample records: another manifest, the same task and classes.
  const store = new ObjectStore(config.s3);
  await store.ensureBucket();
  const npz = join(config.dataDir, 'medmnist', 'breastmnist.npz');
  const draft = await breastWithSex(npz);
  const { samples: _samples, ...withoutSamples } = draft;
  for (const [name, version] of [
    [BREAST, draft],
    [BREAST_EXTERNAL, withoutSamples],
  ] as const) {
    await registerDraft(db, store, {
      project,
      name,
      draft: version,
      source: 'MedMNIST v2 BreastMNIST',
      actor: 'system:browser-test',
    });
  }
  const users = {} as World['users'];
  for (const role of ['lead', 'viewer', 'auditor', 'admin'] as const) {
    const email = `${role}@${project}.test`;
    await createUser(db, {
      email,
      password: PASSWORD,
      displayName: `Test ${role}`,
      actor: 'system:browser-test',
      memberships: [{ projectId, role }],
      instanceRole: role === 'admin' ? 'admin' : null,
    });
    users[role] = { email, password: PASSWORD, role };
  }

  const backend = await selectBackend();
  const workers: RunningWorker[] = [
    await createWorker({ config, queue: TASK_QUEUES.control, concurrency: 10 }),
    await createWorker({
      config,
      queue: SYNTHETIC_QUEUE,
      concurrency: 4,
      backend: 'synthetic',
      trainer: ({ db: workerDb, store }) =>
        createTrainerWithOutputs({
          durationMs: segmentMs,
          db: workerDb,
          store,
          prefix: `browser-test/${project}`,
        }),
    }),
    await createWorker({
      config,
      queue: REAL_QUEUE,
      concurrency: 1,
      backend: backend.name,
      trainer: ({ store: s, db: d, identity }) =>
        createTrainActivities({ store: s, db: d, identity, backend, cacheDir: config.cacheDir }),
      evaluator: ({ store: s }) =>
        createEvaluationActivities({ store: s, backend, cacheDir: config.cacheDir }),
    }),
  ];
  const running = workers.map((w) => w.worker.run());

  return {
    config,
    db,
    env,
    project,
    users,
    async close() {
      await terminateOpenWorkflows(config);
      for (const w of workers) w.worker.shutdown();
      await Promise.allSettled(running);
      await Promise.allSettled(workers.map((w) => w.close()));
      await db.$disconnect();
      await databases.dropAll();
    },
  };
}
