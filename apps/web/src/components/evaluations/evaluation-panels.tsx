'use client';
// A trial's evaluations beyond its own test split: the robustness panel (clean vs each corruption and
// severity, with the paired drop from clean), external validation (another dataset's test split beside
// the internal one) and subgroups (per value of an attribute, with the largest gap), each with its
// intervals, and the buttons that ask for them (for roles that may submit work).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactNode } from 'react';
import type { TestSetMetrics } from '@medsweep/core';
import type { RouterOutputs } from '@medsweep/api';
import { errorMessage } from '../../lib/api-error';
import { useTRPC } from '../../trpc/client';
import { IntervalCell } from './interval';
import { RequestState, useEvaluationRequest } from './evaluation-request';

type Evaluation = RouterOutputs['evaluations']['list'][number];
type Result<K extends Evaluation['result']['kind']> = Extract<Evaluation['result'], { kind: K }>;

const METRICS = [
  ['auc', 'AUC'],
  ['accuracy', 'ACC'],
  ['sensitivity', 'Sensitivity'],
  ['specificity', 'Specificity'],
] as const;

function RobustnessPanel({ result }: { result: Result<'robustness'> }) {
  return (
    <>
      <p className="muted">
        {result.source}, random corruptions drawn with seed {result.seed}. Drop = clean minus corrupted
        (positive is a loss), with paired 95% intervals (DeLong for AUC, Newcombe for ACC).
      </p>
      <table className="data" data-testid="robustness-table">
        <thead>
          <tr>
            <th scope="col">Corruption</th>
            <th scope="col" className="num">
              Severity
            </th>
            <th scope="col" className="num">
              AUC [95% CI]
            </th>
            <th scope="col" className="num">
              AUC drop
            </th>
            <th scope="col" className="num">
              ACC [95% CI]
            </th>
            <th scope="col" className="num">
              ACC drop
            </th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="robustness-clean">
            <td>clean</td>
            <td className="num">—</td>
            <IntervalCell value={result.clean.metrics.auc} />
            <td className="num">—</td>
            <IntervalCell value={result.clean.metrics.accuracy} />
            <td className="num">—</td>
          </tr>
          {result.rows.map((r) => (
            <tr key={`${r.corruption}-${r.severity}`} data-testid="robustness-row">
              <td>{r.corruption}</td>
              <td className="num">{r.severity}</td>
              <IntervalCell value={r.metrics.auc} />
              <IntervalCell value={r.drop.auc} />
              <IntervalCell value={r.metrics.accuracy} />
              <IntervalCell value={r.drop.accuracy} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function MetricsRow({ label, result, testId }: { label: string; result: TestSetMetrics; testId: string }) {
  return (
    <tr data-testid={testId}>
      <td>{label}</td>
      <td className="num">{result.samples}</td>
      <td className="num">{result.positives ?? '—'}</td>
      {METRICS.map(([metric]) => (
        <IntervalCell key={metric} value={result.metrics[metric]} />
      ))}
    </tr>
  );
}

const metricHeaders = (first: string) => (
  <thead>
    <tr>
      <th scope="col">{first}</th>
      <th scope="col" className="num">
        Images
      </th>
      <th scope="col" className="num">
        Positives
      </th>
      {METRICS.map(([metric, label]) => (
        <th key={metric} scope="col" className="num">
          {label} [95% CI]
        </th>
      ))}
    </tr>
  </thead>
);

function SubgroupPanel({ result }: { result: Result<'subgroups'> }) {
  const { report } = result;
  return (
    <>
      <table className="data" data-testid="subgroup-table" data-attribute={result.attribute}>
        {metricHeaders(result.attribute)}
        <tbody>
          {report.groups.map((g) => (
            <MetricsRow key={g.value} label={g.value} result={g} testId="subgroup-row" />
          ))}
        </tbody>
      </table>
      <table className="data" data-testid="subgroup-gaps">
        <thead>
          <tr>
            <th scope="col">Largest gap</th>
            <th scope="col">Between</th>
            <th scope="col" className="num">
              Difference [95% CI]
            </th>
          </tr>
        </thead>
        <tbody>
          {METRICS.map(([metric, label]) => {
            const gap = report.largestGap[metric];
            return (
              <tr key={metric}>
                <td>{label}</td>
                <td>
                  {gap.outcome === 'interval' ? `${gap.highest} − ${gap.lowest}` : gap.reason}
                  {gap.outcome === 'interval' && gap.note && <span className="muted"> ({gap.note})</span>}
                </td>
                <IntervalCell value={gap} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {report.missingAttribute > 0 && (
        <p className="muted">
          {report.missingAttribute} test image(s) have no {result.attribute} and are in no subgroup.
        </p>
      )}
    </>
  );
}

/** The trial's own test split beside each external dataset's. */
function ExternalTable({
  internal,
  internalName,
  externals,
}: {
  internal: TestSetMetrics | null;
  internalName: string;
  externals: Result<'external'>[];
}) {
  return (
    <table className="data" data-testid="external-table">
      {metricHeaders('Test split of')}
      <tbody>
        {internal && (
          <MetricsRow label={`${internalName} (internal)`} result={internal} testId="external-internal" />
        )}
        {externals.map((e) => (
          <MetricsRow
            key={e.dataset.manifestSha256}
            label={e.dataset.name}
            result={e.result}
            testId="external-row"
          />
        ))}
      </tbody>
    </table>
  );
}

/** A choice (an external dataset, a subgroup attribute) and the button that evaluates the trial on it. */
function ChooseAndEvaluate({
  label,
  value,
  onChange,
  options,
  selectTestId,
  runTestId,
  onRun,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
  selectTestId: string;
  runTestId: string;
  onRun: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="toolbar">
      <label>
        {label}{' '}
        <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={selectTestId}>
          <option value="">choose…</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={value === ''} data-testid={runTestId} onClick={onRun}>
        Evaluate
      </button>
      {children}
    </div>
  );
}

export function EvaluationPanels({
  trialId,
  datasetName,
  canEvaluate,
}: {
  trialId: string;
  datasetName: string;
  /** The caller's role may ask for evaluations (it may submit work in the project). */
  canEvaluate: boolean;
}) {
  const trpc = useTRPC();
  const list = useQuery(trpc.evaluations.list.queryOptions({ trialId }));
  const options = useQuery(trpc.evaluations.options.queryOptions({ trialId }, { staleTime: 60_000 }));
  const own = useQuery(trpc.trials.evaluation.queryOptions({ trialId }, { staleTime: Infinity }));
  const [external, setExternal] = useState('');
  const [attribute, setAttribute] = useState('');
  type Ask = Parameters<typeof useEvaluationRequest>[1];
  const [robustAsk, setRobustAsk] = useState<Ask>(null);
  const [externalAsk, setExternalAsk] = useState<Ask>(null);
  const [subgroupAsk, setSubgroupAsk] = useState<Ask>(null);
  const robust = useEvaluationRequest(trialId, robustAsk);
  const externalRun = useEvaluationRequest(trialId, externalAsk);
  const subgroupRun = useEvaluationRequest(trialId, subgroupAsk);

  const failed = list.isError ? list.error : options.isError ? options.error : null;
  if (failed !== null) {
    return (
      <p className="notice error" role="alert" data-testid="evaluations-error">
        {errorMessage(failed)}
      </p>
    );
  }
  if (list.data === undefined || options.data === undefined)
    return <p className="muted">Loading evaluations…</p>;
  const { refused, attributes, externalDatasets } = options.data;
  const results = list.data.map((e) => e.result);
  const robustness = results.filter((r): r is Result<'robustness'> => r.kind === 'robustness');
  const externals = results.filter((r): r is Result<'external'> => r.kind === 'external');
  const subgroups = results.filter((r): r is Result<'subgroups'> => r.kind === 'subgroups');
  const compatible = externalDatasets.filter((d) => d.problem === null);
  const may = canEvaluate && refused === null;
  const internal = own.data?.splits.test.intervals ?? null;

  return (
    <div data-testid="evaluation-panels">
      {refused !== null && <p className="notice">{refused}</p>}
      <h3>Robustness</h3>
      {robustness.length > 0 ? (
        robustness.map((r) => <RobustnessPanel key={r.seed} result={r} />)
      ) : (
        <p className="muted" data-testid="robustness-empty">
          No robustness panel yet: the test split under every corruption of the dataset's MedMNIST-C list, at
          five severities.
        </p>
      )}
      {may && robustness.length === 0 && (
        <div className="toolbar">
          <button
            type="button"
            data-testid="run-robustness"
            onClick={() => {
              const ask = { kind: 'robustness' as const, seed: 0 };
              setRobustAsk(ask);
              robust.start(ask);
            }}
          >
            Run robustness panel
          </button>
        </div>
      )}
      <RequestState state={robust.state} error={robust.error} testId="robustness-request" />

      <h3>External validation</h3>
      <ExternalTable internal={internal} internalName={datasetName} externals={externals} />
      {may && (
        <ChooseAndEvaluate
          label="Dataset with the same classes"
          value={external}
          onChange={setExternal}
          options={compatible.map((d) => ({ value: d.id, label: d.name }))}
          selectTestId="external-dataset"
          runTestId="run-external"
          onRun={() => {
            const ask = { kind: 'external' as const, datasetId: external };
            setExternalAsk(ask);
            externalRun.start(ask);
          }}
        >
          {externalDatasets.length > compatible.length && (
            <span className="muted">
              {externalDatasets.length - compatible.length} other dataset(s) have other classes.
            </span>
          )}
        </ChooseAndEvaluate>
      )}
      <RequestState state={externalRun.state} error={externalRun.error} testId="external-request" />

      <h3>Subgroups</h3>
      {subgroups.map((s) => (
        <SubgroupPanel key={s.attribute} result={s} />
      ))}
      {attributes.length === 0 ? (
        <p className="muted" data-testid="subgroups-none">
          The dataset's test samples carry no attributes (sex, site, ...) to form subgroups by.
        </p>
      ) : (
        may && (
          <ChooseAndEvaluate
            label="Attribute"
            value={attribute}
            onChange={setAttribute}
            options={attributes.map((a) => ({ value: a, label: a }))}
            selectTestId="subgroup-attribute"
            runTestId="run-subgroups"
            onRun={() => {
              const ask = { kind: 'subgroups' as const, attribute };
              setSubgroupAsk(ask);
              subgroupRun.start(ask);
            }}
          />
        )
      )}
      <RequestState state={subgroupRun.state} error={subgroupRun.error} testId="subgroups-request" />
    </div>
  );
}
