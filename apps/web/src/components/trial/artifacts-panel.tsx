'use client';
// The trial's artifacts with signed download links (asked for on click, as they expire within minutes),
// and its Grad-CAM images, shown through links signed when the page loads.
import type { RouterOutputs } from '@medsweep/api';
import { useMutation, useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api-error';
import { formatBytes, formatTime, shortHash } from '../../lib/format';
import { useTRPC, useTRPCClient } from '../../trpc/client';

type Artifact = RouterOutputs['trials']['get']['artifacts'][number];

function DownloadButton({ artifact }: { artifact: Artifact }) {
  const client = useTRPCClient();
  const [failure, setFailure] = useState<string | null>(null);
  // A fresh signed link on each click, never a cached one: links expire.
  const link = useMutation({
    mutationFn: () => client.artifacts.link.query({ artifactId: artifact.id }),
    onSuccess: (signed) => location.assign(signed.url),
    onError: (e) => setFailure(errorMessage(e)),
  });
  return (
    <>
      <button
        type="button"
        onClick={() => link.mutate()}
        disabled={link.isPending}
        data-testid="artifact-download"
      >
        Download
      </button>
      {failure && (
        <span className="notice error" role="alert">
          {failure}
        </span>
      )}
    </>
  );
}

export function ArtifactsPanel({ artifacts }: { artifacts: readonly Artifact[] }) {
  if (artifacts.length === 0) return <p className="muted">No artifacts stored for this trial.</p>;
  return (
    <table className="data" data-testid="artifacts-table">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Object</th>
          <th scope="col" className="num">
            Size
          </th>
          <th scope="col">sha256</th>
          <th scope="col">Stored</th>
          <th scope="col">Link</th>
        </tr>
      </thead>
      <tbody>
        {artifacts.map((a) => (
          <tr key={a.id} data-testid="artifact-row" data-kind={a.kind}>
            <td>{a.kind}</td>
            <td className="mono">{a.uri}</td>
            <td className="num">{formatBytes(a.sizeBytes)}</td>
            <td className="mono" title={a.sha256}>
              {shortHash(a.sha256)}
            </td>
            <td>{formatTime(a.createdAt)}</td>
            <td>
              <DownloadButton artifact={a} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function GradCamGallery({ artifacts }: { artifacts: readonly Artifact[] }) {
  const trpc = useTRPC();
  const images = artifacts.filter((a) => a.kind === 'gradcam');
  const links = useQueries({
    queries: images.map((a) => ({
      ...trpc.artifacts.link.queryOptions({ artifactId: a.id }),
      staleTime: 60_000,
    })),
  });
  if (images.length === 0) {
    return (
      <p className="muted" data-testid="gradcam-empty">
        No Grad-CAM images were stored for this trial.
      </p>
    );
  }
  return (
    <div className="gradcam-grid" data-testid="gradcam">
      {images.map((a, i) => {
        const link = links[i];
        const name = a.uri.split('/').at(-1) ?? a.uri;
        return (
          <figure key={a.id} style={{ margin: 0 }}>
            {link?.data ? (
              // A plain img: Next's image optimiser would cache a signed URL past its expiry.
              <img src={link.data.url} alt={`Grad-CAM ${name}`} loading="lazy" />
            ) : (
              <span className="muted">{link?.isError ? errorMessage(link.error) : 'loading…'}</span>
            )}
            <figcaption className="muted">{name}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}
