'use client';
// One dataset as its import found it: what it is and its manifest hash, the class balance of each split,
// sample images of each class, the duplicate and leakage report with its examples, and the sweeps that
// trained on it.
import type { RouterOutputs } from '@medsweep/api';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage } from '../../lib/api-error';
import { formatTime } from '../../lib/format';
import { useTRPC } from '../../trpc/client';
import { BarChart } from '../charts/bar-chart';
import { StatusBadge } from '../status-badge';

type Detail = RouterOutputs['datasets']['get'];
type Report = NonNullable<Detail['report']>;

const SPLITS = ['train', 'val', 'test'] as const;

export function DatasetDetail({ datasetId }: { datasetId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.datasets.get.queryOptions({ datasetId }));
  if (query.isError) {
    return (
      <p className="notice error" role="alert">
        {errorMessage(query.error)}
      </p>
    );
  }
  const detail = query.data;
  if (detail === undefined) return <p className="muted">Loading…</p>;
  const { dataset, report, sweeps } = detail;
  const classNames = report?.classNames ?? Array.from({ length: dataset.numClasses }, (_, i) => String(i));
  return (
    <article data-testid="dataset-detail" data-leaky={dataset.leaky}>
      <p className="crumbs">
        <Link href={`/sweeps?project=${encodeURIComponent(detail.project)}`}>{detail.project}</Link> / dataset
      </p>
      <h1>
        {dataset.name} {dataset.leaky && <StatusBadge status="leaky" testId="dataset-leaky" />}
      </h1>
      <dl className="facts">
        <dt>Task</dt>
        <dd>
          {dataset.task}, {dataset.numClasses}{' '}
          {dataset.task === 'multi-label, binary-class' ? 'labels' : 'classes'}
          {report &&
            `, ${report.image.height}x${report.image.width} px ${report.image.channels === 1 ? 'grey' : 'RGB'}`}
        </dd>
        <dt>Manifest hash</dt>
        <dd className="mono" data-testid="dataset-manifest-hash">
          sha256:{dataset.contentHash}
        </dd>
        <dt>Split assignment</dt>
        <dd className="mono" data-testid="dataset-split-hash">
          {report?.splitAssignment?.method ?? 'none'}
          {dataset.splitAssignmentHash && `, sha256:${dataset.splitAssignmentHash}`}
        </dd>
        <dt>Source</dt>
        <dd>
          {dataset.source} ({dataset.licence})
        </dd>
        <dt>Imported</dt>
        <dd>{formatTime(dataset.createdAt)}</dd>
      </dl>
      {report === null ? (
        <p className="notice" data-testid="dataset-no-report">
          No import report: registered without per-sample records (or before reports were stored), so its
          duplicates and leakage were never checked.
        </p>
      ) : (
        <>
          <BarChart
            title="Class balance per split"
            categories={classNames}
            series={SPLITS.map((s) => ({
              label: `${s} (${report.splits[s].count})`,
              values: report.splits[s].perClass,
            }))}
            yLabel={dataset.task === 'multi-label, binary-class' ? 'positive images' : 'images'}
            testId="class-balance"
          />
          <LeakageReport report={report} />
        </>
      )}
      <SampleGrid datasetId={datasetId} classNames={classNames} />
      <section aria-labelledby="dataset-sweeps-heading">
        <h2 id="dataset-sweeps-heading">Sweeps that trained on it</h2>
        {sweeps.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <table data-testid="dataset-sweeps">
            <thead>
              <tr>
                <th scope="col">sweep</th>
                <th scope="col">status</th>
                <th scope="col" className="num">
                  trials
                </th>
                <th scope="col">created</th>
              </tr>
            </thead>
            <tbody>
              {sweeps.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link href={`/sweeps/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td className="num">{s.trials}</td>
                  <td>{formatTime(s.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </article>
  );
}

function LeakageReport({ report }: { report: Report }) {
  const { duplicates, leakage } = report;
  const pairs = [
    ...duplicates.exact.listed.map((p) => ({ ...p, kind: 'exact' })),
    ...duplicates.near.listed.map((p) => ({ ...p, kind: `d=${p.distance}` })),
  ];
  const groups = [
    ...leakage.patients.map((g) => ({ ...g, kind: 'patient' })),
    ...leakage.studies.map((g) => ({ ...g, kind: 'study' })),
  ];
  return (
    <section aria-labelledby="leakage-heading" data-testid="leakage-report">
      <h2 id="leakage-heading">Leakage and duplicates</h2>
      {leakage.leaky ? (
        <p className="notice error" data-testid="leakage-verdict">
          Leaky: {leakage.reasons.join('; ')}. A sweep on it must say why it may:{' '}
          <code>
            dataset: {'{'} name, allowLeakage: &quot;&lt;reason&gt;&quot; {'}'}
          </code>
          .
        </p>
      ) : (
        <p className="notice success" data-testid="leakage-verdict">
          No patient, study or image is shared between splits.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col" className="num">
              across splits
            </th>
            <th scope="col" className="num">
              within a split
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">identical image pairs</th>
            <td className="num">{duplicates.exact.crossSplit}</td>
            <td className="num">{duplicates.exact.withinSplit}</td>
          </tr>
          <tr>
            <th scope="row">near-duplicate pairs (Hamming ≤ {duplicates.maxDistance})</th>
            <td className="num">{duplicates.near.crossSplit}</td>
            <td className="num">{duplicates.near.withinSplit}</td>
          </tr>
          <tr>
            <th scope="row">patients</th>
            <td className="num" data-testid="patients-in-several-splits">
              {leakage.samplesWithPatientId === 0 ? 'not named' : leakage.patientsInSeveralSplits}
            </td>
            <td className="num">—</td>
          </tr>
          <tr>
            <th scope="row">studies</th>
            <td className="num">{leakage.studiesInSeveralSplits}</td>
            <td className="num">—</td>
          </tr>
        </tbody>
      </table>
      {groups.length > 0 && (
        <ul data-testid="shared-groups">
          {groups.map((g) => (
            <li key={`${g.kind}:${g.id}`}>
              {g.kind} <code>{g.id}</code>:{' '}
              {SPLITS.filter((s) => g.samples[s] > 0)
                .map((s) => `${s} ${g.samples[s]} (${(g.examples[s] ?? []).join(', ')})`)
                .join(', ')}
            </li>
          ))}
        </ul>
      )}
      {pairs.length > 0 && (
        <ul data-testid="duplicate-pairs">
          {pairs.map((p) => (
            <li key={`${p.kind}:${p.a.split}:${p.a.key}:${p.b.split}:${p.b.key}`}>
              {p.kind}: <code>{`${p.a.split}:${p.a.key}`}</code> and <code>{`${p.b.split}:${p.b.key}`}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SampleGrid({ datasetId, classNames }: { datasetId: string; classNames: readonly string[] }) {
  const trpc = useTRPC();
  const previews = useQuery(trpc.datasets.previews.queryOptions({ datasetId }, { staleTime: Infinity }));
  return (
    <section aria-labelledby="samples-heading">
      <h2 id="samples-heading">Sample images per class</h2>
      {previews.isError && (
        <p className="notice error" role="alert">
          {errorMessage(previews.error)}
        </p>
      )}
      {previews.data?.length === 0 && <p className="muted">No sample images were stored at import.</p>}
      {previews.data && previews.data.length > 0 && (
        <div data-testid="sample-grid">
          {classNames.map((name, c) => {
            const images = previews.data.filter((p) => p.classIndex === c);
            return (
              <figure key={name} className="sample-row" data-class={c}>
                <figcaption>{name}</figcaption>
                {images.map((p) => (
                  <img
                    key={`${p.split}:${p.key}`}
                    src={p.src}
                    alt={`${name}: ${p.split} sample ${p.key}`}
                    title={`${p.split}:${p.key}`}
                    width={64}
                    height={64}
                    style={{ imageRendering: 'pixelated', marginRight: 4 }}
                  />
                ))}
              </figure>
            );
          })}
        </div>
      )}
    </section>
  );
}
