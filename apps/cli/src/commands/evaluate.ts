// `medsweep evaluate <trial>`: asks the API for an evaluation of a completed trial — its robustness panel,
// an external dataset, or subgroups of an attribute — as the dashboard's buttons do (a worker runs it), and
// with --wait follows it until it is recorded (or fails), printing its metrics.
import type { Command } from 'commander';
import type { EvaluationView } from '@medsweep/api';
import type { ApiClient } from '../client/api.js';
import { withApi } from '../client/api.js';
import { WorkerJobFailedError } from '../errors.js';
import { pollUntilSettled } from '../poll.js';

/** What the API's evaluations.run takes as `ask`. */
type EvaluationAsk = Parameters<ApiClient['evaluations']['run']['mutate']>[0]['ask'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface EvaluateOptions {
  robustness?: boolean;
  seed: string;
  corruptions?: string;
  external?: string;
  subgroups?: string;
  wait?: boolean;
  json?: boolean;
}

/** The ask the options describe: exactly one of --robustness, --external, --subgroups. */
async function askOf(api: ApiClient, trialId: string, opts: EvaluateOptions): Promise<EvaluationAsk> {
  const chosen = [opts.robustness, opts.external, opts.subgroups].filter((o) => o !== undefined);
  if (chosen.length !== 1) {
    throw new RangeError('give exactly one of --robustness, --external <dataset>, --subgroups <attribute>');
  }
  if (opts.subgroups !== undefined) return { kind: 'subgroups', attribute: opts.subgroups };
  if (opts.external !== undefined) {
    if (UUID.test(opts.external)) return { kind: 'external', datasetId: opts.external };
    // The newest registration of that name in the trial's project (the list is newest first).
    const { project } = await api.trials.get.query({ trialId });
    const dataset = (await api.datasets.list.query({ project })).find((d) => d.name === opts.external);
    if (dataset === undefined)
      throw new RangeError(`--external: no dataset named ${opts.external} in the trial's project`);
    return { kind: 'external', datasetId: dataset.id };
  }
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new RangeError(`--seed must be a whole number >= 0; got ${opts.seed}`);
  return {
    kind: 'robustness',
    seed,
    ...(opts.corruptions ? { corruptions: opts.corruptions.split(',').map((c) => c.trim()) } : {}),
  };
}

const fixed = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

/** One line per row of an evaluation's result: what a terminal shows. */
export function describeEvaluation(view: EvaluationView): string[] {
  const { result } = view;
  switch (result.kind) {
    case 'robustness':
      return [
        `robustness panel (${result.source}, seed ${result.seed}): clean AUC ${fixed(result.clean.metrics.auc.estimate)}`,
        ...result.rows.map(
          (r) =>
            `  ${r.corruption} ${r.severity}: AUC ${fixed(r.metrics.auc.estimate)} (drop ${fixed(r.drop.auc.estimate)}), ACC ${fixed(r.metrics.accuracy.estimate)} (drop ${fixed(r.drop.accuracy.estimate)})`,
        ),
      ];
    case 'external':
      return [
        `external ${result.dataset.name}: ${result.result.samples} images, AUC ${fixed(result.result.metrics.auc.estimate)}, ACC ${fixed(result.result.metrics.accuracy.estimate)}`,
      ];
    case 'subgroups':
      return [
        `subgroups by ${result.attribute}:`,
        ...result.report.groups.map(
          (g) =>
            `  ${g.value}: ${g.samples} images, AUC ${fixed(g.metrics.auc.estimate)}, ACC ${fixed(g.metrics.accuracy.estimate)}`,
        ),
      ];
    default: {
      const unknown: never = result;
      return [String(unknown)];
    }
  }
}

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate <trialId>')
    .description(
      "evaluate a completed trial's weights: its robustness panel, an external dataset, or subgroups",
    )
    .option('--robustness', "every corruption of the dataset's MedMNIST-C list at five severities")
    .option('--seed <n>', 'seed of the random corruptions', '0')
    .option(
      '--corruptions <names>',
      'only these corruptions (comma-separated), e.g. pixelate,jpeg_compression',
    )
    .option('--external <dataset>', 'a registered dataset (name or id) with the same classes')
    .option('--subgroups <attribute>', "an attribute of the dataset's test samples, e.g. sex or site")
    .option('--wait', 'wait until it is recorded and print its metrics')
    .option('--json', 'JSON output')
    .action(async (trialId: string, opts: EvaluateOptions) => {
      await withApi(async (api) => {
        const ask = await askOf(api, trialId, opts);
        const requested = await api.evaluations.run.mutate({ trialId, ask });
        const look = () => api.evaluations.status.query({ trialId, ask });
        const state = opts.wait
          ? await pollUntilSettled(look, `evaluating trial ${trialId} on a worker`)
          : await look();
        if (state.state === 'failed')
          throw new WorkerJobFailedError('evaluation', requested.workflowId, state.error);
        const view: EvaluationView | undefined =
          state.state === 'recorded'
            ? (await api.evaluations.list.query({ trialId })).find((e) => e.id === state.evaluationId)
            : undefined;
        if (opts.json)
          console.log(JSON.stringify({ ...requested, state: state.state, evaluation: view ?? null }));
        else if (view) console.log(describeEvaluation(view).join('\n'));
        else console.log(`evaluation ${requested.workflowId}: ${state.state}`);
      });
    });
}
