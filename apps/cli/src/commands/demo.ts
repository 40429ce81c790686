import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  armsTable,
  liveProgress,
  pairwiseTable,
  paperTableWithFacts,
  rankedTable,
  submitSweep,
} from '@medsweep/api';
import type { TableDeps } from '@medsweep/api';
import { loadConfig, repoRoot } from '@medsweep/config';
import { datasetOfSpec, parseSweepSpecText } from '@medsweep/core';
import type { SweepSpec } from '@medsweep/core';
import { MissingPredictionsError } from '@medsweep/db';
import type { MetricRef } from '@medsweep/db';
import { selectBackend } from '@medsweep/ml';
import { startLocalWorker, stackUp } from '@medsweep/stack';
import type { CliContext } from '../context.js';
import { sweepServices, withContext } from '../context.js';
import type { GainClaim } from './demo-conclusion.js';
import { demoConclusion } from './demo-conclusion.js';
import { importDataset, registerWeightsFile, sharedMedmnistPath } from '../stack-import.js';
import { renderSweepTables } from './leaderboard.js';
import type { TableSource } from './leaderboard.js';
import { watchSweep } from './sweep.js';
import { startDashboard } from './web.js';

/**
 * The studies the demo runs, in order: each a question a lead asks, answered by a sweep in examples/ that
 * trains past chance within the demo's budget (about 10 minutes on 2 cores).
 */
const STUDIES = [
  {
    spec: 'examples/breastmnist-squeezenet-transfer.yaml',
    subject: 'BreastMNIST',
    question: 'does ImageNet initialisation help SqueezeNet v1.1 on BreastMNIST (546 training images)?',
  },
  {
    spec: 'examples/pneumoniamnist-transfer-3-epochs.yaml',
    subject: 'PneumoniaMNIST (3 epochs)',
    question: 'and on PneumoniaMNIST (4,708 training images, 3 epochs)?',
  },
] as const;
/** MedMNIST's two metrics: each study's tables and gains are reported on both. */
const REPORTED: readonly MetricRef[] = [
  { split: 'test', name: 'auc' },
  { split: 'test', name: 'acc' },
];
const SQUEEZENET_FILE = join('weights', 'squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5');

const step = (text: string) => console.log(`\n==> ${text}`);

function readSpec(relative: string): SweepSpec {
  const file = join(repoRoot(), relative);
  return parseSweepSpecText(readFileSync(file, 'utf8'), relative);
}

/** The tables from the services in-process: the demo runs next to the stack, with its credentials. */
function localTables(deps: TableDeps): TableSource {
  return {
    ranked: (sweepId, metric) => rankedTable(deps, { scope: { sweepId }, metric, limit: 500 }),
    arms: (sweepId, metric, selectBy) => armsTable(deps, { scope: { sweepId }, metric, selectBy }),
    pairwise: async (sweepId, metric) => {
      try {
        return await pairwiseTable(deps, { scope: { sweepId }, metric });
      } catch (e) {
        if (!(e instanceof MissingPredictionsError)) throw e;
        return { unavailable: e.message };
      }
    },
    paper: (sweepId, selectBy) => paperTableWithFacts(deps, { scope: { sweepId }, selectBy }),
  };
}

