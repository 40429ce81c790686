import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { OwnTokens } from '../../../components/account/own-tokens';
import { getQueryClient, trpc } from '../../../server/caller';
import { myProjects, requireUser } from '../../../server/session';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const user = await requireUser();
  const projects = await myProjects();
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(trpc.auth.listTokens.queryOptions());
  return (
    <>
      <h1>Your account</h1>
      <dl className="facts" data-testid="account-facts">
        <dt>Email</dt>
        <dd>{user.user.email}</dd>
        <dt>Instance role</dt>
        <dd data-testid="account-instance-role">{user.instanceRole ?? 'none'}</dd>
        <dt>Projects</dt>
        <dd>{user.memberships.map((m) => `${m.name} (${m.role})`).join(', ') || 'none yet'}</dd>
      </dl>
      <h2>API tokens</h2>
      <p className="muted">
        A token lets the <span className="mono">medsweep</span> command line or a script act for you in one
        project, with your role there or a smaller one, until it expires or you revoke it. Signing out of the
        command line (<span className="mono">medsweep logout</span>) revokes its token.
      </p>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <OwnTokens projects={projects.map((p) => ({ slug: p.slug, name: p.name, role: p.role }))} />
      </HydrationBoundary>
    </>
  );
}
