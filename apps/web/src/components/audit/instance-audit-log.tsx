'use client';
// The whole instance's audit log for instance auditors and admins: the events of no project (sign-ins,
// sign-outs, accounts) or every event, newest first, and the verification of the whole chain against the
// anchors kept outside the database. Verifying is itself logged, so the list refreshes after it.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api-error';
import { cursorPages } from '../../lib/cursor-pages';
import { AUDIT_PAGE_SIZE } from '../../lib/paging';
import { useTRPC, useTRPCClient } from '../../trpc/client';
import { AuditEvents, ChainVerdict } from './audit-log';

export type InstanceAuditScope = 'no-project' | 'all';

export function InstanceAuditLog({ scope }: { scope: InstanceAuditScope }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const client = useTRPCClient();
  const events = useInfiniteQuery(
    cursorPages(
      trpc.audit.listInstance.pathKey(),
      { scope, limit: AUDIT_PAGE_SIZE },
      client.audit.listInstance.query,
    ),
  );
  const verify = useMutation(
    trpc.audit.verifyInstanceChain.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.audit.listInstance.pathFilter()),
    }),
  );
  const verdict = verify.data;
  return (
    <>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => verify.mutate()}
          disabled={verify.isPending}
          data-testid="instance-audit-verify"
        >
          {verify.isPending ? 'Verifying…' : 'Verify the whole chain'}
        </button>
      </div>
      <div aria-live="polite">
        {verdict && (
          <div data-testid="instance-audit-verdict" data-ok={String(verdict.ok)}>
            <ChainVerdict result={verdict.chain} what="Whole chain" />
            {verdict.anchors.tampered.length === 0 ? (
              <p className="muted" data-testid="instance-audit-anchors">
                {verdict.anchors.count} anchors listed; none shows an overwrite or a deletion.
              </p>
            ) : (
              <div className="notice error" data-testid="instance-audit-anchors">
                {verdict.anchors.tampered.length} of {verdict.anchors.count} anchors were tampered with:
                <ul>
                  {verdict.anchors.tampered.map((t) => (
                    <li key={t.key}>
                      <span className="mono">{t.key}</span>: {t.reason}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        )}
        {verify.isError && (
          <p className="notice error" role="alert" data-testid="instance-audit-verify-error">
            {errorMessage(verify.error)}
          </p>
        )}
      </div>
      <AuditEvents events={events} showProject={scope === 'all'} />
    </>
  );
}
