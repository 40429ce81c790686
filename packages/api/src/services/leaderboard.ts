// The tables people read, completed with what the database alone cannot give: the two-level intervals
// for new patients (from the runs' stored test predictions), the pairwise family of the leader against
// the next entries with Holm-adjusted p-values (from the compared runs' predictions), and which class the
// binary metrics count as positive (from the datasets' manifests). The router and the CLI both call
// these, so the dashboard, the API, every export and the terminal show the same numbers.
import {
  describePositiveClass,
  newPatientsGain,
  newPatientsInterval,
  resolvePositiveClass,
  twoLevelMetricOf,
  varyingParameters,
} from '@medsweep/core';
import type {
  FinalMetricRef,
  LeaderboardEntry,
  MetricGoal,
  NewPatientsInterval,
  PaperTable,
  PairwiseTable,
  RunPredictions,
  RunTestPredictions,
  RunValue,
  ScratchVsTransferRow,
  TaskType,
} from '@medsweep/core';
import {
  compareEntryFamily,
  familyTargets,
  leaderboard,
  paperTable,
  predictionsTargets,
  scopeEvaluations,
  scratchVsTransferTable,
} from '@medsweep/db';
import type {
  ComparisonTarget,
  LeaderboardPage,
  LeaderboardQuery,
  LeaderboardScope,
  PaperTableQuery,
  ScratchVsTransferQuery,
} from '@medsweep/db';
import { z } from 'zod';
import type { ApiDeps } from '../trpc.js';
import { loadPredictions, taskOf, testPredictions } from './predictions.js';

/** What the table services read: the database and the object store. */
export type TableDeps = Pick<ApiDeps, 'db' | 'objectStore'>;

/** Entries of the pairwise table: the leader and the next four, as the dashboard shows them. */
export const PAIRWISE_ENTRIES = 5;

/** Predictions artifacts read at once (each a GET of one JSON document). */
const CONCURRENT_READS = 8;

/** Which class a table's binary metrics count as positive, for people; null for other tasks. */
export interface PositiveClassFact {
  positiveClass: string | null;
}

export type RankedTable = LeaderboardPage & PositiveClassFact;
export type ArmsTable = { rows: ScratchVsTransferRow[] } & PositiveClassFact;
export type PaperTableWithFacts = PaperTable & PositiveClassFact;

/** The manifest fields a positive class is resolved against. */
const manifestClasses = z.object({ classNames: z.array(z.string()) });

/** The class names in a dataset's manifest, or why they could not be read. */
async function manifestClassNames(
  deps: TableDeps,
  dataset: { manifestUri: string; contentHash: string },
): Promise<readonly string[] | { unreadable: string }> {
  try {
    const bytes = await deps.objectStore.get(
      deps.objectStore.keyOf(dataset.manifestUri),
      dataset.contentHash,
    );
    return manifestClasses.parse(JSON.parse(new TextDecoder().decode(bytes))).classNames;
  } catch (e) {
    return { unreadable: e instanceof Error ? e.message : String(e) };
  }
}

/** A positive class without the dataset's class names: by label, or as the spec named it. */
function unnamedPositiveClass(choice: string | number | undefined): string {
  if (choice === undefined) return 'label 1 (MedMNIST convention; class names unavailable)';
  return `${JSON.stringify(choice)} (named in the spec; class names unavailable)`;
}

/**
 * The positive class of the scope's trials as describePositiveClass words it (`malignant (label 0,
 * clinical finding)`); several datasets or choices in one scope are joined with `; `. A dataset whose
 * manifest cannot be read (synthetic test data) is described by label only.
 */
