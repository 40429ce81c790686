'use client';
// ROC curves, confusion matrices (multi-label: each label's AUC instead, as its samples have no single
// class) and reliability diagrams of the test (and validation) split, computed by the API from the
// trial's stored predictions. Trials without predictions (still running, synthetic) say so instead.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api-error';
import { formatMetric } from '../../lib/format';
import { useTRPC } from '../../trpc/client';
import { ConfusionMatrix } from '../charts/confusion-matrix';
import { LineChart } from '../charts/line-chart';

export function EvaluationCharts({ trialId }: { trialId: string }) {
  const trpc = useTRPC();
  const [split, setSplit] = useState<'test' | 'val'>('test');
  const evaluation = useQuery(trpc.trials.evaluation.queryOptions({ trialId }, { staleTime: Infinity }));
  if (evaluation.isPending) return <p className="muted">Loading evaluation…</p>;
  if (evaluation.isError) {
    return (
      <p className="notice error" role="alert">
        {errorMessage(evaluation.error)}
      </p>
    );
  }
  if (evaluation.data === null) {
    return (
      <p className="notice" data-testid="evaluation-empty">
        No stored predictions for this trial, so no ROC curve, confusion matrix or calibration plot.
      </p>
    );
  }
  const data = evaluation.data.splits[split];
  const { classNames, positiveClass } = evaluation.data;
  return (
    <div data-testid="evaluation">
      {positiveClass !== null && (
        <p className="muted" data-testid="positive-class">
          Precision, recall (sensitivity), specificity, F1 and the operating point are those of the positive
          class: {positiveClass}.
        </p>
      )}
      <div className="toolbar" role="radiogroup" aria-label="Split">
        {(['test', 'val'] as const).map((s) => (
          <label key={s} style={{ flexDirection: 'row', alignItems: 'center' }}>
            <input type="radio" name="split" value={s} checked={split === s} onChange={() => setSplit(s)} />{' '}
            {s}
          </label>
        ))}
      </div>
      <div className="grid-2">
        <LineChart
          title={`ROC (${split})`}
          xLabel="false positive rate"
          yLabel="true positive rate"
          series={data.roc.map((r) => ({ label: r.problem, x: r.fpr, y: r.tpr }))}
          xDomain={[0, 1]}
          yDomain={[0, 1]}
          diagonal
          testId="roc-chart"
        />
        {data.confusion !== null && (
          <ConfusionMatrix
            title={`Confusion matrix (${split})`}
            classNames={data.confusion.map((_, i) => classNames[i] ?? `class ${i}`)}
            matrix={data.confusion}
            testId="confusion-matrix"
          />
        )}
        {data.aucPerLabel !== null && (
          <LabelAucTable split={split} classNames={classNames} aucPerLabel={data.aucPerLabel} />
        )}
        <LineChart
          title={`Calibration (${split}), ECE ${formatMetric(data.expectedCalibrationError)}`}
          xLabel="mean predicted probability"
          yLabel="observed frequency"
          series={[
            {
              label: 'model',
              x: data.calibration.filter((b) => b.count > 0).map((b) => b.meanConfidence ?? Number.NaN),
              y: data.calibration.filter((b) => b.count > 0).map((b) => b.observedFrequency ?? Number.NaN),
              markers: true,
            },
          ]}
          xDomain={[0, 1]}
          yDomain={[0, 1]}
          diagonal
          testId="calibration-chart"
        />
      </div>
    </div>
  );
}

/** A multi-label trial's AUC per label; their mean is its AUC (MedMNIST's multi-label AUC). */
function LabelAucTable({
  split,
  classNames,
  aucPerLabel,
}: {
  split: 'test' | 'val';
  classNames: readonly string[];
  aucPerLabel: readonly { problem: string; auc: number }[];
}) {
  const mean = aucPerLabel.reduce((sum, l) => sum + l.auc, 0) / aucPerLabel.length;
  return (
    <figure className="chart" data-testid="label-auc-table">
      <figcaption>AUC per label ({split})</figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col">label</th>
            <th scope="col">AUC</th>
          </tr>
        </thead>
        <tbody>
          {aucPerLabel.map((l, i) => (
            <tr key={l.problem}>
              <td>{classNames[i] ?? l.problem}</td>
              <td className="num">{formatMetric(l.auc)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">mean</th>
            <td className="num">{formatMetric(mean)}</td>
          </tr>
        </tfoot>
      </table>
    </figure>
  );
}
