import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { submitSweep } from '@medsweep/api';
import { loadConfig, repoRoot } from '@medsweep/config';
import { parseSweepSpecText } from '@medsweep/core';
import type { SweepSpec } from '@medsweep/core';
import { completedTrials, ensureProject, findWeightsSources } from '@medsweep/db';
import { selectBackend } from '@medsweep/ml';
import { startLocalWorker, stackUp } from '@medsweep/stack';
import type { CliContext } from '../context.js';
import { sweepServices, withContext } from '../context.js';
import { importDataset, registerTrialWeights, registerWeightsFile, sharedMedmnistPath } from './data.js';
import { renderSweepTables } from './leaderboard.js';
import { watchSweep } from './sweep.js';
import { startDashboard } from './web.js';

const PRETRAIN_SPEC = 'examples/pneumonia-pretrain.yaml';
const MAIN_SPEC = 'examples/breastmnist-transfer.yaml';
const SQUEEZENET_FILE = join('weights', 'squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5');

const step = (text: string) => console.log(`\n==> ${text}`);

function readSpec(relative: string): SweepSpec {
  const file = join(repoRoot(), relative);
  return parseSweepSpecText(readFileSync(file, 'utf8'), relative);
}

/** Submits a sweep, shows its progress bars until it ends, and returns its id. */
async function runSweep(ctx: CliContext, spec: SweepSpec): Promise<string> {
  const { sweepId } = await submitSweep(await sweepServices(ctx), spec, ctx.actor);
  console.log(`sweep ${sweepId}: ${spec.name}`);
  await watchSweep(ctx, sweepId, spec.budget.maxEpochs);
  return sweepId;
}

/**
 * Weights for the transfer arm of architectures without offline ImageNet weights: each is trained on
 * PneumoniaMNIST once and its output registered as `pneumonia/<architecture>`. Skipped when they exist.
 */
async function ensurePneumoniaWeights(ctx: CliContext, projectId: string): Promise<void> {
  const spec = readSpec(PRETRAIN_SPEC);
  const names = spec.architectures.map((a) => `pneumonia/${a}`);
  const have = await findWeightsSources(ctx.db, projectId, names);
  if (have.length === names.length) {
    console.log(`pretrained weights ${names.join(', ')}: already registered`);
    return;
  }
  const sweepId = await runSweep(ctx, spec);
  const trials = await completedTrials(ctx.db, sweepId);
  for (const arch of spec.architectures) {
    const best = trials.find((t) => t.architecture === arch);
    if (!best)
      throw new Error(
        `pretraining ${arch} on PneumoniaMNIST did not complete (sweep ${sweepId}); see medsweep sweep watch ${sweepId}`,
      );
    await registerTrialWeights(ctx, { trialId: best.id, name: `pneumonia/${arch}` });
    console.log(
      `registered pneumonia/${arch} from trial ${best.id} (val AUC ${best.primaryMetricValue?.toFixed(3)})`,
    );
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job: local stack, workers, BreastMNIST import, a scratch-vs-transfer sweep of five CNNs, the leaderboard, the dashboard left running',
    )
    .option('--train-workers <n>', 'train worker processes (one trial slot each)', '2')
    .action(async (opts: { trainWorkers: string }) => {
      const started = Date.now();
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

        const main = readSpec(MAIN_SPEC);
        step('importing MedMNIST from the shared data (content-addressed; a second import uploads nothing)');
        for (const name of ['breastmnist', 'pneumoniamnist']) {
          const r = await importDataset(ctx, {
            name,
            project: main.project,
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
          architecture: 'squeezenet1_1',
          project: main.project,
        });
        console.log(`imagenet/squeezenet1_1: sha256 ${squeeze.sha256}`);

        step('pretraining the other four architectures on PneumoniaMNIST (their transfer source here)');
        // The imports above created it when it was new.
        const project = await ensureProject(ctx.db, main.project);
        await ensurePneumoniaWeights(ctx, project.id);

        step(
          `the study: ${main.architectures.length} architectures x {scratch, pretrained} x ${main.seeds.length} seeds on BreastMNIST`,
        );
        const sweepId = await runSweep(ctx, main);

        step('leaderboard (test split; model selection on validation)');
        console.log(await renderSweepTables(ctx, sweepId, { split: 'test', name: 'auc' }, 'markdown'));
        console.log(await renderSweepTables(ctx, sweepId, { split: 'test', name: 'acc' }, 'markdown'));

        step('dashboard (left running with the results)');
        const dashboard = await startDashboard(ctx, main.project);
        console.log(`\ndemo finished in ${((Date.now() - started) / 60_000).toFixed(1)} min. Still running:`);
        console.log(`  dashboard    ${dashboard}/sweeps/${sweepId}/leaderboard`);
        console.log(`  Temporal UI  http://${config.temporal.host}:${config.temporal.uiPort}`);
        console.log(
          `  MinIO        ${config.s3.endpoint} (console http://127.0.0.1:${config.s3.consolePort})`,
        );
        console.log(`  workers      ${join(config.stackDir, 'workers', '*', 'server.log')}`);
        console.log(
          `  more         medsweep leaderboard ${sweepId} --format latex | medsweep sweep list | npm run stack:down`,
        );
      });
    });
}