export async function positiveClassOf(deps: TableDeps, scope: LeaderboardScope): Promise<string | null> {
  const evaluations = await scopeEvaluations(deps.db, scope);
  const classNames = new Map<string, Awaited<ReturnType<typeof manifestClassNames>>>();
  const descriptions: string[] = [];
  for (const { dataset, positiveClass } of evaluations) {
    const task = taskOf(dataset.task);
    if (task !== 'binary-class') continue;
    let names = classNames.get(dataset.id);
    if (names === undefined) {
      names = await manifestClassNames(deps, dataset);
      classNames.set(dataset.id, names);
    }
    if ('unreadable' in names) {
      descriptions.push(unnamedPositiveClass(positiveClass));
      continue;
    }
    const resolved = resolvePositiveClass(positiveClass, {
      task,
      classNames: names,
      source: `dataset ${dataset.name}`,
    });
    if (resolved) descriptions.push(describePositiveClass(resolved));
  }
  const distinct = [...new Set(descriptions)];
  if (distinct.length === 0) return null;
  if (distinct.length === 1) return distinct[0]!;
  return `varies by sweep: ${distinct.join('; ')}`;
}

/** Runs the tasks with at most `limit` in flight, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A run's test predictions, or why they could not be read (an integrity problem `verify` would name). */
type Loaded = { target: ComparisonTarget; predictions: RunPredictions } | { unreadable: string };

/** The test predictions of every run that has them, read from the object store (sha256-checked). */
async function loadTestPredictions(
  deps: TableDeps,
  trialIds: readonly string[],
): Promise<Map<string, Loaded>> {
  const targets = await predictionsTargets(deps.db, trialIds);
  const loaded = await mapLimited([...targets.values()], CONCURRENT_READS, async (target) => {
    try {
      const document = await loadPredictions(deps.objectStore, target.predictions);
      return [
        target.trialId,
        { target, predictions: { ...testPredictions(document), testSetHash: target.testSetHash } },
      ] as const;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return [
        target.trialId,
        { unreadable: `the predictions of trial ${target.trialId} could not be read: ${message}` },
      ] as const;
    }
  });
  return new Map<string, Loaded>(loaded);
}

/** The runs with their predictions as core takes them, the task, or why there is no interval. */
function runsOf(
  runs: readonly RunValue[],
  loaded: Map<string, Loaded>,
): { runs: RunTestPredictions[]; task: TaskType | undefined } | { unreadable: string } {
  let task: TaskType | undefined;
  const withPredictions: RunTestPredictions[] = [];
  for (const run of runs) {
    const found = loaded.get(run.trialId);
    if (found && 'unreadable' in found) return found;
    task ??= found?.target.task;
    withPredictions.push({ trialId: run.trialId, seed: run.seed, predictions: found?.predictions });
  }
  return { runs: withPredictions, task };
}

const unavailable = (reason: string) => ({ outcome: 'unavailable' as const, reason });

function entryNewPatients(
  entry: LeaderboardEntry,
  loaded: Map<string, Loaded>,
  metric: FinalMetricRef,
): NewPatientsInterval {
  const found = runsOf(entry.runs, loaded);
  if ('unreadable' in found) return unavailable(found.unreadable);
  // Without a task no run had predictions; core names the first such run.
  return newPatientsInterval(found.runs, found.task ?? 'binary-class', metric);
}

/** One page of the leaderboard with each entry's interval for new patients and the positive class. */
export async function rankedTable(deps: TableDeps, query: LeaderboardQuery): Promise<RankedTable> {
  const page = await leaderboard(deps.db, query);
  const positiveClass = await positiveClassOf(deps, query.scope);
  if (twoLevelMetricOf(query.metric) === undefined) {
    const reason = `two-level intervals exist for test auc and test acc, not ${query.metric.split} ${query.metric.name}`;
    return {
      ...page,
      entries: page.entries.map((e) => ({ ...e, newPatients: unavailable(reason) })),
      positiveClass,
    };
  }
  const loaded = await loadTestPredictions(
    deps,
    page.entries.flatMap((e) => e.runs.map((r) => r.trialId)),
  );
  return {
    ...page,
    entries: page.entries.map((e) => ({ ...e, newPatients: entryNewPatients(e, loaded, query.metric) })),
    positiveClass,
  };
}

