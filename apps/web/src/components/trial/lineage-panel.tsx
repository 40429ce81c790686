'use client';
// The lineage record (every hash that says what produced this trial's numbers) with its verification
// against the store; auditors can re-verify from the artifacts' bytes.
import type { RouterOutputs } from '@medsweep/api';
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api-error';
import { shortHash } from '../../lib/format';
import { useTRPC } from '../../trpc/client';

type Detail = RouterOutputs['trials']['get'];
type Verification = NonNullable<Detail['verification']>;

function VerificationResult({ result, testId }: { result: Verification; testId: string }) {
  return result.ok ? (
    <p className="notice success" data-testid={testId} data-ok="true">
      Verified: {result.checked.length} links match ({result.checked.join(', ')}); not independently
      recomputed: {result.unchecked.join(', ') || 'none'}.
    </p>
  ) : (
    <p className="notice error" data-testid={testId} data-ok="false">
      Broken at <strong>{result.link}</strong>: stored <code>{JSON.stringify(result.stored)}</code>,
      recomputed <code>{JSON.stringify(result.recomputed)}</code>.
    </p>
  );
}

const HASHES = [
  ['Dataset manifest', 'datasetManifestHash'],
  ['Split assignment', 'splitAssignmentHash'],
  ['Spec', 'specHash'],
  ['Config', 'configHash'],
  ['Lock file', 'lockHash'],
  ['Weights in', 'weightsInHash'],
  ['Weights out', 'weightsOutHash'],
  ['Predictions', 'predictionsHash'],
  ['Metrics', 'metricsHash'],
  ['Record', 'recordHash'],
] as const;

export function LineagePanel({ detail, canVerify }: { detail: Detail; canVerify: boolean }) {
  const trpc = useTRPC();
  const reverify = useMutation(trpc.audit.verifyLineage.mutationOptions());
  const { lineage, verification } = detail;
  if (lineage === null) {
    return <p className="muted">No lineage yet: it is recorded with the trial&apos;s result.</p>;
  }
  return (
    <div data-testid="lineage">
      {verification && <VerificationResult result={verification} testId="lineage-status" />}
      <dl className="facts">
        <dt>Code</dt>
        <dd className="mono">
          {lineage.codeVersion}
          {lineage.codeDirty && <strong> (uncommitted changes)</strong>}
        </dd>
        <dt>Backend</dt>
        <dd>
          {lineage.backend} <span className="mono">{JSON.stringify(lineage.backendVersions)}</span>
        </dd>
        {lineage.leakageAcknowledgement !== null && (
          <>
            <dt>Leakage allowed</dt>
            <dd data-testid="lineage-leakage-acknowledgement">{lineage.leakageAcknowledgement}</dd>
          </>
        )}
        {HASHES.map(([label, key]) => (
          <div key={key} style={{ display: 'contents' }}>
            <dt>{label}</dt>
            <dd className="mono" title={lineage[key] ?? undefined}>
              {shortHash(lineage[key])}
            </dd>
          </div>
        ))}
      </dl>
      {canVerify && (
        <p>
          <button
            type="button"
            onClick={() => reverify.mutate({ trialId: detail.trial.id, rehashArtifacts: true })}
            disabled={reverify.isPending}
            data-testid="lineage-reverify"
          >
            {reverify.isPending ? 'Verifying…' : 'Re-verify from artifact bytes'}
          </button>
        </p>
      )}
      {reverify.isSuccess && <VerificationResult result={reverify.data} testId="lineage-reverify-result" />}
      {reverify.isError && (
        <p className="notice error" role="alert">
          {errorMessage(reverify.error)}
        </p>
      )}
    </div>
  );
}
