import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditLog } from '../../../components/audit/audit-log';
import { ProjectSwitcher } from '../../../components/project-switcher';
import type { PageWithSearch } from '../../../lib/page-props';
import { cursorPages } from '../../../lib/cursor-pages';
import { AUDIT_PAGE_SIZE } from '../../../lib/paging';
import { getQueryClient, serverCaller, trpc } from '../../../server/caller';
import { chosenProject, myProjects, requireUser } from '../../../server/session';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage({ searchParams }: PageWithSearch) {
  const user = await requireUser();
  // Instance auditors and admins also read the log of the whole instance.
  const instanceLink = user.instanceActions.includes('instance.audit') && (
    <p>
      <Link href="/audit/instance" data-testid="instance-audit-link">
        Audit log of the whole instance
      </Link>
    </p>
  );
  const project = await chosenProject((await searchParams).project);
  if (project === null) {
    return (
      <>
        <p className="notice">You are not a member of any project yet.</p>
        {instanceLink}
      </>
    );
  }
  const projects = await myProjects();
  const header = (
    <>
      <h1>Audit log of {project.name}</h1>
      <ProjectSwitcher projects={projects} current={project.slug} path="/audit" />
      {instanceLink}
    </>
  );
  if (!project.actions.includes('audit.read')) {
    return (
      <>
        {header}
        <p className="notice" data-testid="audit-forbidden">
          Your role in {project.name} ({project.role}) cannot read the audit log: auditors and admins can.
        </p>
      </>
    );
  }
  const queryClient = getQueryClient();
  const caller = await serverCaller();
  await queryClient.prefetchInfiniteQuery(
    cursorPages(
      trpc.audit.list.pathKey(),
      { project: project.slug, limit: AUDIT_PAGE_SIZE },
      caller.audit.list,
    ),
  );
  return (
    <>
      {header}
      <p className="muted">
        Every change is an event chained to the one before by its hash; verifying recomputes the chain from
        the stored events and names the first one that does not match.
      </p>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <AuditLog project={project.slug} canVerify={project.actions.includes('audit.verify')} />
      </HydrationBoundary>
    </>
  );
}
