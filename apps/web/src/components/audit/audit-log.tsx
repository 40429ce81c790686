'use client';
// A project's audit events, newest first, and the hash chain's verification for auditors and admins.
// Verifying is itself logged, so the list refreshes after it. The events table and the verdict serve the
// instance-wide log too (instance-audit-log.tsx).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { RouterOutputs } from '@medsweep/api';
import { errorMessage } from '../../lib/api-error';
import { formatTime, shortHash } from '../../lib/format';
import { cursorPages } from '../../lib/cursor-pages';
import { AUDIT_PAGE_SIZE } from '../../lib/paging';
import { useTRPC, useTRPCClient } from '../../trpc/client';

const PAYLOAD_PREVIEW = 100;

/** Short payloads inline; long ones (recorded results) folded, so the log stays one screen per page. */
function Payload({ payload }: { payload: unknown }) {
  const text = JSON.stringify(payload);
  if (text.length <= PAYLOAD_PREVIEW) return <>{text}</>;
  return (
    <details>
      <summary>{text.slice(0, PAYLOAD_PREVIEW)}…</summary>
      <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{JSON.stringify(payload, null, 2)}</pre>
    </details>
  );
}

type AuditPage = RouterOutputs['audit']['list'];
type ChainVerification = RouterOutputs['audit']['verifyChain'];

/** A verification's verdict: how far the chain is intact, or the first event that breaks it. */
export function ChainVerdict({ result, what }: { result: ChainVerification; what: string }) {
  const anchors =
    result.anchorsChecked === undefined ? null : (
      <>, {result.anchorsChecked} of them compared with anchors kept outside the database</>
    );
  return result.ok ? (
    <p className="notice success" data-testid="audit-verify-result" data-ok="true">
      {what} intact: {result.events} events verified
      {result.head && (
        <>
          {' '}
          up to #{result.head.seq} (<span className="mono">{shortHash(result.head.hash)}</span>)
        </>
      )}
      {anchors}.
    </p>
  ) : (
    <p className="notice error" data-testid="audit-verify-result" data-ok="false">
      {what} broken at #{result.brokenAt} ({result.reason}): expected{' '}
      <span className="mono">{result.expected}</span>, found <span className="mono">{result.found}</span>{' '}
      after {result.events} events{anchors}.
    </p>
  );
}

/**
 * Audit events, newest first, a page at a time (the caller's infinite query of audit.list or
 * audit.listInstance); `showProject` adds the project column, for logs that span projects.
 */
export function AuditEvents({
  events,
  showProject = false,
}: {
  events: UseInfiniteQueryResult<InfiniteData<AuditPage>>;
  showProject?: boolean;
}) {
  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  if (events.isError) {
    return (
      <p className="notice error" role="alert">
        {errorMessage(events.error)}
      </p>
    );
  }
  return (
    <>
      <table className="data" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Time</th>
            {showProject && <th scope="col">Project</th>}
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col">Payload</th>
            <th scope="col">Hash</th>
            <th scope="col">Previous</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.seq} data-testid="audit-row" data-action={e.action} data-project={e.projectId ?? ''}>
              <td className="num">{e.seq}</td>
              <td>{formatTime(e.createdAt)}</td>
              {showProject && (
                <td className="mono" title={e.projectId ?? 'no project'}>
                  {/* The id's random tail: its head is a timestamp, alike for projects made close together. */}
                  {e.projectId === null ? '—' : `…${e.projectId.slice(-12)}`}
                </td>
              )}
              <td className="mono">{e.actor}</td>
              <td>{e.action}</td>
              <td className="mono">
                {e.subjectType}:{e.subjectId}
              </td>
              <td className="mono" style={{ maxWidth: '24rem', overflowWrap: 'anywhere' }}>
                <Payload payload={e.payload} />
              </td>
              <td className="mono" title={e.hash}>
                {shortHash(e.hash)}
              </td>
              <td className="mono" title={e.prevHash}>
                {shortHash(e.prevHash)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.hasNextPage && (
        <p>
          <button
            type="button"
            onClick={() => void events.fetchNextPage()}
            disabled={events.isFetchingNextPage}
          >
            {events.isFetchingNextPage ? 'Loading…' : 'Older events'}
          </button>
        </p>
      )}
    </>
  );
}

export function AuditLog({ project, canVerify }: { project: string; canVerify: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const client = useTRPCClient();
  const events = useInfiniteQuery(
    cursorPages(trpc.audit.list.pathKey(), { project, limit: AUDIT_PAGE_SIZE }, client.audit.list.query),
  );
  const verify = useMutation(
    trpc.audit.verifyChain.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.audit.list.pathFilter()),
    }),
  );
  return (
    <>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => verify.mutate({ project })}
          disabled={!canVerify || verify.isPending}
          aria-describedby={canVerify ? undefined : 'verify-reason'}
          data-testid="audit-verify"
        >
          {verify.isPending ? 'Verifying…' : 'Verify chain'}
        </button>
        {!canVerify && (
          <span id="verify-reason" className="muted">
            Only auditors and admins run the verifier.
          </span>
        )}
      </div>
      <div aria-live="polite">
        {verify.isSuccess && <ChainVerdict result={verify.data} what="Chain" />}
        {verify.isError && (
          <p className="notice error" role="alert" data-testid="audit-verify-error">
            {errorMessage(verify.error)}
          </p>
        )}
      </div>
      <AuditEvents events={events} />
    </>
  );
}