/** Submits a sweep, shows its progress bars until it ends, and returns its id. */
async function runSweep(ctx: CliContext, spec: SweepSpec): Promise<string> {
  const services = await sweepServices(ctx);
  const { sweepId } = await submitSweep(services, spec, ctx.actor);
  console.log(`sweep ${sweepId}: ${spec.name}`);
  await watchSweep(() => liveProgress(services.temporal, sweepId), sweepId, spec.budget.maxEpochs);
  return sweepId;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job: local stack, workers, MedMNIST import, ImageNet weights, scratch-vs-transfer sweeps with intervals, their conclusion, the dashboard left running',
    )
    .option('--train-workers <n>', 'train worker processes (one trial slot each)', '2')
    .action(async (opts: { trainWorkers: string }) => {
      const started = Date.now();
      const studies = STUDIES.map((study) => ({ ...study, sweep: readSpec(study.spec) }));
      // One project holds every study, so the dashboard's sign-ins see them all.
      const projects = [...new Set(studies.map((s) => s.sweep.project))];
      if (projects.length !== 1)
        throw new Error(`the demo's studies must share one project; they name ${projects.join(', ')}`);
      const projectSlug = projects[0] as string;
      // The stack first: every later step connects to it.
      step('starting the local stack (Temporal, MinIO, Postgres)');
      await stackUp(loadConfig());
      await withContext(async (ctx) => {
        const { config } = ctx;

        step('starting workers');
        const workers = [
          { name: 'control', queue: 'control', concurrency: 8 },
          ...Array.from({ length: Number(opts.trainWorkers) }, (_, i) => ({
            name: `train-${i + 1}`,
            queue: 'train',
            concurrency: 1,
          })),
        ];
        for (const w of workers) {
          const r = startLocalWorker(config, w);
          console.log(`${w.name}: ${r.started ? 'started' : 'already running'} (pid ${r.pid}, log ${r.log})`);
        }

        step('importing MedMNIST from the shared data (content-addressed; a second import uploads nothing)');
        for (const name of new Set(studies.map((s) => datasetOfSpec(s.sweep).name))) {
          const r = await importDataset(ctx, {
            name,
            project: projectSlug,
            // An .npz is read without TensorFlow: loadTf is never called for it.
            source: {
              path: sharedMedmnistPath(config.dataDir, name),
              loadTf: async () => (await selectBackend()).tf,
            },
          });
          console.log(`${name}: sha256:${r.contentHash} ${r.created ? 'registered' : 'already registered'}`);
        }

        step('registering ImageNet SqueezeNet v1.1 weights (the ImageNet model available offline)');
        const squeeze = await registerWeightsFile(ctx, {
          path: join(config.dataDir, SQUEEZENET_FILE),
          name: 'imagenet/squeezenet1_1',
          project: projectSlug,
        });
        console.log(`imagenet/squeezenet1_1: sha256 ${squeeze.sha256}`);

        const sweepIds: string[] = [];
        const claims: GainClaim[] = [];
        for (const study of studies) {
          step(`${study.question} (${study.spec})`);
          const sweepId = await runSweep(ctx, study.sweep);
          sweepIds.push(sweepId);
          for (const metric of REPORTED) {
            console.log(await renderSweepTables(localTables(ctx), sweepId, metric, 'markdown'));
            const selectBy: MetricRef = { split: 'val', name: metric.name };
            const { rows } = await armsTable(ctx, { scope: { sweepId }, metric, selectBy });
            const subject = `${study.subject}, ${metric.split} ${metric.name.toUpperCase()}`;
            claims.push(...rows.map((row) => ({ subject, row })));
          }
        }

        step('conclusion: ImageNet initialisation vs scratch, every gain above as one family');
        console.log(demoConclusion(claims));

        step('dashboard (left running with the results)');
        const dashboard = await startDashboard(ctx, projectSlug);
        console.log(`\ndemo finished in ${((Date.now() - started) / 60_000).toFixed(1)} min. Still running:`);
        for (const id of sweepIds) console.log(`  dashboard    ${dashboard}/sweeps/${id}/leaderboard`);
        console.log(`  Temporal UI  http://${config.temporal.host}:${config.temporal.uiPort}`);
        console.log(
          `  MinIO        ${config.s3.endpoint} (console http://127.0.0.1:${config.s3.consolePort})`,
        );
        console.log(`  workers      ${join(config.stackDir, 'workers', '*', 'server.log')}`);
        console.log(
          `  more         medsweep leaderboard ${sweepIds[0]} --format latex | medsweep sweep list | npm run stack:down`,
        );
      });
    });
}
