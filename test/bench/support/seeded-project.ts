// What the dashboard benchmarks measure against: a private database (migrated) holding one project with a
// finished sweep of `trials` recorded trials (4 architectures x {scratch, pretrained} x 3 seeds per
// configuration, val/test auc, accuracy and loss each), written in bulk by @medsweep/db's bench seeding,
// and a viewer of the project who signs in. The stored spec is a real one (parsed), so the pages that
// read it (planned trials, search-space axes) see what a submitted sweep gives them.
import { randomBytes } from 'node:crypto';
import { createUser } from '@medsweep/api';
import type { JsonObject, SweepSpec } from '@medsweep/core';
import { parseSweepSpec, primaryMetricOf } from '@medsweep/core';
import { applyMigrations, createPrismaClient } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { throwawayDatabases, withClient } from '@medsweep/db/test-support';
import { BULK_SEEDS_PER_CONFIGURATION, fillBulkResults } from '@medsweep/db/test-support/bulk-results';

const ARCHITECTURES = ['resnet50', 'vgg16', 'densenet121', 'efficientnetb0'] as const;
const ARMS = ['scratch', 'pretrained:imagenet'] as const;
/** The dataset the seeded sweep ran on (bulk seeding names datasets ds0, ds1, ...). */
export const SEEDED_DATASET = 'ds0';

export interface SeededProject {
  databaseUrl: string;
  db: Db;
  /** The project's slug. */
  project: string;
  projectId: string;
  /** The seeded sweep. */
  sweepId: string;
  sweepName: string;
  datasetId: string;
  viewer: { id: string; email: string; password: string };
  /** What the web app needs to serve this project: its database, a session secret, plain-HTTP cookies. */
  env: Record<string, string>;
  /** Closes the connection pool and drops the database. */
  close(): Promise<void>;
}

/** The spec of a random search that plans exactly `trials` trials (its budget caps the last sample). */
function seededSpec(project: string, trials: number): SweepSpec {
  const perSample = ARCHITECTURES.length * ARMS.length * BULK_SEEDS_PER_CONFIGURATION;
  return parseSweepSpec({
    name: `bench sweep of ${trials.toLocaleString('en')} trials`,
    project,
    dataset: SEEDED_DATASET,
    architectures: [...ARCHITECTURES],
    arms: [...ARMS],
    search: {
      strategy: 'random',
      samples: Math.ceil(trials / perSample),
      space: {
        lr: { type: 'log-uniform', min: 1e-4, max: 1e-1 },
        batchSize: { type: 'choice', values: [16, 32, 64] },
        dropout: { type: 'uniform', min: 0, max: 0.4 },
      },
    },
    seeds: Array.from({ length: BULK_SEEDS_PER_CONFIGURATION }, (_, seed) => seed),
    budget: { maxTrials: trials, maxParallel: 8, maxEpochs: 20 },
  });
}

export async function createSeededProject({ trials }: { trials: number }): Promise<SeededProject> {
  const databases = throwawayDatabases();
  const databaseUrl = databases.next();
  const project = `bench-${randomBytes(4).toString('hex')}`;
  const spec = seededSpec(project, trials);
  let db: Db | undefined;
  try {
    await applyMigrations(databaseUrl);
    const { projectId, sweepIds } = await fillBulkResults(databaseUrl, {
      trials,
      project,
      spec: spec as unknown as JsonObject,
      architectures: ARCHITECTURES,
      arms: ARMS,
      // The settings a worker's resolved config carries besides architecture, arm, params and seed.
      trialConfig: {
        training: spec.training,
        evaluation: spec.evaluation,
        maxEpochs: spec.budget.maxEpochs,
        primaryMetric: primaryMetricOf(spec),
      } as unknown as JsonObject,
    });
    // Planner statistics as autovacuum would leave them on a database that has been in use.
    await withClient(databaseUrl, (c) => c.query('VACUUM ANALYZE'));
    db = createPrismaClient(databaseUrl);
    const sweepId = sweepIds[0]!;
    await db.sweep.update({ where: { id: sweepId }, data: { name: spec.name } });
    const dataset = await db.dataset.findFirstOrThrow({ where: { projectId, name: SEEDED_DATASET } });
    const password = randomBytes(12).toString('base64url');
    const email = `viewer@${project}.bench`;
    const viewer = await createUser(db, {
      email,
      password,
      displayName: 'Bench viewer',
      actor: 'system:bench',
      memberships: [{ projectId, role: 'viewer' }],
    });
    const client = db;
    return {
      databaseUrl,
      db: client,
      project,
      projectId,
      sweepId,
      sweepName: spec.name,
      datasetId: dataset.id,
      viewer: { id: viewer.id, email, password },
      env: {
        DATABASE_URL: databaseUrl,
        MEDSWEEP_SESSION_SECRET: randomBytes(32).toString('hex'),
        // The benchmarks talk plain HTTP to 127.0.0.1.
        MEDSWEEP_COOKIE_SECURE: 'false',
      },
      async close() {
        await client.$disconnect();
        await databases.dropAll();
      },
    };
  } catch (e) {
    await db?.$disconnect();
    await databases.dropAll();
    throw e;
  }
}