/** The scratch-vs-transfer table with each gain's interval for new patients and the positive class. */
export async function armsTable(deps: TableDeps, query: ScratchVsTransferQuery): Promise<ArmsTable> {
  const rows = await scratchVsTransferTable(deps.db, query);
  const positiveClass = await positiveClassOf(deps, query.scope);
  const goal: MetricGoal = query.goal ?? 'maximize';
  const trialIds = rows
    .flatMap((r) => [...(r.pretrained?.runs ?? []), ...(r.scratch?.runs ?? [])])
    .map((run) => run.trialId);
  const twoLevel = twoLevelMetricOf(query.metric) !== undefined;
  const loaded = twoLevel ? await loadTestPredictions(deps, trialIds) : new Map<string, Loaded>();
  return {
    rows: rows.map((row) => {
      if (row.pretrained === null || row.scratch === null) return row;
      if (!twoLevel) {
        return {
          ...row,
          newPatients: unavailable(
            `two-level intervals exist for test auc and test acc, not ${query.metric.split} ${query.metric.name}`,
          ),
        };
      }
      const pretrained = runsOf(row.pretrained.runs, loaded);
      const scratch = runsOf(row.scratch.runs, loaded);
      if ('unreadable' in pretrained) return { ...row, newPatients: unavailable(pretrained.unreadable) };
      if ('unreadable' in scratch) return { ...row, newPatients: unavailable(scratch.unreadable) };
      const task = pretrained.task ?? scratch.task ?? 'binary-class';
      return {
        ...row,
        newPatients: newPatientsGain(pretrained.runs, scratch.runs, task, query.metric, goal),
      };
    }),
    positiveClass,
  };
}

/** The paper's Table 1 with the positive class its precision, recall and F1 are of. */
export async function paperTableWithFacts(
  deps: TableDeps,
  query: PaperTableQuery,
): Promise<PaperTableWithFacts> {
  const [table, positiveClass] = [await paperTable(deps.db, query), await positiveClassOf(deps, query.scope)];
  return { ...table, positiveClass };
}

/** `vgg16 · scratch · params.lr=0.001`: a configuration for people, with the parameters that vary. */
function entryLabels(entries: readonly LeaderboardEntry[]): string[] {
  const parameters = varyingParameters(entries.map((e) => e.label.config));
  return entries.map((e, i) =>
    [e.label.architecture, e.label.initialisation, parameters[i]].filter((part) => part).join(' · '),
  );
}

export interface PairwiseQuery extends LeaderboardQuery {
  /** Entries in the table, the leader included; default PAIRWISE_ENTRIES. */
  entries?: number;
}

/**
 * The best run of the leader against the best run of each of the next entries (up to `entries` in all)
 * on the same test images, with every test's p-values Holm-adjusted over that family; null when the
 * leaderboard has fewer than two entries. Throws when a run has no stored predictions.
 */
export async function pairwiseTable(
  deps: TableDeps,
  query: PairwiseQuery,
): Promise<(PairwiseTable & PositiveClassFact) | null> {
  const { entries: size = PAIRWISE_ENTRIES, ...board } = query;
  const page = await leaderboard(deps.db, { ...board, limit: size, offset: 0 });
  const [leader, ...others] = page.entries;
  if (leader === undefined || others.length === 0) return null;
  const labels = entryLabels(page.entries);
  const run = (e: LeaderboardEntry, i: number) => ({
    rank: e.rank,
    trialId: e.best.trialId,
    label: labels[i]!,
  });
  const { a, others: targets } = await familyTargets(
    deps.db,
    leader.best.trialId,
    others.map((e) => e.best.trialId),
  );
  const [predictionsA, ...predictionsB] = await mapLimited([a, ...targets], CONCURRENT_READS, async (t) =>
    testPredictions(await loadPredictions(deps.objectStore, t.predictions)),
  );
  const { family } = await compareEntryFamily(deps.db, {
    trialIdA: a.trialId,
    predictionsA: predictionsA!,
    others: targets.map((t, i) => ({ trialId: t.trialId, predictions: predictionsB[i]! })),
  });
  return {
    description: `the best run of the leader against the best run of each of the next ${others.length} configurations by mean ${query.metric.split} ${query.metric.name}`,
    method: family.method,
    size: family.size,
    members: family.members.map((m, i) => ({
      member: { a: run(leader, 0), b: run(others[i]!, i + 1) },
      comparison: m.comparison,
      holm: m.holm,
    })),
    positiveClass: await positiveClassOf(deps, query.scope),
  };
}
