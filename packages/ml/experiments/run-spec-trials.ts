// Runs every trial of sweep specs in this process, one after another, through the training engine a
// train worker uses (see spec-trial.ts), without the stack: data and ImageNet weights come from the
// shared data directory. Per spec it writes <out-dir>/<spec file name>.json and prints a Markdown table.
// `npm run experiments:baselines` runs the MedMNIST baseline and SqueezeNet transfer specs in examples/.
//
//   node --conditions=@medsweep/source --import tsx packages/ml/experiments/run-spec-trials.ts \
//     examples/breastmnist-baseline.yaml [more specs] [--out-dir docs/results]
import { cpus, loadavg } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { loadConfig, repoRoot } from '@medsweep/config';
import {
  createPlanner,
  datasetOfSpec,
  isClassicalModel,
  nextTrial,
  parseSweepSpecText,
  primaryMetricOf,
  recordTrialValue,
} from '@medsweep/core/sweep';
import type { SweepSpec } from '@medsweep/core/sweep';
import type { BackendInfo } from '../src/index.js';
import { describeBackend, selectBackend } from '../src/index.js';
import { imagenetWeightsFor, loadSharedMedmnist } from './local-sources.js';
import type { SpecRunReport, TrialRecord } from './results.js';
import { markdownTable, summarize } from './results.js';
import { runSpecTrial } from './spec-trial.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'out-dir': { type: 'string', default: 'docs/results' } },
});

/** Hyperparameters a spec run here must search: the runner states them instead of taking protocol defaults. */
const REQUIRED_SEARCH_PARAMS = ['lr', 'batchSize', 'optimizer'] as const;

/** Reads and validates a spec the runner can run; every spec is checked before any trains. */
async function readSpec(specPath: string): Promise<SweepSpec> {
  const spec = parseSweepSpecText(await readFile(specPath, 'utf8'), specPath);
  const missing = REQUIRED_SEARCH_PARAMS.filter((name) => !(name in spec.search.space));
  if (missing.length > 0) {
    throw new Error(
      `${specPath}: search.space lacks ${missing.join(', ')}; the runner needs ${REQUIRED_SEARCH_PARAMS.join(', ')} in it, so no protocol default hides in a result`,
    );
  }
  if (spec.earlyStopping.kind !== 'none') {
    throw new Error(
      `${specPath}: earlyStopping.kind is ${spec.earlyStopping.kind}; the runner trains every trial to the end, so accepted: none`,
    );
  }
  const classical = spec.architectures.filter(isClassicalModel);
  if (classical.length > 0) {
    throw new Error(
      `${specPath}: architectures lists ${classical.join(', ')}; the runner trains the CNN architectures only (classical models train on the stack)`,
    );
  }
  return spec;
}

async function runSpec(
  backend: BackendInfo,
  specPath: string,
  spec: SweepSpec,
  outDir: string,
): Promise<SpecRunReport> {
  const config = loadConfig();
  const root = repoRoot();
  const datasetName = datasetOfSpec(spec).name;
  const dataset = await loadSharedMedmnist(
    config.dataDir,
    join(config.cacheDir, 'experiments', 'datasets'),
    datasetName,
  );
  const started = performance.now();
  const report: SpecRunReport = {
    spec: relative(root, specPath),
    name: spec.name,
    dataset: {
      name: datasetName,
      id: dataset.id,
      counts: Object.fromEntries(Object.entries(dataset.splits).map(([name, s]) => [name, s.count])),
    },
    backend: {
      description: describeBackend(backend),
      package: backend.package,
      tfjs: backend.tfjsVersion,
      ...(backend.tensorflowVersion ? { tensorflow: backend.tensorflowVersion } : {}),
      node: process.versions.node,
    },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverageAtStart: loadavg() },
    startedAt: new Date().toISOString(),
    wallSeconds: 0,
    trials: [],
    summary: [],
  };
  console.log(`\n${spec.name} (${report.spec}): dataset ${datasetName} ${dataset.id}`);

  const planner = createPlanner(spec);
  for (let plan = nextTrial(spec, planner); plan; plan = nextTrial(spec, planner)) {
    const label = `trial ${plan.index} ${plan.architecture} ${plan.arm} seed ${plan.seed} ${JSON.stringify(plan.params)}`;
    console.log(label);
    const trialStarted = performance.now();
    const result = await runSpecTrial({
      tf: backend.tf,
      spec,
      plan,
      dataset,
      ...(plan.arm === 'scratch'
        ? {}
        : { imagenetWeightsPath: await imagenetWeightsFor(config.dataDir, plan.arm, plan.architecture) }),
      onEpoch: (p) => {
        const seconds = ((performance.now() - trialStarted) / 1000).toFixed(0);
        const metrics = Object.entries(p.metrics).map(([name, value]) => `${name} ${value.toFixed(4)}`);
        console.log(
          `  epoch ${p.epoch + 1}: ${metrics.join(', ')}, lr ${p.lr.toExponential(2)} (${seconds} s)`,
        );
      },
    });
    const trial: TrialRecord = { ...result, wallSeconds: (performance.now() - trialStarted) / 1000 };
    report.trials.push(trial);
    // The value a sweep ranks the trial by, as the trial workflow reports it to the planner.
    const primary = primaryMetricOf(spec).slice('val_'.length);
    recordTrialValue(spec, planner, plan, result.metrics.val[primary] ?? null);
    const { test } = result.metrics;
    console.log(
      `  -> best epoch ${result.bestEpoch + 1}: test AUC ${test['auc']?.toFixed(4)}, ACC ${test['acc']?.toFixed(4)}` +
        ` (${(trial.wallSeconds / 60).toFixed(1)} min)`,
    );
  }
  report.summary = summarize(report.trials);
  report.wallSeconds = (performance.now() - started) / 1000;
  const out = join(outDir, `${basename(specPath, extname(specPath))}.json`);
  await mkdir(outDir, { recursive: true });
  // Formatted as the repository's prettier settings want, so `npm run format:check` passes on it.
  await writeFile(
    out,
    await format(JSON.stringify(report), { ...(await resolveConfig(out)), filepath: out }),
  );
  console.log(`\n${markdownTable(report)}\n\nwritten: ${relative(root, out)}`);
  return report;
}

async function main(): Promise<void> {
  if (positionals.length === 0) throw new Error('usage: run-spec-trials.ts SPEC.yaml... [--out-dir DIR]');
  const specPaths = positionals.map((path) => resolve(path));
  const specs = await Promise.all(specPaths.map(readSpec));
  const outDir = resolve(repoRoot(), values['out-dir']);
  const backend = await selectBackend();
  console.log(`backend: ${describeBackend(backend)}`);
  for (const [i, spec] of specs.entries()) await runSpec(backend, specPaths[i] as string, spec, outDir);
}

await main();
