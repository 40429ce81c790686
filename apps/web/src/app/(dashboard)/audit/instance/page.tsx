import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import Link from 'next/link';
import { InstanceAuditLog } from '../../../../components/audit/instance-audit-log';
import type { InstanceAuditScope } from '../../../../components/audit/instance-audit-log';
import type { PageWithSearch } from '../../../../lib/page-props';
import { cursorPages } from '../../../../lib/cursor-pages';
import { AUDIT_PAGE_SIZE } from '../../../../lib/paging';
import { getQueryClient, serverCaller, trpc } from '../../../../server/caller';
import { requireUser } from '../../../../server/session';

export const metadata: Metadata = { title: 'Instance audit log' };

const SCOPES: readonly { scope: InstanceAuditScope; label: string }[] = [
  { scope: 'no-project', label: 'Events of no project' },
  { scope: 'all', label: 'All events' },
];

export default async function InstanceAuditPage({ searchParams }: PageWithSearch) {
  const user = await requireUser();
  const scope: InstanceAuditScope = (await searchParams).scope === 'all' ? 'all' : 'no-project';
  const header = <h1>Audit log of the whole instance</h1>;
  // The API refuses the calls too; the page says why instead of showing an error.
  if (!user.instanceActions.includes('instance.audit')) {
    return (
      <>
        {header}
        <p className="notice" data-testid="instance-audit-forbidden">
          {user.instanceRole === null
            ? 'Your account has no instance role'
            : `Your instance role (${user.instanceRole}) does not reach this page through this sign-in`}
          : only instance auditors and admins read the whole audit log. Project audit logs are under{' '}
          <Link href="/audit">Audit</Link>.
        </p>
      </>
    );
  }
  const queryClient = getQueryClient();
  const caller = await serverCaller();
  await queryClient.prefetchInfiniteQuery(
    cursorPages(
      trpc.audit.listInstance.pathKey(),
      { scope, limit: AUDIT_PAGE_SIZE },
      caller.audit.listInstance,
    ),
  );
  return (
    <>
      {header}
      <nav aria-label="Which events" className="toolbar" data-testid="instance-audit-scopes">
        {SCOPES.map((s) =>
          s.scope === scope ? (
            <strong key={s.scope} aria-current="page">
              {s.label}
            </strong>
          ) : (
            <Link
              key={s.scope}
              href={`/audit/instance?scope=${s.scope}`}
              data-testid={`instance-audit-scope-${s.scope}`}
            >
              {s.label}
            </Link>
          ),
        )}
      </nav>
      <p className="muted">
        Events of no project are sign-ins, failed sign-ins, sign-outs and account changes; every event of
        every project is in one hash chain. Verifying walks the whole chain and compares it with the heads
        anchored outside the database, so a chain rewritten and re-hashed inside the database is caught there.
      </p>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <InstanceAuditLog scope={scope} />
      </HydrationBoundary>
    </>
  );
}
